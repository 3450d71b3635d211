import { describe, expect, it } from 'vitest';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent, type ComplaintEvent } from '../../functions/domain/lifecycle.ts';
import { replyFileLimits, webReplyMessageId } from '../../functions/domain/web-reply.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import type { ReplyLinkRecord } from '../../functions/ports/reply-links.ts';
import { openReplyLink, submitWebReply, type SubmitWebReplyDeps } from '../../functions/use-cases/submit-web-reply.ts';
import { defaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');
const TOKEN = 'abcdefghijklmnopqrstuvwxyz234567';

/** Complaints by id with the repository's optimistic concurrency; `beforeUpdate` runs just before each conditional write. */
class Complaints {
  readonly items = new Map<string, Complaint>();
  writes = 0;
  beforeUpdate: (() => void) | undefined;
  async get(id: string) {
    return this.items.get(id);
  }
  async update(next: Complaint, expectedVersion: number) {
    this.beforeUpdate?.();
    if (this.items.get(next.id)?.version !== expectedVersion) return false;
    this.items.set(next.id, next);
    this.writes += 1;
    return true;
  }
}

function setUp(events: Array<Omit<ComplaintEvent, 'actor'>>, link: Partial<ReplyLinkRecord> = {}) {
  const r = createComplaint({ channel: 'phone', customer: { id: 'c', phone: '+8613912345678' }, description: 'Lost parcel' }, defaultConfig, t0, '01KUSECASE0000000000000000');
  if (!r.ok) throw new Error('fixture');
  let c = r.complaint;
  for (const e of events) {
    const applied = applyEvent(c, { actor: 'agent:li', ...e } as ComplaintEvent, t0, defaultConfig);
    if (!applied.ok) throw new Error(e.type);
    c = applied.complaint;
  }
  const complaints = new Complaints();
  complaints.items.set(c.id, c);
  const record: ReplyLinkRecord = { complaintId: c.id, expiresAt: '2026-12-16T02:00:00.000Z', ...link };
  const clock = new SimulatedClock(new Date('2026-11-17T02:00:00.000Z'));
  const deps: SubmitWebReplyDeps = { config: defaultConfig, clock, complaints, replyLinks: { find: async (token) => (token === TOKEN ? record : undefined) } };
  return { deps, complaints, clock, id: c.id };
}

const WAITING = [{ type: 'acknowledge' }, { type: 'wait_on_customer', note: 'Which colour?' }] as const;

describe('a reply from the reply link', () => {
  it('takes the page\'s own read of the link: no second read of the link or the complaint; a stale read is read again at the conditional write', async () => {
    const { deps, complaints } = setUp([...WAITING]);
    const reads = { links: 0, complaints: 0 };
    const counting: SubmitWebReplyDeps = {
      ...deps,
      replyLinks: { find: async (t) => ((reads.links += 1), deps.replyLinks.find(t)) },
      complaints: { get: async (id) => ((reads.complaints += 1), complaints.get(id)), update: (c, v) => complaints.update(c, v) },
    };
    const opened = await openReplyLink(TOKEN, counting);
    expect(reads).toEqual({ links: 1, complaints: 1 });
    expect(await submitWebReply(TOKEN, { text: 'Blue' }, counting, opened)).toMatchObject({ outcome: 'recorded', event: 'customer_replied' });
    expect(reads).toEqual({ links: 1, complaints: 1 });
    // The same read, now stale (the reply is written): the write's condition fails, it reads again and finds the reply.
    expect(await submitWebReply(TOKEN, { text: 'Blue' }, counting, opened)).toMatchObject({ outcome: 'duplicate' });
    expect(reads).toEqual({ links: 2, complaints: 2 });
    expect(complaints.writes).toBe(1);
  });

  it('is recorded once: a second submission finds it and writes nothing', async () => {
    const { deps, complaints, id } = setUp([...WAITING]);
    const first = await submitWebReply(TOKEN, { text: 'Blue' }, deps);
    expect(first).toMatchObject({ outcome: 'recorded', event: 'customer_replied', complaint: { status: 'in_progress' } });
    expect(complaints.writes).toBe(1);
    expect(complaints.items.get(id)!.timeline.at(-1)).toMatchObject({ actor: 'customer:web', note: 'Blue', messageId: webReplyMessageId(TOKEN) });
    expect(await submitWebReply(TOKEN, { text: 'Blue' }, deps)).toMatchObject({ outcome: 'duplicate' });
    expect(await submitWebReply(TOKEN, { text: 'Actually red' }, deps)).toMatchObject({ outcome: 'duplicate' });
    expect(complaints.writes).toBe(1);
    expect((await openReplyLink(TOKEN, deps)).state).toBe('replied');
  });

  it('a double submit racing for the same version: one writes, the other re-reads and finds the reply', async () => {
    const { deps, complaints, id } = setUp([...WAITING]);
    // Both requests read the complaint before either writes.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((ok) => (release = ok));
    const racing = { ...deps, complaints: { get: complaints.get.bind(complaints), update: async (next: Complaint, v: number) => (++arrived === 2 && release(), await bothRead, complaints.update(next, v)) } };
    const results = await Promise.all([submitWebReply(TOKEN, { text: 'Blue' }, racing), submitWebReply(TOKEN, { text: 'Blue' }, racing)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['duplicate', 'recorded']);
    expect(complaints.writes).toBe(1);
    expect(complaints.items.get(id)!.timeline.filter((e) => e.messageId === webReplyMessageId(TOKEN))).toHaveLength(1);
  });

  it('an agent\'s change between read and write: read again, decided again (the agent marked it replied: a customer_web_reply entry)', async () => {
    const { deps, complaints, id } = setUp([...WAITING]);
    complaints.beforeUpdate = () => {
      complaints.beforeUpdate = undefined;
      const c = complaints.items.get(id)!;
      const started = applyEvent(c, { type: 'customer_replied', actor: 'agent:li', note: 'Called them' }, t0, defaultConfig);
      if (!started.ok) throw new Error('fixture');
      complaints.items.set(id, started.complaint);
    };
    const r = await submitWebReply(TOKEN, { text: 'Blue' }, deps);
    expect(r).toMatchObject({ outcome: 'recorded', event: 'customer_web_reply', complaint: { status: 'in_progress' } });
    expect(complaints.items.get(id)!.timeline.slice(-2).map((e) => [e.actor, e.event])).toEqual([
      ['agent:li', 'customer_replied'],
      ['customer:web', 'customer_web_reply'],
    ]);
  });

  it('a complaint closed meanwhile is not written; one resolved meanwhile is reopened by the reply', async () => {
    const closed = setUp([...WAITING, { type: 'customer_replied' }, { type: 'resolve' }, { type: 'close' }]);
    expect(await submitWebReply(TOKEN, { text: 'Blue' }, closed.deps)).toMatchObject({ outcome: 'closed' });
    expect(closed.complaints.writes).toBe(0);
    const resolved = setUp([...WAITING, { type: 'customer_replied' }, { type: 'resolve' }]);
    expect(await submitWebReply(TOKEN, { text: 'Still broken' }, resolved.deps)).toMatchObject({ outcome: 'recorded', event: 'reopen', complaint: { status: 'reopened' } });
    expect(resolved.complaints.writes).toBe(1);
  });

  it('unknown, expired or dangling links find nothing', async () => {
    const { deps, complaints } = setUp([...WAITING], { expiresAt: '2026-11-17T02:00:00.000Z' });
    expect(await submitWebReply(TOKEN, { text: 'Blue' }, deps)).toEqual({ outcome: 'not_found' });
    expect(await submitWebReply('not-a-token', { text: 'Blue' }, deps)).toEqual({ outcome: 'not_found' });
    const dangling = setUp([...WAITING], { complaintId: 'gone' });
    expect(await submitWebReply(TOKEN, { text: 'Blue' }, dangling.deps)).toEqual({ outcome: 'not_found' });
    expect(complaints.writes + dangling.complaints.writes).toBe(0);
  });

  it('gives up after a complaint that keeps changing, without writing (the customer can submit again)', async () => {
    const { deps, complaints, id } = setUp([...WAITING]);
    complaints.beforeUpdate = () => {
      const c = complaints.items.get(id)!;
      complaints.items.set(id, { ...c, version: c.version + 1 });
    };
    await expect(submitWebReply(TOKEN, { text: 'Blue' }, deps)).rejects.toThrow(/kept changing/);
    expect(complaints.writes).toBe(0);
  });

  describe('with files', () => {
    const limits = replyFileLimits(defaultConfig, 4 * 1024 * 1024)!;
    const png = { filename: 'damage.png', contentType: 'image/png', size: 4, content: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) };
    const pdf = { filename: '../receipt.pdf', contentType: 'application/pdf', size: 5, content: new TextEncoder().encode('%PDF-') };
    /** A mail store that records every write, and what the complaint held when it happened. */
    function recordingMail(complaints: Complaints, id: string) {
      const puts: Array<{ key: string; bytes: number; entryWritten: boolean }> = [];
      return {
        puts,
        putAttachment: async (key: string, body: Uint8Array) => {
          puts.push({ key, bytes: body.length, entryWritten: complaints.items.get(id)!.timeline.some((e) => e.messageId === webReplyMessageId(TOKEN)) });
        },
      };
    }

    it('stores the files before the entry, under the complaint, and lists them on it; a retry overwrites the same keys; a reply already recorded stores nothing', async () => {
      const { deps, complaints, id } = setUp([...WAITING]);
      const mail = recordingMail(complaints, id);
      const r = await submitWebReply(TOKEN, { text: '', files: [png, pdf], limits }, { ...deps, mail });
      expect(r).toMatchObject({ outcome: 'recorded', event: 'customer_replied' });
      expect(mail.puts.map((p) => p.entryWritten)).toEqual([false, false]);
      const entry = complaints.items.get(id)!.timeline.at(-1)!;
      expect(entry.note).toBeUndefined();
      expect(entry.attachments).toEqual([
        { name: 'damage.png', contentType: 'image/png', size: 4, key: mail.puts[0]!.key },
        { name: 'receipt.pdf', contentType: 'application/pdf', size: 5, key: mail.puts[1]!.key },
      ]);
      expect(mail.puts.map((p) => p.key)).toEqual([expect.stringMatching(new RegExp(`^attachments/${id}/[0-9a-f]{16}/1-damage\\.png$`)), expect.stringMatching(new RegExp(`^attachments/${id}/[0-9a-f]{16}/2-receipt\\.pdf$`))]);

      // The same link on another complaint state would plan the same keys; once recorded, nothing is stored.
      expect(await submitWebReply(TOKEN, { text: 'again', files: [png], limits }, { ...deps, mail })).toMatchObject({ outcome: 'duplicate' });
      expect(mail.puts).toHaveLength(2);
      expect(complaints.writes).toBe(1);
    });

    it('a write that lost a race stored under the same keys as the winner (a retried request overwrites, never adds)', async () => {
      const { deps, complaints, id } = setUp([...WAITING]);
      const mail = recordingMail(complaints, id);
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((ok) => (release = ok));
      const racing = { ...deps, mail, complaints: { get: complaints.get.bind(complaints), update: async (next: Complaint, v: number) => (++arrived === 2 && release(), await bothRead, complaints.update(next, v)) } };
      const results = await Promise.all([submitWebReply(TOKEN, { text: 'x', files: [png], limits }, racing), submitWebReply(TOKEN, { text: 'x', files: [png], limits }, racing)]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['duplicate', 'recorded']);
      expect(new Set(mail.puts.map((p) => p.key)).size).toBe(1);
      expect(complaints.items.get(id)!.timeline.filter((e) => e.attachments).length).toBe(1);
    });

    it('a closed complaint or an unknown link stores nothing; files without a mail store are a wiring error', async () => {
      const closed = setUp([...WAITING, { type: 'customer_replied' }, { type: 'resolve' }, { type: 'close' }]);
      const mail = recordingMail(closed.complaints, closed.id);
      expect(await submitWebReply(TOKEN, { text: '', files: [png], limits }, { ...closed.deps, mail })).toMatchObject({ outcome: 'closed' });
      expect(await submitWebReply('not-a-token', { text: '', files: [png], limits }, { ...closed.deps, mail })).toEqual({ outcome: 'not_found' });
      expect(mail.puts).toEqual([]);
      const open = setUp([...WAITING]);
      await expect(submitWebReply(TOKEN, { text: '', files: [png], limits }, open.deps)).rejects.toThrow(/mail store/);
      expect(open.complaints.writes).toBe(0);
    });
  });
});

import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalMailStore } from '../../functions/adapters/local-mail-store.ts';
import { parseMime } from '../../functions/adapters/mime-parser.ts';
import { buildRuntime, extendRuntime, setRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { ComplaintSchema, type Complaint } from '../../functions/domain/complaint.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { emailCustomerId, type Verdict } from '../../functions/domain/inbound-mail.ts';
import { parseLinkKeys, type LinkKeys } from '../../functions/domain/link-signing.ts';
import { handler as inboundMail } from '../../functions/handlers/inbound-mail.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { applyComplaintEvent } from '../../functions/use-cases/apply-complaint-event.ts';
import { receiveEmail } from '../../functions/use-cases/receive-email.ts';
import { submitComplaint } from '../../functions/use-cases/submit-complaint.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { UNUSABLE_SENDERS } from '../fixtures/unusable-senders.ts';
import { captureLogLines } from '../support/log-lines.ts';

const db = withDynamoDbLocal();
const t0 = new Date('2026-11-23T02:00:00.000Z');
const DOMAIN = 'youxuan-mall.example.com';
let clock: SimulatedClock;
let mail: LocalMailStore;
let rt: Runtime;
let seq = 0;

let stateTable: string;

function setup(config: PipelineConfig = defaultConfig, linkKeys?: LinkKeys) {
  return async () => {
    const { names } = await db.freshTables();
    stateTable = names.state;
    clock = new SimulatedClock(t0);
    mail = new LocalMailStore();
    rt = buildRuntime({
      stores: allStores,
      config,
      clock,
      doc: db.clients.doc,
      tableNames: names,
      notifier: new Outbox(config, clock),
      events: new RecordedEvents('bus'),
      mail,
      ...(linkKeys && { linkKeys: async () => linkKeys }),
    });
    setRuntime(rt);
  };
}

const fixture = (name: string, replace: Record<string, string> = {}): Buffer => {
  let raw = readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url)).toString('latin1');
  for (const [from, to] of Object.entries(replace)) raw = raw.replaceAll(from, to);
  return Buffer.from(raw, 'latin1');
};

type Verdicts = { spam?: Verdict; virus?: Verdict; spf?: Verdict; dkim?: Verdict; dmarc?: Verdict };

/**
 * Delivers a raw message as SES does: stored under inbound/<id>, then the event, with every verdict
 * PASS unless given (a sender whose domain SES authenticated); `null` leaves a verdict out of the event.
 */
async function deliver(raw: Buffer, recipients: string[], verdicts: { [K in keyof Verdicts]: Verdict | null } = {}) {
  seq += 1;
  const messageId = `ses-${seq}`;
  await mail.putRaw(`inbound/${messageId}`, raw);
  const v = (name: keyof Verdicts) => (verdicts[name] === null ? {} : { [`${name}Verdict`]: { status: verdicts[name] ?? 'PASS' } });
  const [result] = await inboundMail({
    Records: [
      {
        eventSource: 'aws:ses',
        ses: { mail: { messageId }, receipt: { recipients, ...v('spam'), ...v('virus'), ...v('spf'), ...v('dkim'), ...v('dmarc') } },
      },
    ],
  });
  return { messageId, outcome: result!.outcome };
}

const PASSING = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' } as const;

const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));

const toComplaints = [`complaints@${DOMAIN}`];
/** Link keys as the deployed functions have them (the secret's form). */
const SIGNING = parseLinkKeys(JSON.stringify({ current: 'k1', k1: 'reply-token-signing-key-for-this-test-0123' }));

async function byExternalId(externalId: string): Promise<Complaint> {
  const found = await rt.complaints.recentByCustomer(emailCustomerId('alice@example.com'), new Date(0));
  for (const f of found) {
    const c = await rt.complaints.get(f.id);
    if (c?.externalId === externalId) return c;
  }
  throw new Error(`no complaint with external id ${externalId}`);
}

/** A complaint of Alice's (filed through the API) moved along with agent events. */
async function aliceComplaint(events: Array<'acknowledge' | 'start' | 'wait_on_customer' | 'resolve' | 'close'>): Promise<Complaint> {
  const created = await submitComplaint(
    { channel: 'web', customer: { id: 'alice-1', email: 'Alice@Example.com', locale: 'en' }, title: 'Parcel never arrived', description: 'My parcel has not arrived', category: 'logistics-delay' },
    rt,
  );
  if (created.outcome !== 'created') throw new Error('fixture');
  let complaint = created.complaint;
  for (const type of events) {
    advance(60_000);
    const r = await applyComplaintEvent(complaint.id, { type, actor: 'agent:li', ...(type === 'wait_on_customer' && { note: 'Please send the tracking number.' }) }, rt);
    if (r.outcome !== 'applied') throw new Error(`fixture: ${type}`);
    complaint = r.complaint;
  }
  return complaint;
}

async function replyFor(complaint: Complaint, options: { from?: string; tokenFor?: string } = {}): Promise<{ raw: Buffer; to: string }> {
  const token = await rt.replyTokens.issue(complaint.id, options.tokenFor ?? complaint.customer.email!, clock.now(), 180);
  const to = `complaints+${token}@${DOMAIN}`;
  return { to, raw: fixture('reply.eml', { TOKEN: token, COMPLAINTID: complaint.id, ...(options.from && { 'From: Alice Wong <alice@example.com>': `From: ${options.from}` }) }) };
}

describe('new email → complaint, through the intake use case', () => {
  beforeEach(setup());

  it('files a plain message once, however often it is delivered', async () => {
    expect((await deliver(fixture('plain.eml'), toComplaints)).outcome).toBe('created');
    expect((await deliver(fixture('plain.eml'), toComplaints)).outcome).toBe('duplicate');
    const c = await byExternalId('plain-0001@mail.example.com');
    expect(c).toMatchObject({ channel: 'email', title: 'Parcel never arrived', customer: { email: 'alice@example.com', name: 'Alice Wong', locale: 'en' }, status: 'received' });
    expect(c.category).toBe('logistics-delay');
    expect(c.description).not.toContain('+852');
    expect((await rt.complaints.recentByCustomer(emailCustomerId('alice@example.com'), new Date(0))).length).toBe(1);
  });

  it('stores allowed attachments under the complaint and lists them all on one entry, once', async () => {
    const raw = fixture('attachment.eml', { 'carol@example.com': 'alice@example.com' });
    await deliver(raw, toComplaints);
    await deliver(raw, toComplaints);
    const c = await byExternalId('attach-0003@mail.example.com');
    const entries = c.timeline.filter((e) => e.attachments);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.attachments!.map((a) => [a.name, a.notKept ?? 'kept'])).toEqual([
      ['screen.png', 'kept'],
      ['invoice.pdf', 'kept'],
      ['setup.exe', 'type_not_allowed'],
    ]);
    for (const a of entries[0]!.attachments!.filter((x) => x.key)) {
      expect(a.key!.startsWith(`attachments/${c.id}/`)).toBe(true);
      expect((await mail.get(a.key!))?.length).toBe(a.size);
    }
    expect((await mail.list()).some((o) => o.key.includes('setup'))).toBe(false);
  });

  it('moves each raw message that became part of a complaint under it, and leaves the others where SES put them', async () => {
    const first = await deliver(fixture('plain.eml'), toComplaints);
    const copy = await deliver(fixture('plain.eml'), toComplaints);
    const c = await byExternalId('plain-0001@mail.example.com');
    const ignored = await deliver(fixture('auto-reply.eml'), toComplaints);
    const keys = (await mail.list()).map((o) => o.key).sort();
    expect(keys).toEqual([`inbound/${ignored.messageId}`, `messages/${c.id}/${first.messageId}`, `messages/${c.id}/${copy.messageId}`].sort());
    // The same invocation retried once it is done: nothing to read, nothing filed twice.
    const [retried] = await inboundMail({
      Records: [{ eventSource: 'aws:ses', ses: { mail: { messageId: first.messageId }, receipt: { recipients: toComplaints, spamVerdict: { status: 'PASS' }, virusVerdict: { status: 'PASS' } } } }],
    });
    expect(retried!.outcome).toBe('ignored');
    expect((await mail.list()).map((o) => o.key).sort()).toEqual(keys);
  });

  it.each([
    ['auto-reply.eml', 'auto_submitted'],
    ['bounce.eml', 'delivery_report'],
  ])('ignores %s (%s): no complaint, no receipt, no loop', async (name) => {
    expect((await deliver(fixture(name), toComplaints)).outcome).toBe('ignored');
  });

  it('ignores mail for other addresses of the domain', async () => {
    expect((await deliver(fixture('plain.eml'), [`sales@${DOMAIN}`])).outcome).toBe('ignored');
  });

  it('quarantines spam and rejects viruses (the shipped settings), filing neither', async () => {
    const spam = await deliver(fixture('plain.eml'), toComplaints, { spam: 'FAIL' });
    expect(spam.outcome).toBe('quarantined');
    expect(await mail.get(`quarantine/${spam.messageId}`)).toBeDefined();
    const virus = await deliver(fixture('plain.eml'), toComplaints, { virus: 'FAIL' });
    expect(virus.outcome).toBe('rejected');
    expect(await mail.get(`quarantine/${virus.messageId}`)).toBeUndefined();
    expect(await rt.complaints.recentByCustomer(emailCustomerId('alice@example.com'), new Date(0))).toEqual([]);
  });
});

describe('a complaints address too long for a signed token', () => {
  beforeEach(setup({ ...defaultConfig, inbound: { ...defaultConfig.inbound!, address: `customer-care-desk-1@${DOMAIN}` } }, SIGNING));

  it('gets stored tokens, which still find the complaint: the reply address stays within 64 characters', async () => {
    const waiting = await aliceComplaint(['acknowledge', 'wait_on_customer']);
    const token = await rt.replyTokens.issue(waiting.id, waiting.customer.email!, clock.now(), 180);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(`customer-care-desk-1+${token}`.length).toBeLessThanOrEqual(64);
    expect(await rt.replyTokens.find(token, waiting.customer.email!)).toMatchObject({ complaintId: waiting.id });
  });
});

describe('too large', () => {
  beforeEach(setup({ ...defaultConfig, inbound: { ...defaultConfig.inbound!, maxMessageBytes: 1024 } }));

  it('ignores a message over inbound.maxMessageBytes without parsing it', async () => {
    expect((await deliver(fixture('attachment.eml'), toComplaints)).outcome).toBe('ignored');
  });
});

// Tokens as issued before link keys (random, stored hashed) and as the deployed functions issue them (signed).
describe.each([
  ['stored', undefined, 32],
  ['signed', SIGNING, 44],
] as const)('replies, with %s tokens', (_kind, linkKeys, tokenLength) => {
  beforeEach(setup(defaultConfig, linkKeys));

  it(`issues ${tokenLength}-character tokens, and stores a ${linkKeys ? 'nothing' : 'hash'}`, async () => {
    const waiting = await aliceComplaint(['acknowledge', 'wait_on_customer']);
    const { to } = await replyFor(waiting);
    expect(to).toMatch(new RegExp(`^complaints\\+[0-9a-z]{${tokenLength}}@`));
    const stored = ((await db.clients.doc.send(new ScanCommand({ TableName: stateTable }))).Items ?? []).filter((i) => String(i.pk).startsWith('REPLY#'));
    expect(stored).toHaveLength(linkKeys ? 0 : 1);
  });

  it('a reply while waiting on the customer adds only the new text and restarts the SLA clock, once', async () => {
    const waiting = await aliceComplaint(['acknowledge', 'wait_on_customer']);
    expect(waiting.sla.pausedAt).toBeDefined();
    advance(3 * 3_600_000);
    const { raw, to } = await replyFor(waiting);
    expect((await deliver(raw, [to])).outcome).toBe('replied');
    expect((await deliver(raw, [to])).outcome).toBe('replied');
    const after = (await rt.complaints.get(waiting.id))!;
    expect(after.status).toBe('in_progress');
    expect(after.sla.pausedAt).toBeUndefined();
    expect(Date.parse(after.resolutionDueAt)).toBe(Date.parse(waiting.resolutionDueAt) + 3 * 3_600_000);
    const replies = after.timeline.filter((e) => e.actor === 'customer:email');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ event: 'customer_replied', note: 'The tracking number is SF1234567890, the courier is SF Express.\n\nThanks,\nAlice' });
    expect(replies[0]!.note).not.toContain('Dear Alice');
    expect((await mail.list()).filter((o) => o.key.startsWith(`messages/${waiting.id}/`))).toHaveLength(2);
  });

  it('a reply without the token is threaded by References when the sender is the customer', async () => {
    const open = await aliceComplaint(['acknowledge']);
    const raw = fixture('reply.eml', { COMPLAINTID: open.id });
    expect((await deliver(raw, toComplaints)).outcome).toBe('replied');
    const after = (await rt.complaints.get(open.id))!;
    expect(after.timeline.at(-1)).toMatchObject({ event: 'customer_email', status: 'acknowledged' });
  });

  it('reopens a complaint resolved within reopenWithinDays', async () => {
    const resolved = await aliceComplaint(['acknowledge', 'start', 'resolve']);
    advance(13 * 86_400_000);
    const { raw, to } = await replyFor(resolved);
    expect((await deliver(raw, [to])).outcome).toBe('replied');
    expect((await rt.complaints.get(resolved.id))!).toMatchObject({ status: 'reopened', reopenCount: 1 });
  });

  it('starts a new complaint linked as a repeat for a reply to a closed one', async () => {
    const closed = await aliceComplaint(['acknowledge', 'start', 'resolve', 'close']);
    const { raw, to } = await replyFor(closed);
    expect((await deliver(raw, [to])).outcome).toBe('created');
    expect((await rt.complaints.get(closed.id))!.status).toBe('closed');
    const repeat = await byExternalId('reply-0009@mail.example.com');
    expect(repeat).toMatchObject({ repeatOf: closed.id, category: closed.category, channel: 'email' });
  });

  it('gives a token of someone else\'s complaint, a forged token or an unknown sender no access', async () => {
    const waiting = await aliceComplaint(['acknowledge', 'wait_on_customer']);
    const before = (await rt.complaints.get(waiting.id))!;
    // An unknown sender with Alice's valid token; Alice's token replayed by another sender via References.
    const stranger = await replyFor(waiting, { from: 'Mallory <mallory@example.net>' });
    expect((await deliver(stranger.raw, [stranger.to])).outcome).toBe('created');
    // A token issued for another address (someone else's complaint mail) used from Alice's address.
    const other = await replyFor(waiting, { tokenFor: 'bob@example.com' });
    expect((await deliver(fixture('plain.eml', { 'plain-0001': 'other-1' }), [other.to])).outcome).toBe('created');
    // A forged token.
    const forged = fixture('reply.eml', { TOKEN: 'abcdefghijklmnopqrstuvwxyz234567', COMPLAINTID: '01K0000000000000000000000A', 'reply-0009': 'forged-1' });
    expect((await deliver(forged, [`complaints+abcdefghijklmnopqrstuvwxyz234567@${DOMAIN}`])).outcome).toBe('created');
    // References naming Alice's complaint, from someone else.
    const spoofed = fixture('reply.eml', { COMPLAINTID: waiting.id, 'From: Alice Wong <alice@example.com>': 'From: eve@example.org', 'reply-0009': 'spoof-1' });
    expect((await deliver(spoofed, toComplaints)).outcome).toBe('created');
    expect(await rt.complaints.get(waiting.id)).toEqual(before);
  });
});

describe('a sender the complaint schema refuses', () => {
  beforeEach(setup());

  /** The runtime with a complaint repository that records every write the store could not read back. */
  function guarded(): { deps: Runtime & { parseMime: typeof parseMime }; unreadable: string[]; writes: () => number } {
    const inner = rt.complaints;
    const unreadable: string[] = [];
    let writes = 0;
    const check = (c: Complaint) => {
      writes += 1;
      const parsed = ComplaintSchema.safeParse(JSON.parse(JSON.stringify(c)));
      if (!parsed.success) unreadable.push(c.id);
    };
    const complaints: Runtime['complaints'] = Object.create(inner, {
      create: { value: async (c: Complaint, nextRef?: () => string) => (check(c), inner.create(c, nextRef)) },
      update: { value: async (c: Complaint, v: number) => (check(c), inner.update(c, v)) },
    });
    return { deps: extendRuntime(extendRuntime(rt, { complaints }), { parseMime }), unreadable, writes: () => writes };
  }

  const message = (from: string, id: string) =>
    Buffer.from(`From: ${from}\r\nTo: complaints@${DOMAIN}\r\nSubject: multi from\r\nMessage-ID: <${id}@example.com>\r\n\r\nrefund multi\r\n`, 'utf8');

  it.each([...UNUSABLE_SENDERS.map((a) => [a.length > 60 ? `${a.slice(0, 20)}… (${a.length} characters)` : a, `Someone <${a}>`]), ['the repro: a@b@c, z@q.com', 'a@b@c, z@q.com']])(
    '%s: ignored as unusable_sender, nothing written, the raw message left to expire',
    async (_label, from) => {
      const { deps, unreadable, writes } = guarded();
      seq += 1;
      const key = `inbound/ses-${seq}`;
      await mail.putRaw(key, message(from, `unusable-${seq}`));
      const result = await receiveEmail({ key, recipients: toComplaints, deliveryId: `ses-${seq}`, spamVerdict: 'PASS', virusVerdict: 'PASS', sender: PASSING }, deps);
      expect(result).toEqual({ outcome: 'ignored', reason: 'unusable_sender' });
      expect(writes()).toBe(0);
      expect(unreadable).toEqual([]);
      expect(await mail.get(key)).toBeDefined();
      expect(await rt.complaints.dueForSweep(new Date('2030-01-01T00:00:00Z'), 100)).toEqual({ items: [], itemsRead: 0 });
    },
  );

  it('the same message from an ordinary address is written once, readable (so the guard above can fail)', async () => {
    const { deps, unreadable, writes } = guarded();
    await mail.putRaw('inbound/ok-1', message('Someone <someone@example.com>', 'usable-1'));
    const result = await receiveEmail({ key: 'inbound/ok-1', recipients: toComplaints, deliveryId: 'ok-1', spamVerdict: 'PASS', virusVerdict: 'PASS', sender: PASSING }, deps);
    expect(result.outcome).toBe('created');
    expect(writes()).toBe(1);
    expect(unreadable).toEqual([]);
    expect((await rt.complaints.dueForSweep(new Date('2030-01-01T00:00:00Z'), 100)).items).toHaveLength(1);
  });

  it('logs the outcome and reason, never the address', async () => {
    const lines = await captureLogLines('INFO', () => deliver(message('Mallory <a@b@c>', 'unusable-log'), toComplaints));
    const line = lines.find((l) => l.message === 'inbound email');
    expect(line).toMatchObject({ outcome: 'ignored', reason: 'unusable_sender' });
    expect(JSON.stringify(lines)).not.toContain('a@b@c');
    expect(JSON.stringify(lines)).not.toContain('Mallory');
  });
});

describe('threading by References needs a sender SES authenticated', () => {
  beforeEach(setup());

  /** A reply from Alice's address to the plain complaints address, naming her complaint in References, as a forger would write it. */
  const referencing = (complaint: Complaint, id: string) => fixture('reply.eml', { COMPLAINTID: complaint.id, 'reply-0009': id });

  it.each<[string, Verdicts]>([
    ['DMARC FAIL', { dmarc: 'FAIL' }],
    ['DMARC FAIL though SPF and DKIM pass (not aligned with From)', { dmarc: 'FAIL', spf: 'PASS', dkim: 'PASS' }],
    ['no DMARC policy (GRAY), SPF and DKIM FAIL', { dmarc: 'GRAY', spf: 'FAIL', dkim: 'FAIL' }],
    ['no DMARC policy (GRAY), SPF and DKIM GRAY', { dmarc: 'GRAY', spf: 'GRAY', dkim: 'GRAY' }],
    ['DMARC PROCESSING_FAILED', { dmarc: 'PROCESSING_FAILED' }],
  ])('%s: a forged reply to a resolved complaint does not reopen it; it is filed as new mail', async (_label, verdicts) => {
    const resolved = await aliceComplaint(['acknowledge', 'start', 'resolve']);
    const before = (await rt.complaints.get(resolved.id))!;
    expect((await deliver(referencing(resolved, 'forged-ref-1'), toComplaints, verdicts)).outcome).toBe('created');
    expect(await rt.complaints.get(resolved.id)).toEqual(before);
    const filed = await byExternalId('forged-ref-1@mail.example.com');
    expect(filed.id).not.toBe(resolved.id);
    expect(filed.repeatOf).toBeUndefined();
  });

  it('an event without the authentication verdicts authenticates nobody', async () => {
    const open = await aliceComplaint(['acknowledge']);
    const before = (await rt.complaints.get(open.id))!;
    expect((await deliver(referencing(open, 'no-verdicts-1'), toComplaints, { spf: null, dkim: null, dmarc: null })).outcome).toBe('created');
    expect(await rt.complaints.get(open.id)).toEqual(before);
  });

  it.each<[string, Verdicts]>([
    ['DMARC PASS', { dmarc: 'PASS', spf: 'FAIL', dkim: 'FAIL' }],
    ['no DMARC policy (GRAY), SPF PASS', { dmarc: 'GRAY', spf: 'PASS', dkim: 'FAIL' }],
    ['no DMARC policy (GRAY), DKIM PASS', { dmarc: 'GRAY', spf: 'FAIL', dkim: 'PASS' }],
  ])('%s: the reply is threaded and reopens the resolved complaint', async (_label, verdicts) => {
    const resolved = await aliceComplaint(['acknowledge', 'start', 'resolve']);
    expect((await deliver(referencing(resolved, 'genuine-ref-1'), toComplaints, verdicts)).outcome).toBe('replied');
    expect((await rt.complaints.get(resolved.id))!).toMatchObject({ status: 'reopened', reopenCount: 1 });
  });

  it('the reply address needs no authentication: its token is the credential', async () => {
    const waiting = await aliceComplaint(['acknowledge', 'wait_on_customer']);
    const { raw, to } = await replyFor(waiting);
    expect((await deliver(raw, [to], { dmarc: 'FAIL', spf: 'FAIL', dkim: 'FAIL' })).outcome).toBe('replied');
    expect((await rt.complaints.get(waiting.id))!.status).toBe('in_progress');
  });

  it('logs that the message came in unauthenticated, without the address', async () => {
    const open = await aliceComplaint(['acknowledge']);
    const lines = await captureLogLines('INFO', () => deliver(referencing(open, 'forged-log-1'), toComplaints, { dmarc: 'FAIL' }));
    expect(lines.find((l) => l.message === 'inbound email')).toMatchObject({ outcome: 'created', via: 'unauthenticated' });
    expect(JSON.stringify(lines)).not.toContain('alice@example.com');
  });
});

describe('hostile MIME', () => {
  beforeEach(setup());

  /** A message nested `depth` multiparts deep around one line of text. */
  function nested(depth: number): Buffer {
    let head = '';
    let tail = '';
    for (let i = 0; i < depth; i += 1) {
      head += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
      tail = `\r\n--b${i}--\r\n${tail}`;
    }
    return Buffer.from(`From: Alice Wong <alice@example.com>\r\nSubject: deep\r\nMessage-ID: <deep-1@example.com>\r\nMIME-Version: 1.0\r\n${head}Content-Type: text/plain\r\n\r\nhello${tail}`);
  }

  it('a message nested 2,000 levels deep is ignored as unparseable, not thrown (so not retried into the failure queue)', async () => {
    const { messageId, outcome } = await deliver(nested(2000), toComplaints);
    expect(outcome).toBe('ignored');
    expect(await mail.get(`inbound/${messageId}`)).toBeDefined();
    await mail.putRaw('inbound/deep-2', nested(2000));
    const result = await receiveEmail({ key: 'inbound/deep-2', recipients: toComplaints, deliveryId: 'deep-2', spamVerdict: 'PASS', virusVerdict: 'PASS', sender: PASSING }, extendRuntime(rt, { parseMime }));
    expect(result).toEqual({ outcome: 'ignored', reason: 'unparseable' });
    expect(await rt.complaints.recentByCustomer(emailCustomerId('alice@example.com'), new Date(0))).toEqual([]);
  });

  it('5,000 disallowed attachments with long names: the complaint lands with a bounded list, a count of the rest, and the raw message filed', async () => {
    const boundary = 'many-parts';
    const parts = [`--${boundary}\r\nContent-Type: text/plain\r\n\r\nMy parcel for order 8812 has not arrived.\r\n`];
    // Long, but the header block stays under postal-mime's 2 MB limit on headers.
    const longName = (i: number) => `${String(i).padStart(5, '0')}-${'x'.repeat(120)}.exe`;
    for (let i = 0; i < 5000; i += 1) {
      parts.push(`--${boundary}\r\nContent-Type: application/x-msdownload\r\nContent-Disposition: attachment; filename="${longName(i)}"\r\n\r\nMZ\r\n`);
    }
    const raw = Buffer.from(
      `From: Alice Wong <alice@example.com>\r\nTo: complaints@${DOMAIN}\r\nSubject: Parcel never arrived\r\nMessage-ID: <many-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.join('')}--${boundary}--\r\n`,
    );
    const { messageId, outcome } = await deliver(raw, toComplaints);
    expect(outcome).toBe('created');
    const c = await byExternalId('many-1@example.com');
    const entry = c.timeline.find((e) => e.messageId === 'many-1@example.com' && e.event === 'customer_email')!;
    expect(entry.attachments).toHaveLength(10);
    expect(entry.attachments!.every((a) => a.notKept === 'type_not_allowed' && a.name.length <= 100)).toBe(true);
    expect(entry.attachmentsNotListed).toBe(4990);
    expect((await mail.list()).map((o) => o.key)).toContain(`messages/${c.id}/${messageId}`);
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryEventPublisher, MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { MemorySlaSmsStore } from '../../functions/adapters/memory-sla-sms-store.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import type { ComplaintRepository } from '../../functions/ports/complaint-repository.ts';
import type { ClaimOutcome, MessageLedger } from '../../functions/ports/notifier.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { SWEEP_RUN_PREFIX, sweepSla, type SweepSlaDeps } from '../../functions/use-cases/sweep-sla.ts';
import { defaultConfig } from '../fixtures/config.ts';

// 10:00 in Shanghai: a medium logistics complaint's warning comes 18 hours later, outside quiet hours.
const t0 = new Date('2026-11-16T02:00:00.000Z');
const HOUR = 3600_000;

/** The two calls the sweep makes on complaints, over a map, with the repository's version check. */
class SweepComplaints {
  readonly byId = new Map<string, Complaint>();
  async dueForSweep(now: Date, limit: number): Promise<{ items: Complaint[]; itemsRead: number }> {
    const items = [...this.byId.values()]
      .filter((c) => c.sla.nextActionAt !== undefined && c.sla.nextActionAt <= now.toISOString())
      .sort((a, b) => (a.sla.nextActionAt! < b.sla.nextActionAt! ? -1 : 1))
      .slice(0, limit);
    return { items, itemsRead: items.length };
  }
  async update(next: Complaint, expectedVersion: number): Promise<boolean> {
    if (this.byId.get(next.id)?.version !== expectedVersion) return false;
    this.byId.set(next.id, { ...next, version: expectedVersion + 1 });
    return true;
  }
}

/** The ledger, recording every claim asked for (a claim is a conditional write in DynamoDB). */
class CountingLedger implements MessageLedger {
  readonly claims: string[] = [];
  constructor(
    readonly inner: MessageLedger,
    private readonly beforeRunClaim: () => Promise<void> = async () => undefined,
  ) {}
  async claim(messageId: string, now: Date): Promise<ClaimOutcome> {
    this.claims.push(messageId);
    if (messageId.startsWith(SWEEP_RUN_PREFIX)) await this.beforeRunClaim();
    return this.inner.claim(messageId, now);
  }
  markSent: MessageLedger['markSent'] = (claim, at) => this.inner.markSent(claim, at);
  release: MessageLedger['release'] = (claim) => this.inner.release(claim);
}

function setup(beforeRunClaim?: () => Promise<void>) {
  const clock = new SimulatedClock(t0);
  const complaints = new SweepComplaints();
  const notifier = new MemoryNotifier();
  const memoryLedger = new MemoryMessageLedger();
  const ledger = new CountingLedger(memoryLedger, beforeRunClaim);
  const deps: SweepSlaDeps = {
    config: defaultConfig,
    clock,
    complaints: complaints as unknown as ComplaintRepository,
    notifier,
    ledger,
    events: new MemoryEventPublisher(),
    slaSms: new MemorySlaSmsStore(),
  };
  const created = createComplaint({ channel: 'web', customer: { id: 'c-1', email: 'c@example.com' }, description: '快递延迟', category: 'logistics-delay', severity: 'medium' }, defaultConfig, t0, 'S000001');
  if (!created.ok) throw new Error('fixture');
  complaints.byId.set(created.complaint.id, created.complaint);
  return { clock, complaints, notifier, ledger, memoryLedger, deps, id: created.complaint.id };
}

describe('sweepSla: the run lease', () => {
  it('takes no lease (no write) in a run with nothing due, and one, given back, in a run with a step to take', async () => {
    const { clock, notifier, ledger, memoryLedger, deps } = setup();
    clock.set(new Date(t0.getTime() + 17 * HOUR));
    expect(await sweepSla(deps, 'run-idle')).toEqual({
      due: 0,
      itemsRead: 0,
      warnings: 0,
      escalations: 0,
      skipped: 0,
      recipients: 0,
      sms: { sent: 0, held: 0, overQuota: 0 },
      heldSummaries: 0,
    });
    expect(ledger.claims).toEqual([]);

    clock.set(new Date(t0.getTime() + 18.5 * HOUR));
    expect(await sweepSla(deps, 'run-due')).toMatchObject({ due: 1, warnings: 1, skipped: 0, recipients: 1 });
    expect(ledger.claims.filter((m) => m.startsWith(SWEEP_RUN_PREFIX))).toEqual([`${SWEEP_RUN_PREFIX}run-due`]);
    expect(notifier.messages.map((m) => m.kind)).toEqual(['sla_warning']);
    // Given back when the run ended: a retry of the same run may take it.
    expect((await memoryLedger.claim(`${SWEEP_RUN_PREFIX}run-due`, clock.now())).kind).toBe('claimed');
  });

  it('sends and records nothing while another delivery of the same run holds its lease', async () => {
    const { clock, notifier, memoryLedger, complaints, deps, id } = setup();
    clock.set(new Date(t0.getTime() + 18.5 * HOUR));
    expect((await memoryLedger.claim(`${SWEEP_RUN_PREFIX}run-1`, clock.now())).kind).toBe('claimed');
    expect(await sweepSla(deps, 'run-1')).toMatchObject({ due: 1, warnings: 0, skipped: 1 });
    expect(notifier.messages).toEqual([]);
    expect(complaints.byId.get(id)!.sla.warned).toBeFalsy();
  });

  it('sends nothing twice when another delivery of the same run finished between its reads and its claim', async () => {
    let first: Promise<unknown> | undefined;
    const { clock, notifier, complaints, deps, id } = setup(async () => {
      // The first delivery to reach its claim lets a second delivery of the same run run whole first.
      if (first) return;
      first = sweepSla(deps, 'run-1');
      await first;
    });
    clock.set(new Date(t0.getTime() + 18.5 * HOUR));
    const late = await sweepSla(deps, 'run-1');
    expect(await first).toMatchObject({ due: 1, warnings: 1, skipped: 0 });
    // Its plan was read before the other delivery recorded the warning: the write fails its version check.
    expect(late).toMatchObject({ due: 1, warnings: 0, skipped: 1 });
    expect(notifier.messages.map((m) => `${m.kind}:${m.channel}`)).toEqual(['sla_warning:email']);
    expect(complaints.byId.get(id)!.sla.warned).toBe(true);
    expect(complaints.byId.get(id)!.version).toBe(2);
  });
});

describe('sweepSla: the quiet-hours summary', () => {
  it('links a summary of escalations from several departments to the overdue list of all of them', async () => {
    const { clock, complaints, notifier, deps } = setup();
    const withBase: SweepSlaDeps = { ...deps, publicBaseUrl: () => 'https://console.example.com' };
    const quality = createComplaint({ channel: 'web', customer: { id: 'c-2', email: 'd@example.com' }, description: '质量问题', category: 'product-quality', severity: 'medium' }, defaultConfig, t0, 'S000002');
    if (!quality.ok) throw new Error('fixture');
    complaints.byId.set(quality.complaint.id, quality.complaint);
    const director = defaultConfig.departments[0]!.escalationChain[2]!;

    // Midnight in Shanghai two days later: every level has come, and the SMS waits for 08:00.
    clock.set(new Date('2026-11-17T16:00:00.000Z'));
    // Two team leads, two heads and the director: five people's SMS held.
    expect(await sweepSla(withBase, 'run-night')).toMatchObject({ escalations: 6, sms: { held: 5 } });
    expect(notifier.messages.filter((m) => m.channel === 'sms' && m.to === director.phone)).toEqual([]);

    clock.set(new Date('2026-11-18T00:05:00.000Z'));
    expect(await sweepSla(withBase, 'run-morning')).toMatchObject({ heldSummaries: 5 });
    const summary = notifier.messages.find((m) => m.channel === 'sms' && m.to === director.phone);
    expect(summary?.channel === 'sms' && summary.text).toContain('共有 2 起投诉超时升级至您');
    expect(summary?.channel === 'sms' && summary.text).toContain('https://console.example.com/console/inbox?overdue=1');
  });
});

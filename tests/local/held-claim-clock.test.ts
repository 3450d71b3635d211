import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { renderProgress } from '../../functions/domain/progress.ts';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';

const TOKEN = 'held-claim-clock-token';
const t0 = new Date('2026-11-16T02:00:00.000Z');
let pipeline: LocalPipeline;

beforeAll(async () => {
  pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: t0 });
}, 180_000);
afterAll(async () => {
  await pipeline?.stop();
});

describe('the local runtime: a held claim is waited out on the simulated clock', () => {
  it('the consumer asleep on a lease lets the pipeline settle; moving the clock past the lease wakes it and the move waits for its send', async () => {
    const api = client(() => pipeline.url, TOKEN);
    const created = createComplaint(
      { channel: 'web', customer: { id: 'held-1', email: 'held@example.com' }, description: '快递延迟', category: 'logistics-delay', severity: 'medium' },
      defaultConfig,
      pipeline.clock.now(),
      'H000001',
    );
    if (!created.ok) throw new Error('fixture');
    const complaint = created.complaint;
    const receiptIds = renderProgress(complaint, 0, defaultConfig).map((m) => m.id);
    expect(receiptIds.length).toBeGreaterThan(0);
    // A delivery that claimed the receipt and died: its claims are held for the full lease (120 s,
    // longer than the progress notifier's invocation), on the simulated clock.
    for (const id of receiptIds) expect((await pipeline.runtime.ledger.claim(id, pipeline.clock.now())).kind).toBe('claimed');
    await pipeline.runtime.complaints.create(complaint);
    const receipts = () => pipeline.outbox.entries().filter((m) => m.complaintId === complaint.id);
    const progressNotifier = async () =>
      ((await api.call('GET', '/local/streams')).body as Array<{ function: string; clockWaits: number; deadLetteredBatches: number }>).find((s) => s.function === 'progressNotifier');

    // Settles although the record is not handled: the notifier sleeps until the clock moves.
    await pipeline.idle();
    expect(receipts()).toEqual([]);
    expect((await progressNotifier())?.clockWaits).toBeGreaterThanOrEqual(1);

    const moved = await api.advance('PT3M');
    expect(moved.status).toBe(200);
    expect(receipts().map((m) => m.messageId).sort()).toEqual([...receiptIds].sort());
    expect((await progressNotifier())?.deadLetteredBatches).toBe(0);
  }, 120_000);
});

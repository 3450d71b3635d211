import { describe, expect, it } from 'vitest';
import { functions } from '../../functions/pipeline.ts';
import { seededRandom } from '../../functions/domain/random.ts';
import {
  bucketOf,
  hourlyRollup,
  MAX_BATCH_RECORDS,
  MAX_TRANSACTION_ITEMS,
  planCommits,
  windowBuckets,
  windowCount,
  type CommitPlan,
} from '../../functions/domain/volume.ts';

describe('window arithmetic', () => {
  it('buckets a time into its UTC minute', () => {
    expect(bucketOf(new Date('2026-11-20T09:30:59.999Z'))).toBe('2026-11-20T09:30:00.000Z');
  });

  it.each([
    [60, '2026-11-20T09:30:10Z', '2026-11-20T08:31:00.000Z', '2026-11-20T09:30:00.000Z'],
    [1, '2026-11-20T09:30:10Z', '2026-11-20T09:30:00.000Z', '2026-11-20T09:30:00.000Z'],
    [30, '2026-11-21T00:10:00Z', '2026-11-20T23:41:00.000Z', '2026-11-21T00:10:00.000Z'],
  ])('a %i-minute window at %s spans %s..%s', (minutes, now, from, to) => {
    expect(windowBuckets(new Date(now), minutes)).toEqual({ from, to });
  });

  it('sums bucket counts', () => {
    expect(windowCount([{ count: 2 }, { count: 5 }])).toBe(7);
    expect(windowCount([])).toBe(0);
  });
});

describe('planCommits', () => {
  const rec = (seq: number, category: string, minute: number) => ({
    eventId: `ev${seq}`,
    category,
    receivedAt: new Date(Date.UTC(2026, 10, 20, 9, minute, 5)).toISOString(),
  });
  /** Transaction items of a plan: a mark per record, its counters and their hourly rollups. */
  const items = (p: CommitPlan) => p.eventIds.length + p.increments.length + hourlyRollup(p.increments).length;

  it('writes one increment per (category, minute) however many complaints', () => {
    const records = [rec(1, 'a', 0), rec(2, 'a', 0), rec(3, 'b', 0), rec(4, 'a', 1), rec(5, 'a', 0)];
    const plans = planCommits(records);
    expect(plans).toHaveLength(1);
    expect(plans[0]!.increments).toEqual([
      { category: 'a', bucket: '2026-11-20T09:00:00.000Z', count: 3 },
      { category: 'b', bucket: '2026-11-20T09:00:00.000Z', count: 1 },
      { category: 'a', bucket: '2026-11-20T09:01:00.000Z', count: 1 },
    ]);
    expect([...plans[0]!.eventIds].sort()).toEqual(['ev1', 'ev2', 'ev3', 'ev4', 'ev5']);
  });

  it('splits into transactions of at most the limit, keeping each counter whole', () => {
    const records = Array.from({ length: 10 }, (_, i) => rec(i, `c${i % 5}`, i % 2));
    const plans = planCommits(records, 7);
    expect(plans.length).toBeGreaterThan(1);
    expect(plans.flatMap((p) => p.eventIds).sort()).toEqual(records.map((r) => r.eventId).sort());
    for (const p of plans) {
      expect(items(p)).toBeLessThanOrEqual(7);
      expect(p.eventIds.length).toBe(p.increments.reduce((s, i) => s + i.count, 0));
    }
  });

  it('shares an hourly rollup between the minutes of one hour in a commit', () => {
    // 3 minutes of one category in one hour: 3 marks + 3 counters + 1 rollup = 7 items.
    const plans = planCommits([rec(1, 'a', 0), rec(2, 'a', 1), rec(3, 'a', 2)], 7);
    expect(plans).toHaveLength(1);
    expect(items(plans[0]!)).toBe(7);
  });

  it('writes each counter once for a full batch of one counter, and splits only beyond it', () => {
    const full = Array.from({ length: MAX_BATCH_RECORDS }, (_, i) => rec(i, 'a', 0));
    const plans = planCommits(full);
    expect(plans).toHaveLength(1);
    expect(items(plans[0]!)).toBe(MAX_TRANSACTION_ITEMS);
    const over = planCommits([...full, rec(1000, 'a', 0)]);
    expect(over.map((p) => p.increments[0]!.count)).toEqual([MAX_BATCH_RECORDS, 1]);
  });

  it('keeps every counter of a mixed batch whole within the transaction limit', () => {
    const rand = seededRandom(7);
    const records = Array.from({ length: MAX_BATCH_RECORDS }, (_, i) => rec(i, `c${Math.floor(rand() * 9)}`, Math.floor(rand() * 120) % 60));
    const plans = planCommits(records);
    const counters = plans.flatMap((p) => p.increments.map((i) => `${i.category}|${i.bucket}`));
    expect(new Set(counters).size).toBe(counters.length);
    for (const p of plans) expect(items(p)).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
    expect(plans.flatMap((p) => p.eventIds)).toHaveLength(records.length);
  });

  it("the volume monitor's batch size fits one transaction per counter", () => {
    const trigger = functions.volumeMonitor.trigger;
    expect(trigger.kind === 'stream' && trigger.batchSize).toBeLessThanOrEqual(MAX_BATCH_RECORDS);
  });

  it('plans nothing for an empty batch', () => {
    expect(planCommits([])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { bucketOf, padSequence, planCommits, windowBuckets, windowCount } from '../../functions/domain/volume.ts';

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
    sequenceNumber: String(seq),
    category,
    receivedAt: new Date(Date.UTC(2026, 10, 20, 9, minute, 5)).toISOString(),
  });

  it('writes one increment per (category, minute) however many complaints', () => {
    const records = [rec(1, 'a', 0), rec(2, 'a', 0), rec(3, 'b', 0), rec(4, 'a', 1), rec(5, 'a', 0)];
    const plans = planCommits(records);
    expect(plans).toHaveLength(1);
    expect(plans[0]!.increments).toEqual([
      { category: 'a', bucket: '2026-11-20T09:00:00.000Z', count: 3 },
      { category: 'b', bucket: '2026-11-20T09:00:00.000Z', count: 1 },
      { category: 'a', bucket: '2026-11-20T09:01:00.000Z', count: 1 },
    ]);
    expect([...plans[0]!.sequenceNumbers].sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('splits into transactions of at most the limit, keeping each counter whole', () => {
    const records = Array.from({ length: 10 }, (_, i) => rec(i, `c${i % 5}`, i % 2));
    const plans = planCommits(records, 3);
    expect(plans.map((p) => p.increments.length)).toEqual([3, 3, 3, 1]);
    const seqs = plans.flatMap((p) => p.sequenceNumbers);
    expect(seqs.sort()).toEqual(records.map((r) => r.sequenceNumber).sort());
    for (const p of plans) {
      expect(p.sequenceNumbers.length).toBe(p.increments.reduce((s, i) => s + i.count, 0));
    }
  });

  it('plans nothing for an empty batch', () => {
    expect(planCommits([])).toEqual([]);
  });
});

describe('padSequence', () => {
  it('makes string order equal numeric order', () => {
    const seqs = ['9', '100000000000000000001', '99999999999999999999', '4421584500000000017450439091'];
    const sorted = [...seqs].map(padSequence).sort();
    expect(sorted.map((s) => BigInt(s))).toEqual([...seqs].map(BigInt).sort((a, b) => (a < b ? -1 : 1)));
  });

  it('refuses what is not a sequence number', () => {
    expect(() => padSequence('12a')).toThrow(RangeError);
    expect(() => padSequence('1'.repeat(41))).toThrow(RangeError);
  });
});

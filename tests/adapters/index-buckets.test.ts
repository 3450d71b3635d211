import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketedIndexKeys,
  bucketNumber,
  bucketValue,
  bucketValueAt,
  bucketValues,
  DEFAULT_DUE_INDEX_BUCKETS,
  MAX_DUE_INDEX_BUCKETS,
  type BucketedIndex,
} from '../../functions/adapters/index-buckets.ts';
import { tables } from '../../functions/pipeline.ts';

const INDEXES: BucketedIndex[] = ['byDueAt', 'bySweepAt', 'bySurveyDue', 'openAlerts'];

describe('index buckets', () => {
  it.each([
    ['byDueAt', 'open'],
    ['bySweepAt', 'due'],
    ['bySurveyDue', 'due'],
    ['openAlerts', 'OPEN'],
  ] as const)('%s: bucket 0 keeps the single value the index had before (%s), the others are numbered', (index, legacy) => {
    expect(bucketValues(index, 1)).toEqual([legacy]);
    expect(bucketValues(index, 4)).toEqual([legacy, `${legacy}#1`, `${legacy}#2`, `${legacy}#3`]);
  });

  it('hashes a key to the same bucket every time (FNV-1a, fixed values)', () => {
    // FNV-1a 32 of "" is the offset basis 0x811c9dc5 = 2166136261; of "a" it is 0xe40c292c = 3826002220.
    expect(bucketNumber('', 64)).toBe(2166136261 % 64);
    expect(bucketNumber('a', 64)).toBe(3826002220 % 64);
    expect(bucketNumber('a', 16)).toBe(3826002220 % 16);
    expect(bucketValue('bySweepAt', 'a', 16)).toBe(`due#${3826002220 % 16}`);
  });

  it('always lands in a bucket a reader queries, for any key and bucket count', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: MAX_DUE_INDEX_BUCKETS }), fc.constantFrom(...INDEXES), (key, buckets, index) => {
        const n = bucketNumber(key, buckets);
        expect(n).toBe(bucketNumber(key, buckets));
        expect(bucketValues(index, buckets)).toContain(bucketValue(index, key, buckets));
        expect(bucketValue(index, key, buckets)).toBe(bucketValueAt(index, n, buckets));
      }),
    );
  });

  it('spreads ULID-like complaint ids evenly over the default bucket count', () => {
    const counts = new Array<number>(DEFAULT_DUE_INDEX_BUCKETS).fill(0);
    for (let i = 0; i < 16_000; i++) counts[bucketNumber(`01KB${String(i).padStart(22, '0')}`, DEFAULT_DUE_INDEX_BUCKETS)]! += 1;
    // 1,000 expected per bucket; a binomial's standard deviation here is about 31.
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it.each([0, -1, 1.5, MAX_DUE_INDEX_BUCKETS + 1, Number.NaN])('refuses %s buckets', (buckets) => {
    expect(() => bucketNumber('x', buckets)).toThrow(RangeError);
    expect(() => bucketValues('byDueAt', buckets)).toThrow(RangeError);
  });

  it('refuses a bucket number outside the count', () => {
    expect(() => bucketValueAt('byDueAt', 4, 4)).toThrow(RangeError);
    expect(() => bucketValueAt('byDueAt', -1, 4)).toThrow(RangeError);
  });

  it('takes the key attribute names from functions/pipeline.ts', () => {
    for (const index of INDEXES) {
      const definition = [...tables.complaints.indexes, ...tables.state.indexes].find((i) => i.name === index)!;
      expect(bucketedIndexKeys(index)).toEqual({ partition: definition.partitionKey.name, sort: definition.sortKey!.name });
    }
  });
});

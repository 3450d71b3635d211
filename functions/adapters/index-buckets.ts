/**
 * Partition values of the sparse "what is due / what is open" indexes, sharded into buckets.
 *
 * Each of `byDueAt`, `bySweepAt`, `bySurveyDue` (complaints table) and `openAlerts` (state table) once
 * had one partition value, so every write to it landed on one index partition (1,000 WCU/s at most;
 * README "Sparse index buckets" has the arithmetic). An item now goes to one of `buckets` partition
 * values, chosen by a hash of its own identity (the complaint id, or the category of an open-incident
 * pointer): a re-write lands in the same bucket, and an item that moves in time never exists twice.
 * Readers query every bucket (in parallel) and merge in time order.
 *
 * Bucket 0 keeps the value the index had before buckets existed, so items written before are still
 * read (bucket 0 is always queried) and move to their own bucket the next time they are written; no
 * backfill is needed, and with one bucket the layout is exactly the old one.
 *
 * This is the only module that builds these values (config key `scale.dueIndexBuckets`).
 */
import { tables } from '../pipeline.ts';

/** The sparse indexes whose partition value is sharded. */
export type BucketedIndex = 'byDueAt' | 'bySweepAt' | 'bySurveyDue' | 'openAlerts';

/** The single partition value each index had before buckets; bucket 0 keeps it. */
const LEGACY_VALUE: Readonly<Record<BucketedIndex, string>> = {
  byDueAt: 'open',
  bySweepAt: 'due',
  bySurveyDue: 'due',
  openAlerts: 'OPEN',
};

const TABLE_OF: Readonly<Record<BucketedIndex, 'complaints' | 'state'>> = {
  byDueAt: 'complaints',
  bySweepAt: 'complaints',
  bySurveyDue: 'complaints',
  openAlerts: 'state',
};

/** Most buckets a config may ask for; each costs one Query per sweep, listing page or evaluator run. */
export const MAX_DUE_INDEX_BUCKETS = 64;

/** Buckets per sparse index unless the config says otherwise (README "Sparse index buckets" says why). */
export const DEFAULT_DUE_INDEX_BUCKETS = 16;

/**
 * The bucket number of an item: FNV-1a (32 bit) of its key's UTF-8 bytes, modulo `buckets`.
 * Deterministic across processes and runtimes, so every writer of an item picks the same bucket.
 * @param key the item's identity (complaint id, or the category of an open-incident pointer)
 * @param buckets how many buckets (1..MAX_DUE_INDEX_BUCKETS)
 * @throws RangeError on a bucket count out of range
 */
export function bucketNumber(key: string, buckets: number): number {
  checkedBuckets(buckets);
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % buckets;
}

/**
 * The partition value of bucket `n` of an index: the legacy value for bucket 0, `<legacy>#<n>` otherwise.
 * @throws RangeError when `n` is not a bucket below `buckets`
 */
export function bucketValueAt(index: BucketedIndex, n: number, buckets: number): string {
  checkedBuckets(buckets);
  if (!Number.isInteger(n) || n < 0 || n >= buckets) throw new RangeError(`bucket ${n} is not one of ${buckets}`);
  return n === 0 ? LEGACY_VALUE[index] : `${LEGACY_VALUE[index]}#${n}`;
}

/**
 * The partition value an item with identity `key` carries in `index`.
 * @param key complaint id (complaint indexes) or category (openAlerts)
 */
export function bucketValue(index: BucketedIndex, key: string, buckets: number): string {
  return bucketValueAt(index, bucketNumber(key, buckets), buckets);
}

/** Every partition value of an index, bucket 0 first: what a reader queries. */
export function bucketValues(index: BucketedIndex, buckets: number): string[] {
  checkedBuckets(buckets);
  return Array.from({ length: buckets }, (_, n) => bucketValueAt(index, n, buckets));
}

/** The partition and sort key attribute names of a bucketed index, as `functions/pipeline.ts` declares them. */
export function bucketedIndexKeys(index: BucketedIndex): { partition: string; sort: string } {
  const definition = tables[TABLE_OF[index]].indexes.find((i) => i.name === index);
  if (!definition?.sortKey) throw new Error(`functions/pipeline.ts declares no sorted index ${index}`);
  return { partition: definition.partitionKey.name, sort: definition.sortKey.name };
}

function checkedBuckets(buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_DUE_INDEX_BUCKETS) {
    throw new RangeError(`bucket count must be an integer in 1..${MAX_DUE_INDEX_BUCKETS}, got ${buckets}`);
  }
  return buckets;
}

import { MINUTE_MS, minuteFloor } from './time.ts';

/** How many new complaints of one category arrived in one UTC minute. */
export interface CounterIncrement {
  readonly category: string;
  /** ISO start of the minute. */
  readonly bucket: string;
  readonly count: number;
}

/** The minute bucket a receipt time falls into. */
export function bucketOf(receivedAt: Date): string {
  return minuteFloor(receivedAt).toISOString();
}

/**
 * The minute buckets of a sliding window of `windowMinutes` ending at `now`: the current minute and
 * the `windowMinutes - 1` before it.
 */
export function windowBuckets(now: Date, windowMinutes: number): { from: string; to: string } {
  const to = minuteFloor(now);
  return { from: new Date(to.getTime() - (windowMinutes - 1) * MINUTE_MS).toISOString(), to: to.toISOString() };
}

/** A stream record reduced to what counting needs. */
export interface CountableRecord {
  /**
   * The stream record's `eventID`: globally unique across the stream's shards and the same on every
   * delivery of the record, so it marks a record as counted without knowing its shard.
   */
  readonly eventId: string;
  readonly category: string;
  readonly receivedAt: string;
}

/** One atomic commit: the counter increments and the records (event ids) they account for. */
export interface CommitPlan {
  readonly eventIds: string[];
  readonly increments: CounterIncrement[];
}

/** Items one DynamoDB transaction may hold. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * The most records a batch may hold so that every (category, minute) counter is written once per
 * batch whatever the batch holds: the worst case is every record in one counter, which takes a mark
 * per record, the counter and its hourly rollup in one transaction.
 */
export const MAX_BATCH_RECORDS = MAX_TRANSACTION_ITEMS - 2;

/**
 * Splits a batch into commits of at most `maxItems` transaction items each: a counted-mark per
 * record, one update per (category, minute) counter and one per (category, hour) rollup. Records of
 * one counter land in the same commit, so each commit is exact on its own and each counter is
 * written once per batch; only a counter with more records than a transaction can mark
 * (`maxItems - 2`, i.e. a batch above `MAX_BATCH_RECORDS`) is split over several commits.
 */
export function planCommits(records: readonly CountableRecord[], maxItems = MAX_TRANSACTION_ITEMS): CommitPlan[] {
  if (maxItems < 3) throw new RangeError(`a commit needs room for a mark, a counter and a rollup: ${maxItems}`);
  const groups = new Map<string, { increment: CounterIncrement; eventIds: string[] }>();
  for (const r of records) {
    const bucket = bucketOf(new Date(r.receivedAt));
    const key = `${r.category}\u0000${bucket}`;
    const g = groups.get(key) ?? { increment: { category: r.category, bucket, count: 0 }, eventIds: [] };
    g.increment = { ...g.increment, count: g.increment.count + 1 };
    g.eventIds.push(r.eventId);
    groups.set(key, g);
  }
  const perGroup = maxItems - 2;
  const plans: CommitPlan[] = [];
  let current: CommitPlan = { eventIds: [], increments: [] };
  let hours = new Set<string>();
  const flush = () => {
    if (current.increments.length) plans.push(current);
    current = { eventIds: [], increments: [] };
    hours = new Set();
  };
  for (const g of groups.values()) {
    for (let i = 0; i < g.eventIds.length; i += perGroup) {
      const eventIds = g.eventIds.slice(i, i + perGroup);
      const increment = { ...g.increment, count: eventIds.length };
      const hour = `${increment.category}\u0000${hourOfBucket(increment.bucket)}`;
      const items = current.eventIds.length + current.increments.length + hours.size;
      if (items + eventIds.length + 1 + (hours.has(hour) ? 0 : 1) > maxItems) flush();
      current.increments.push(increment);
      current.eventIds.push(...eventIds);
      hours.add(hour);
    }
  }
  flush();
  return plans;
}

/** Sums per-minute counts. */
export function windowCount(buckets: ReadonlyArray<{ count: number }>): number {
  return buckets.reduce((sum, b) => sum + b.count, 0);
}

/** Hourly rollups of minute increments: what the same commit adds to each (category, UTC hour). */
export function hourlyRollup(increments: readonly CounterIncrement[]): CounterIncrement[] {
  const byHour = new Map<string, CounterIncrement>();
  for (const inc of increments) {
    const hour = hourOfBucket(inc.bucket);
    const key = `${inc.category}\u0000${hour}`;
    const prev = byHour.get(key);
    byHour.set(key, { category: inc.category, bucket: hour, count: (prev?.count ?? 0) + inc.count });
  }
  return [...byHour.values()];
}

/** The UTC hour a minute bucket belongs to, as an ISO string. */
function hourOfBucket(bucket: string): string {
  return `${bucket.slice(0, 13)}:00:00.000Z`;
}

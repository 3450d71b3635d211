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

/**
 * Stream sequence numbers are decimal strings of varying length; left-padding to 40 digits makes
 * their string order equal their numeric order (DynamoDB sort keys compare as strings).
 */
export function padSequence(sequenceNumber: string): string {
  if (!/^\d{1,40}$/.test(sequenceNumber)) throw new RangeError(`not a stream sequence number: ${sequenceNumber}`);
  return sequenceNumber.padStart(40, '0');
}

/** A stream record reduced to what counting needs. */
export interface CountableRecord {
  readonly sequenceNumber: string;
  readonly category: string;
  readonly receivedAt: string;
}

/** One atomic commit: the counter increments and the sequence numbers they account for. */
export interface CommitPlan {
  readonly sequenceNumbers: string[];
  readonly increments: CounterIncrement[];
}

/**
 * Splits a batch into commits of at most `maxIncrements` counters each (a DynamoDB transaction holds
 * 100 items, one of which is the ledger entry). Records of one counter always land in the same commit,
 * so each commit is exact on its own.
 */
export function planCommits(records: readonly CountableRecord[], maxIncrements = 99): CommitPlan[] {
  const groups = new Map<string, { increment: CounterIncrement; sequenceNumbers: string[] }>();
  for (const r of records) {
    const bucket = bucketOf(new Date(r.receivedAt));
    const key = `${r.category}\u0000${bucket}`;
    const g = groups.get(key) ?? { increment: { category: r.category, bucket, count: 0 }, sequenceNumbers: [] };
    g.increment = { ...g.increment, count: g.increment.count + 1 };
    g.sequenceNumbers.push(r.sequenceNumber);
    groups.set(key, g);
  }
  const plans: CommitPlan[] = [];
  let current: CommitPlan = { sequenceNumbers: [], increments: [] };
  for (const g of groups.values()) {
    if (current.increments.length === maxIncrements) {
      plans.push(current);
      current = { sequenceNumbers: [], increments: [] };
    }
    current.increments.push(g.increment);
    current.sequenceNumbers.push(...g.sequenceNumbers);
  }
  if (current.increments.length) plans.push(current);
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
    const hour = `${inc.bucket.slice(0, 13)}:00:00.000Z`;
    const key = `${inc.category}\u0000${hour}`;
    const prev = byHour.get(key);
    byHour.set(key, { category: inc.category, bucket: hour, count: (prev?.count ?? 0) + inc.count });
  }
  return [...byHour.values()];
}

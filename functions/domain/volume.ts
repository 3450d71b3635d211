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
 * Aggregates complaints into one increment per (category, minute), so a batch writes each counter once
 * however many complaints it holds.
 */
export function aggregate(items: ReadonlyArray<{ category: string; receivedAt: string }>): CounterIncrement[] {
  const counts = new Map<string, CounterIncrement>();
  for (const item of items) {
    const bucket = bucketOf(new Date(item.receivedAt));
    const key = `${item.category}\u0000${bucket}`;
    const prev = counts.get(key);
    counts.set(key, { category: item.category, bucket, count: (prev?.count ?? 0) + 1 });
  }
  return [...counts.values()];
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

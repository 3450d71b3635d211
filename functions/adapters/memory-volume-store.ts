import { hourlyRollup, type CounterIncrement } from '../domain/volume.ts';
import type { CommitOutcome, VolumeStore } from '../ports/volume-store.ts';

/** Sorted (time, count) pairs of one counter series; appends in time order cost O(1). */
class Series {
  readonly times: number[] = [];
  // ISO keys kept beside the times: reads return them, and formatting dates per read is the hot path.
  readonly keys: string[] = [];
  readonly counts: number[] = [];

  add(key: string, n: number): void {
    const t = Date.parse(key);
    const last = this.times.length - 1;
    if (last < 0 || this.times[last]! < t) {
      this.times.push(t);
      this.keys.push(key);
      this.counts.push(n);
      return;
    }
    const i = lowerBound(this.times, t);
    if (this.times[i] === t) this.counts[i] = this.counts[i]! + n;
    else {
      this.times.splice(i, 0, t);
      this.keys.splice(i, 0, key);
      this.counts.splice(i, 0, n);
    }
  }

  range(from: number, to: number): Array<{ key: string; count: number }> {
    const out: Array<{ key: string; count: number }> = [];
    for (let i = lowerBound(this.times, from); i < this.times.length && this.times[i]! <= to; i++) out.push({ key: this.keys[i]!, count: this.counts[i]! });
    return out;
  }
}

function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The volume store in memory, for replays and tests: the same contract as the DynamoDB store
 * (minute counters, hourly rollups, the counted records' event ids), without expiry.
 */
export class MemoryVolumeStore implements VolumeStore {
  readonly #minutes = new Map<string, Series>();
  readonly #hours = new Map<string, Series>();
  readonly #counted = new Set<string>();

  async alreadyCounted(eventIds: readonly string[]): Promise<Set<string>> {
    return new Set(eventIds.filter((s) => this.#counted.has(s)));
  }

  async commit(eventIds: readonly string[], increments: readonly CounterIncrement[]): Promise<CommitOutcome> {
    if (eventIds.some((s) => this.#counted.has(s))) return 'already-counted';
    for (const s of eventIds) this.#counted.add(s);
    for (const inc of increments) series(this.#minutes, inc.category).add(inc.bucket, inc.count);
    for (const inc of hourlyRollup(increments)) series(this.#hours, inc.category).add(inc.bucket, inc.count);
    return 'committed';
  }

  async buckets(category: string, fromBucket: string, toBucket: string): Promise<Array<{ bucket: string; count: number }>> {
    const s = this.#minutes.get(category);
    return s ? s.range(Date.parse(fromBucket), Date.parse(toBucket)).map((b) => ({ bucket: b.key, count: b.count })) : [];
  }

  async hourlyCounts(category: string, fromHour: string, toHour: string): Promise<Array<{ hour: string; count: number }>> {
    const s = this.#hours.get(category);
    return s ? s.range(Date.parse(fromHour), Date.parse(toHour)).map((b) => ({ hour: b.key, count: b.count })) : [];
  }

  /** Forgets which records were counted; a replay that never redelivers can keep memory flat. */
  forgetLedger(): void {
    this.#counted.clear();
  }
}

function series(map: Map<string, Series>, key: string): Series {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Series()));
  return s;
}

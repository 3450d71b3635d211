import type { CounterIncrement } from '../domain/volume.ts';

export interface VolumeStore {
  /**
   * Which of these stream sequence numbers were already counted by an earlier delivery.
   * Streams deliver at least once; a retried or bisected batch must not be counted again.
   */
  alreadyCounted(sequenceNumbers: readonly string[]): Promise<Set<string>>;
  /**
   * Adds the increments and records the counted sequence numbers, atomically: either all of it
   * happens or none of it. One write per (category, minute) plus one ledger entry per call.
   * @returns false when a concurrent delivery of the same records committed first (nothing changed)
   */
  commit(sequenceNumbers: readonly string[], increments: readonly CounterIncrement[], now: Date): Promise<boolean>;
  /** Per-minute counts of a category between two bucket starts (inclusive), oldest first; empty minutes are absent. */
  buckets(category: string, fromBucket: string, toBucket: string): Promise<Array<{ bucket: string; count: number }>>;
  /**
   * Hourly rollups of a category between two hour starts (inclusive), oldest first; empty hours are
   * absent. Written by `commit` alongside the minute counters and kept longer, for weekly baselines.
   */
  hourlyCounts(category: string, fromHour: string, toHour: string): Promise<Array<{ hour: string; count: number }>>;
}

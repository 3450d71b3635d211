import type { CounterIncrement } from '../domain/volume.ts';

/**
 * What a commit did: `committed`; `already-counted` when a concurrent delivery marked one of the
 * records first; `conflict` when a concurrent transaction held one of the items. In the last two
 * nothing changed and the caller decides again.
 */
export type CommitOutcome = 'committed' | 'already-counted' | 'conflict';

export interface VolumeStore {
  /**
   * Which of these stream records (by `eventID`) were already counted by an earlier delivery.
   * Streams deliver at least once; a retried or bisected batch must not be counted again.
   */
  alreadyCounted(eventIds: readonly string[]): Promise<Set<string>>;
  /**
   * Adds the increments and marks the records counted, atomically: either all of it happens or none
   * of it. One write per (category, minute) and per (category, hour) plus one mark per record per call.
   */
  commit(eventIds: readonly string[], increments: readonly CounterIncrement[], now: Date): Promise<CommitOutcome>;
  /** Per-minute counts of a category between two bucket starts (inclusive), oldest first; empty minutes are absent. */
  buckets(category: string, fromBucket: string, toBucket: string): Promise<Array<{ bucket: string; count: number }>>;
  /**
   * Hourly rollups of a category between two hour starts (inclusive), oldest first; empty hours are
   * absent. Written by `commit` alongside the minute counters and kept longer, for weekly baselines.
   */
  hourlyCounts(category: string, fromHour: string, toHour: string): Promise<Array<{ hour: string; count: number }>>;
}

import { describe, expect, it } from 'vitest';
import { MemoryAlertStore } from '../../functions/adapters/memory-alert-store.ts';
import { MemoryComplaintSummaries } from '../../functions/adapters/memory-complaint-repository.ts';
import { MemoryEventPublisher, MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { MemoryVolumeStore } from '../../functions/adapters/memory-volume-store.ts';
import type { CounterIncrement } from '../../functions/domain/volume.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import type { CommitOutcome } from '../../functions/ports/volume-store.ts';
import { CountingContendedError, monitorVolume } from '../../functions/use-cases/monitor-volume.ts';
import { defaultConfig } from '../fixtures/config.ts';

const CATEGORY = 'refund';
const now = new Date('2026-11-20T02:30:00Z');

/** A memory store whose commits can be pre-empted, as a concurrent delivery would. */
class ContendedStore extends MemoryVolumeStore {
  /** Runs before each commit; may commit other records first or report a conflict. */
  beforeCommit: (eventIds: readonly string[]) => Promise<CommitOutcome | undefined> = async () => undefined;
  commits = 0;

  override async commit(eventIds: readonly string[], increments: readonly CounterIncrement[]): Promise<CommitOutcome> {
    this.commits += 1;
    const forced = await this.beforeCommit(eventIds);
    return forced ?? super.commit(eventIds, increments);
  }
}

function setup() {
  const volume = new ContendedStore();
  const deps = {
    config: defaultConfig,
    clock: new SimulatedClock(now),
    volume,
    alerts: new MemoryAlertStore(),
    complaints: new MemoryComplaintSummaries(),
    notifier: new MemoryNotifier(),
    ledger: new MemoryMessageLedger(),
    events: new MemoryEventPublisher(),
  };
  const records = (ids: string[]) => ids.map((eventId) => ({ eventId, category: CATEGORY, receivedAt: now.toISOString() }));
  const total = async () => (await volume.buckets(CATEGORY, now.toISOString(), now.toISOString())).reduce((s, b) => s + b.count, 0);
  return { deps, volume, records, total };
}

describe('monitorVolume counting', () => {
  it('counts a record listed twice in one batch once', async () => {
    const { deps, records, total } = setup();
    const res = await monitorVolume(records(['a', 'b', 'a']), deps);
    expect(res.counted).toBe(2);
    expect(await total()).toBe(2);
  });

  it('decides again when a concurrent delivery counted part of the batch first, and counts the rest', async () => {
    const { deps, volume, records, total } = setup();
    // Between this delivery's decision and its commit, an overlapping delivery (a bisected half)
    // commits b and c.
    volume.beforeCommit = async () => {
      volume.beforeCommit = async () => undefined;
      await MemoryVolumeStore.prototype.commit.call(volume, ['b', 'c'], [{ category: CATEGORY, bucket: now.toISOString(), count: 2 }]);
      return 'already-counted';
    };
    const res = await monitorVolume(records(['a', 'b', 'c', 'd']), deps);
    expect(res).toMatchObject({ counted: 2, replayed: 2 });
    expect(await total()).toBe(4);
    expect(volume.commits).toBe(2);
  });

  it('retries a conflicting commit and fails the batch when the conflicts do not stop', async () => {
    const { deps, volume, records, total } = setup();
    let conflicts = 2;
    volume.beforeCommit = async () => (conflicts-- > 0 ? 'conflict' : undefined);
    expect((await monitorVolume(records(['a']), deps)).counted).toBe(1);

    volume.beforeCommit = async () => 'conflict';
    await expect(monitorVolume(records(['b']), deps)).rejects.toBeInstanceOf(CountingContendedError);
    // Nothing was half-done: the mapping's retry counts b once.
    volume.beforeCommit = async () => undefined;
    await monitorVolume(records(['a', 'b']), deps);
    expect(await total()).toBe(2);
  });
});

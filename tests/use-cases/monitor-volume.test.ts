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

describe('monitorVolume: what an incident keeps of its newest complaints', () => {
  it('stores titles and how each was sorted as facts, and counts frequent words only over the titles inside the window', async () => {
    const { deps, records } = setup();
    const windowMs = defaultConfig.categories.find((c) => c.id === CATEGORY)!.threshold.windowMinutes * 60_000;
    const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
    // Three old complaints (outside the window) all about "voucher"; ten recent ones about "refund delayed".
    for (let i = 0; i < 3; i++) deps.complaints.add(CATEGORY, { id: `old${i}`, title: `Voucher missing ${i}`, description: 'd', receivedAt: at(windowMs + 60_000), classification: { method: 'keywords' } });
    for (let i = 0; i < 10; i++) {
      deps.complaints.add(CATEGORY, { id: `new${i}`, title: `Refund delayed, it looks like ${i}`, description: 'd', receivedAt: at(60_000), classification: { method: 'model', model: { label: 'refund', confidence: 0.91 } } });
    }
    const [incident] = (await monitorVolume(records(Array.from({ length: 10 }, (_, i) => `e${i}`)), deps)).opened;
    expect(incident?.newest[0]).toEqual({ id: 'new9', title: 'Refund delayed, it looks like 9', receivedAt: at(60_000), method: 'model', confidence: 0.91 });
    expect(incident?.newest).toHaveLength(13);
    // "voucher" (outside the window) and "looks"/"like" (say nothing) are not frequent words; no term counts above the complaints in the window.
    expect(incident?.topTerms).toEqual([{ term: 'delayed', count: 10 }, { term: 'refund', count: 10 }]);
  });
});

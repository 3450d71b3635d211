import { describe, expect, it } from 'vitest';
import { MemoryAlertStore } from '../../functions/adapters/memory-alert-store.ts';
import { MemoryComplaintSummaries } from '../../functions/adapters/memory-complaint-repository.ts';
import { MemoryEventPublisher, MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { MemoryVolumeStore } from '../../functions/adapters/memory-volume-store.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import type { DueTimes } from '../../functions/ports/due-times.ts';
import { evaluateAlerts, nextAlertWork } from '../../functions/use-cases/evaluate-alerts.ts';
import { monitorVolume } from '../../functions/use-cases/monitor-volume.ts';
import { defaultConfig } from '../fixtures/config.ts';

const MINUTE = 60_000;

/** No SLA step, survey or held SMS is due: only the incident decides. */
class NothingDue implements DueTimes {
  nextSweepAt = async () => undefined;
  nextSurveyAt = async () => undefined;
  nextHeldSlaSmsAt = async () => undefined;
  nextHeldAlertSmsAt = async () => undefined;
}

/** logistics-delay at 5 in 30 minutes (calm below 4), escalating along its department's three levels every 30 minutes. */
function setup(detector: 'static' | 'adaptive') {
  const base = defaultConfig.categories.find((c) => c.id === 'logistics-delay')!;
  const config: PipelineConfig = { ...defaultConfig, categories: [{ ...base, detector, threshold: { count: 5, windowMinutes: 30 } }] };
  const clock = new SimulatedClock(new Date('2026-11-18T02:00:00Z'));
  const notifier = new MemoryNotifier();
  const deps = {
    config,
    clock,
    volume: new MemoryVolumeStore(),
    alerts: new MemoryAlertStore(),
    complaints: new MemoryComplaintSummaries(),
    notifier,
    ledger: new MemoryMessageLedger(),
    events: new MemoryEventPublisher(),
    dueTimes: new NothingDue(),
  };
  const breach = async () => {
    for (let i = 0; i < 5; i++) {
      const receivedAt = clock.now().toISOString();
      deps.complaints.add(base.id, { id: `C${i}`, title: '快递延迟', description: '快递一周没有更新', receivedAt });
      await monitorVolume([{ eventId: `e${i}`, category: base.id, receivedAt }], deps);
    }
  };
  return { deps, clock, notifier, breach, start: clock.now().getTime() };
}

describe('nextAlertWork', () => {
  it('a told static-threshold incident: its first escalation, with nothing sent by a run before it', async () => {
    const t = setup('static');
    await t.breach();
    const told = t.notifier.messages.length;
    expect(told).toBeGreaterThan(0);
    const at = await nextAlertWork(t.deps);
    expect(at).toEqual(new Date(t.start + 30 * MINUTE));
    t.clock.set(new Date(at!.getTime() - 1));
    expect((await evaluateAlerts(t.deps)).escalated).toEqual([]);
    expect(t.notifier.messages).toHaveLength(told);
    t.clock.set(at!);
    expect((await evaluateAlerts(t.deps)).escalated).toEqual([{ incidentId: expect.any(String), level: 1 }]);
  });

  it('an adaptive detector: every run, since its alert level moves with the hour', async () => {
    const t = setup('adaptive');
    await t.breach();
    expect(await nextAlertWork(t.deps)).toEqual(t.clock.now());
  });

  it('no incident and nothing held: no run has work', async () => {
    expect(await nextAlertWork(setup('static').deps)).toBeUndefined();
  });
});

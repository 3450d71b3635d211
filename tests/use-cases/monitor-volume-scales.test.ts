import { describe, expect, it } from 'vitest';
import { MemoryAlertStore } from '../../functions/adapters/memory-alert-store.ts';
import { MemoryComplaintSummaries } from '../../functions/adapters/memory-complaint-repository.ts';
import { MemoryEventPublisher, MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { MemoryVolumeStore } from '../../functions/adapters/memory-volume-store.ts';
import { explanationText, scaleFacts } from '../../functions/domain/alert-explanation.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { evaluateAlerts } from '../../functions/use-cases/evaluate-alerts.ts';
import { monitorVolume } from '../../functions/use-cases/monitor-volume.ts';
import { BaselineCache } from '../../functions/use-cases/read-baseline.ts';
import { defaultConfig } from '../fixtures/config.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function setup(detector: 'adaptive' | 'static', cache?: BaselineCache) {
  const base = defaultConfig.categories[0]!;
  const config: PipelineConfig = { ...defaultConfig, categories: [{ ...base, detector, threshold: { count: 20, windowMinutes: 60 } }] };
  const clock = new SimulatedClock(new Date('2026-01-05T02:00:00Z'));
  const volume = new MemoryVolumeStore();
  const alerts = new MemoryAlertStore();
  const complaints = new MemoryComplaintSummaries();
  const notifier = new MemoryNotifier();
  const deps = { config, clock, volume, alerts, complaints, notifier, ledger: new MemoryMessageLedger(), events: new MemoryEventPublisher(), ...(cache && { baselineCache: cache }) };
  let seq = 0;
  const arrive = async (at: number) => {
    clock.set(new Date(at));
    seq += 1;
    const receivedAt = new Date(at).toISOString();
    complaints.add(base.id, { id: `C${seq}`, title: 'card declined', description: 'card declined', receivedAt });
    return monitorVolume([{ eventId: String(seq), category: base.id, receivedAt }], deps);
  };
  return { deps, arrive, alerts, notifier, category: base.id, start: clock.now().getTime() };
}

describe('monitorVolume with the multi-scale detector', () => {
  it.each([['without', undefined], ['with', new BaselineCache()]] as const)(
    'a sparse category rising from one complaint every ten days to two a day opens one week-scale incident (%s a baseline cache)',
    async (_, cache) => {
      const t = setup('adaptive', cache);
      // Twelve weeks at one complaint every ten days (at 02:00 UTC, 10:00 in Shanghai).
      for (let d = 0; d < 84; d += 10) await t.arrive(t.start + d * DAY);
      expect(t.alerts.all()).toHaveLength(0);
      // Then two a day, four hours apart: nothing a short window or a day can see.
      let openedOn: number | undefined;
      for (let d = 84; d < 98 && openedOn === undefined; d++) {
        for (const h of [0, 4]) {
          const result = await t.arrive(t.start + d * DAY + h * HOUR);
          if (result.opened.length) openedOn = d;
        }
      }
      expect(openedOn).toBeDefined();
      expect(openedOn! - 84).toBeLessThanOrEqual(7);
      const [incident] = t.alerts.all();
      expect(incident).toMatchObject({ detector: 'adaptive', scale: 'week', windowMinutes: 7 * 1440 });
      expect(incident!.count).toBeGreaterThanOrEqual(incident!.bound!);
      expect(incident!.scales!.map((s) => s.scale)).toEqual(['short', 'day', 'week']);
      // The alert says which scale fired, and why.
      expect(scaleFacts(incident!)).toMatchObject({ scale: 'week', windowMinutes: 10080, count: incident!.count, bound: incident!.bound });
      expect(explanationText(incident!, 'en').join('\n')).toMatch(/Scale that fired: the last 7 days, \d+ complaints against [\d.]+ expected, bound \d+/);
      expect(explanationText(incident!, 'zh-CN').join('\n')).toContain('触发尺度：最近 7 天');
      expect(t.notifier.messages.filter((m) => m.kind === 'alert').length).toBeGreaterThan(0);
    },
  );

  it('the static detector stays as it was: the same rise opens nothing below the threshold', async () => {
    const t = setup('static');
    for (let d = 0; d < 84; d += 10) await t.arrive(t.start + d * DAY);
    for (let d = 84; d < 98; d++) for (const h of [0, 4]) await t.arrive(t.start + d * DAY + h * HOUR);
    expect(t.alerts.all()).toHaveLength(0);
  });

  it('a week-scale incident clears once the week count falls below the clear level', async () => {
    const t = setup('adaptive', new BaselineCache());
    for (let d = 0; d < 84; d += 10) await t.arrive(t.start + d * DAY);
    for (let d = 84; d < 91; d++) for (const h of [0, 4]) await t.arrive(t.start + d * DAY + h * HOUR);
    expect(t.alerts.all()[0]?.scale).toBe('week');
    // Quiet again: evaluate daily until the week window has emptied.
    for (let d = 91; d < 101; d++) {
      t.deps.clock.set(new Date(t.start + d * DAY));
      await evaluateAlerts(t.deps);
    }
    expect(t.alerts.all()[0]?.state).toBe('resolved');
  });
});

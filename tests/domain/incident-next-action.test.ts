import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newIncident, type AlertIncident } from '../../functions/domain/alert.ts';
import type { AlertingSettings } from '../../functions/domain/config.ts';
import {
  acknowledgeIncident,
  clearLevel,
  decideIncident,
  decideSurge,
  minutesToCheck,
  nextIncidentActionAt,
  slidingCounts,
} from '../../functions/domain/incident.ts';
import { MINUTE_MS, minuteFloor } from '../../functions/domain/time.ts';
import { defaultConfig } from '../fixtures/config.ts';

/**
 * `nextIncidentActionAt` lets the local scheduler skip the evaluator's runs before it. That is sound
 * only if (1) no run before it sends anything, (2) a run at or after it does, and (3) a run that
 * comes after skipped ones decides what the same run decides after every skipped one ran. Checked
 * against the decisions themselves, on generated counts, settings and incident histories.
 */
const category = defaultConfig.categories.find((c) => c.id === 'account-security')!;
const opened = new Date('2026-11-20T02:00:17.000Z');
const minute = (n: number) => opened.getTime() + n * MINUTE_MS;

type Settings = Pick<AlertingSettings, 'repeatIntervalMinutes' | 'escalationDelayMinutes' | 'clearAfterMinutes' | 'surgeFactor' | 'clearFraction'>;

interface Case {
  readonly settings: Settings;
  readonly windowMinutes: number;
  readonly threshold: number;
  readonly chain: number;
  readonly countAtOpen: number;
  /** Minute offsets from opening and their counts; none after the current minute. */
  readonly buckets: ReadonlyArray<readonly [number, number]>;
  /** Runs before now: every `step` minutes (plus seconds) until `lastRun`; acknowledged at `ackAt` if set. */
  readonly step: number;
  readonly lastRun: number;
  readonly ackAt: number | undefined;
  /** Milliseconds from the last run to now. */
  readonly gapMs: number;
}

const cases: fc.Arbitrary<Case> = fc
  .record({
    settings: fc.record({
      repeatIntervalMinutes: fc.integer({ min: 15, max: 90 }),
      escalationDelayMinutes: fc.integer({ min: 5, max: 40 }),
      clearAfterMinutes: fc.integer({ min: 5, max: 30 }),
      surgeFactor: fc.constantFrom(1.5, 2, 3),
      clearFraction: fc.constantFrom(0.5, 0.8, 1),
    }),
    windowMinutes: fc.integer({ min: 1, max: 15 }),
    threshold: fc.integer({ min: 1, max: 6 }),
    chain: fc.integer({ min: 0, max: 3 }),
    countAtOpen: fc.integer({ min: 1, max: 8 }),
    buckets: fc.array(fc.tuple(fc.integer({ min: -30, max: 260 }), fc.integer({ min: 1, max: 6 })), { maxLength: 40 }),
    step: fc.constantFrom(1, 5),
    lastRun: fc.integer({ min: 0, max: 120 }),
    ackAt: fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }),
    gapMs: fc.integer({ min: 0, max: 200 * MINUTE_MS }),
  });

function bucketsUpTo(c: Case, nowMinute: number): Array<{ bucket: string; count: number }> {
  const byMinute = new Map<number, number>();
  for (const [m, n] of c.buckets) {
    const t = minuteFloor(new Date(minute(m))).getTime();
    if (t <= nowMinute) byMinute.set(t, (byMinute.get(t) ?? 0) + n);
  }
  return [...byMinute].map(([t, count]) => ({ bucket: new Date(t).toISOString(), count }));
}

/** What an evaluator run at `at` decides, on the counts of the minutes it checks (as evaluateIncident does). */
function run(c: Case, incident: AlertIncident, at: number, buckets: ReadonlyArray<{ bucket: string; count: number }>) {
  const now = new Date(at);
  const range = minutesToCheck(incident, now, c.settings);
  const recent = range ? slidingCounts(buckets, range.from, range.to, c.windowMinutes) : [];
  const decision = range
    ? decideIncident(incident, now, recent, clearLevel(c.threshold, c.settings), c.chain, c.settings)
    : { incident, actions: [], changed: false };
  const surge = decideSurge(incident, recent, c.settings.surgeFactor);
  const next = surge === undefined ? decision.incident : { ...decision.incident, surgeStep: surge };
  return { acts: decision.actions.length > 0 || surge !== undefined, actions: decision.actions, surge, next };
}

const lifecycle = (i: AlertIncident) => ({
  state: i.state,
  checkedThrough: i.checkedThrough,
  belowSince: i.belowSince,
  remindersSent: i.remindersSent,
  escalationLevel: i.escalationLevel,
  escalatedAt: i.escalatedAt,
  resolvedAt: i.resolvedAt,
  surgeStep: i.surgeStep,
});

describe('nextIncidentActionAt', () => {
  it('names the first time a run acts; a run after skipped ones decides as after every one of them', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 0, max: 1_000_000 }), (c, pick) => {
        const base = { ...newIncident({ ...category, threshold: { count: c.threshold, windowMinutes: c.windowMinutes } }, c.countAtOpen, [], opened) };
        // The incident's history: runs every `step` minutes until the last one, on the counts as they are.
        const nowMs = minute(c.lastRun) + c.gapMs;
        const nowMinute = minuteFloor(new Date(nowMs)).getTime();
        const buckets = bucketsUpTo(c, nowMinute);
        let incident: AlertIncident = base;
        for (let m = c.step; m <= c.lastRun && incident.state !== 'resolved'; m += c.step) {
          if (c.ackAt !== undefined && c.ackAt <= m && incident.state === 'open') incident = acknowledgeIncident(incident, 'head', new Date(minute(c.ackAt)));
          incident = run(c, incident, minute(m), buckets).next;
        }
        fc.pre(incident.state !== 'resolved');

        const from = minutesToCheck(incident, new Date(nowMs), c.settings)?.from ?? new Date(Date.parse(incident.checkedThrough!) + MINUTE_MS).toISOString();
        const horizon = new Date(nowMinute + (c.windowMinutes + c.settings.clearAfterMinutes) * MINUTE_MS).toISOString();
        const recent = slidingCounts(buckets, from, horizon, c.windowMinutes);
        const at = nextIncidentActionAt(incident, new Date(nowMs), recent, clearLevel(c.threshold, c.settings), c.chain, c.settings);

        // Without new counts the window falls to zero and the calm period comes: there is always a next action.
        expect(at).toBeDefined();
        expect(at!).toBeGreaterThanOrEqual(nowMs);
        // (1) and (2): a run on the incident as it is now acts from `at` on, never before.
        if (at! > nowMs) {
          expect(run(c, incident, at! - 1, buckets).acts, 'a millisecond before').toBe(false);
          expect(run(c, incident, nowMs + (pick % (at! - nowMs)), buckets).acts, 'any time before').toBe(false);
        }
        const atRun = run(c, incident, at!, buckets);
        expect(atRun.acts, 'at it').toBe(true);
        // A surge is told by the run at `at` (now); later runs check no further back than the clear
        // duration, so only the other actions stay due.
        if (atRun.surge === undefined) expect(run(c, incident, at! + (pick % (3 * 60 * MINUTE_MS)), buckets).acts, 'any time after').toBe(true);

        // (3): runs every minute from now, as a scheduler that skips nothing: the first that acts is at the first minute from now at or after `at`, and decides the same.
        let every = incident;
        let t = nowMs;
        for (; t < at!; t += MINUTE_MS) {
          const r = run(c, every, t, buckets);
          expect(r.acts, `the every-minute run at +${(t - nowMs) / MINUTE_MS} min`).toBe(false);
          every = r.next;
        }
        const everyRun = run(c, every, t, buckets);
        expect(everyRun.acts).toBe(true);
        const skipped = run(c, incident, t, buckets);
        expect(skipped.actions).toEqual(everyRun.actions);
        expect(skipped.surge).toBe(everyRun.surge);
        expect(lifecycle(skipped.next)).toEqual(lifecycle(everyRun.next));
      }),
      { numRuns: 400 },
    );
  });

  it('is now while a "getting worse" step waits in the minutes not yet checked; else the escalation or the all-clear, whichever is first', () => {
    const settings = defaultConfig.alerting;
    const incident = { ...newIncident(category, 5, [], opened), checkedThrough: new Date(minute(9) - (minute(9) % MINUTE_MS)).toISOString() };
    const now = new Date(minute(12));
    const counts = (n: number) => Array.from({ length: 80 }, (_, i) => ({ minute: new Date(minuteFloor(new Date(minute(10))).getTime() + i * MINUTE_MS).toISOString(), count: i < 3 ? n : 0 }));
    expect(nextIncidentActionAt(incident, now, counts(10), 4, 3, settings)).toBe(now.getTime());
    // Below the surge step: the first escalation (30 minutes after opening) comes before the calm period ends.
    expect(nextIncidentActionAt(incident, now, counts(9), 4, 3, settings)).toBe(minute(30));
    // Acknowledged: no reminder or escalation; the all-clear once the window has been calm for 60 minutes.
    const acknowledged = acknowledgeIncident(incident, 'head', now);
    const at = nextIncidentActionAt(acknowledged, now, counts(9), 4, 3, settings)!;
    expect(new Date(at).toISOString()).toBe(new Date(minuteFloor(new Date(minute(13))).getTime() + 59 * MINUTE_MS).toISOString());
  });

  it('does not count a calm period that reached the clear duration among the unchecked minutes but broke off before now', () => {
    const settings = { ...defaultConfig.alerting, clearAfterMinutes: 10 };
    const m = (n: number) => new Date(minuteFloor(opened).getTime() + n * MINUTE_MS).toISOString();
    // Checked through minute 20, calm since minute 15; minutes 21–25 calm (the period reaches 10 at minute 24), 26 at the clear level again, then calm.
    const incident = acknowledgeIncident({ ...newIncident(category, 5, [], opened), checkedThrough: m(20), belowSince: m(15) }, 'head', opened);
    const now = new Date(Date.parse(m(26)) + 30_000);
    const recent = Array.from({ length: 40 }, (_, i) => ({ minute: m(21 + i), count: 21 + i === 26 ? 4 : 0 }));
    const at = nextIncidentActionAt(incident, now, recent, 4, 3, settings);
    // The period starts again at minute 27 and reaches ten minutes at minute 36.
    expect(at && new Date(at).toISOString()).toBe(m(36));
    expect(decideIncident(incident, now, recent.slice(0, 6), 4, 3, settings).actions).toEqual([]);
  });
});

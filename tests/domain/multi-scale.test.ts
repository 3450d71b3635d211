import { describe, expect, it } from 'vitest';
import { evaluateDetector, syntheticSeries, walkSeries } from '../../functions/domain/detection-evaluation.ts';
import { seededRandom } from '../../functions/domain/random.ts';
import { fitBaseline, judgeScales, pageableVerdicts, robustBaseline, scaleTail, scalesFor, strongestFired, type RobustParameters } from '../../functions/domain/multi-scale.ts';

const params: RobustParameters = { falseAlarmsPerMonth: 0.5, minCount: 5, minWeeks: 3, historyWeeks: 12, shortWindowMinutes: 60, slidingShort: false };

describe('the false-alarm budget', () => {
  it('is split across the scales and their evaluations per month', () => {
    const day = scalesFor('day', 1440);
    expect(day.map((s) => s.scale)).toEqual(['day', 'week']);
    // Two scales, thirty daily evaluations a month each.
    expect(scaleTail(day[0]!, 'day', 0.5, day.length)).toBeCloseTo(0.5 / (2 * 30), 10);
    const hour = scalesFor('hour', 60);
    expect(hour.map((s) => s.scale)).toEqual(['short', 'day', 'week']);
    // A per-minute sliding short window gets the v1 tail, divided by the three scales.
    expect(scaleTail(hour[0]!, 'hour', 0.5, 3)).toBeCloseTo((0.5 * 60) / (43_200 * 10) / 3, 12);
    // Doubling the budget doubles every tail.
    for (const s of hour) expect(scaleTail(s, 'hour', 1, 3)).toBeCloseTo(2 * scaleTail(s, 'hour', 0.5, 3), 12);
  });
});

describe('the robust baseline', () => {
  const flat = (days: number, perDay: number) => ({
    cadence: 'day' as const,
    counts: Array.from({ length: days }, () => perDay),
    dayOfWeek: Array.from({ length: days }, (_, d) => d % 7),
    hourOfDay: Array.from({ length: days }, () => 0),
  });

  it('says nothing with less than minWeeks weeks of data', () => {
    expect(robustBaseline(flat(20, 10), params)).toBeUndefined();
    expect(robustBaseline(flat(21, 10), params)).toBeDefined();
  });

  it('keeps the count floor: a sparse category never pages below minCount', () => {
    const b = robustBaseline(flat(91, 0.3), params)!;
    for (const s of b.scales) expect(s.bound).toBeGreaterThanOrEqual(5);
  });

  it('is not raised by a past surge (reweighting) nor by the surge still going on (guard week)', () => {
    const quiet = flat(91, 20);
    const withPast = { ...quiet, counts: quiet.counts.map((c, i) => (i >= 40 && i < 44 ? 80 : c)) };
    const ongoing = { ...quiet, counts: quiet.counts.map((c, i) => (i >= 86 ? 60 : c)) };
    const base = robustBaseline(quiet, params)!.scales[0]!;
    expect(robustBaseline(withPast, params)!.scales[0]!.expected).toBeCloseTo(base.expected, 0);
    expect(robustBaseline(ongoing, params)!.scales[0]!.expected).toBeCloseTo(base.expected, 6);
  });

  it('follows a slow drift and always uses the over-dispersion it finds', () => {
    const random = seededRandom(7);
    const series = syntheticSeries({ cadence: 'day', days: 91, perDay: 40, weeklyAmplitude: 0, dayNoiseCv: 0.3, driftPerYear: Math.LN2 }, random);
    const fit = fitBaseline(series, params)!;
    expect(fit.dispersion.day).toBeGreaterThan(2);
    expect(fit.dispersion.week).toBeGreaterThanOrEqual(fit.dispersion.day!);
    // The week being judged is about 40 · 2^(88/365) ≈ 47 a day; the undrifted history averages less.
    const day = robustBaseline(series, params)!.scales.find((s) => s.scale === 'day')!;
    expect(day.expected).toBeGreaterThan(42);
    expect(day.expected).toBeLessThan(54);
  });
});

describe('paging', () => {
  it('names the scale furthest above its bound, and a scale does not page twice for one surge', () => {
    const b = robustBaseline(
      { cadence: 'day', counts: [...Array.from({ length: 90 }, () => 10), 40], dayOfWeek: Array.from({ length: 91 }, (_, d) => d % 7), hourOfDay: Array.from({ length: 91 }, () => 0) },
      params,
    )!;
    const verdicts = judgeScales(b, { day: 40, week: 100 });
    expect(strongestFired(verdicts)?.scale).toBe('day');
    const now = new Date('2024-01-10T00:00:00Z');
    const again = pageableVerdicts(verdicts, new Date('2024-01-08T00:00:00Z'), now);
    // Two days after the last incident: the day scale may page again, the week scale may not.
    expect(again.find((v) => v.scale === 'day')!.fired).toBe(true);
    expect(again.find((v) => v.scale === 'week')!.fired).toBe(false);
  });

  it('walks a surge-free series with a known rate without paging every week', () => {
    const series = syntheticSeries({ cadence: 'day', days: 112 + 180, perDay: 20, weeklyAmplitude: 0.3, dayNoiseCv: 0.15, driftPerYear: 0 }, seededRandom(3));
    expect(walkSeries(series, 112, params).length).toBeLessThan(12);
  });
});

/**
 * Detection delays and false alarms on synthetic series with known rates: weekly rhythm, day-to-day
 * over-dispersion (CV 0.15), drifts doubling or halving over two years, and three surge shapes.
 * Deterministic (seeded); the assertions are counts and delays in days, the targets of the README.
 */
describe('detection on synthetic series', () => {
  it('daily cadence: sharp the same day, step within 2 days, sparse within 7, false alarms within ±50% of the budget', () => {
    const r = evaluateDetector({ cadence: 'day', seed: 12, surgeReplicates: 30, quietReplicates: 20, quietDays: 180, perDay: [5, 20, 80], params });
    const shape = (s: string) => r.shapes.find((x) => x.shape === s)!;
    expect(shape('sharp').medianDelayDays).toBe(0);
    expect(shape('sharp').p90DelayDays).toBeLessThanOrEqual(1);
    expect(shape('step').medianDelayDays).toBeLessThanOrEqual(2);
    // A doubling of a 5-a-day category can take a few days to stand out (README: Early warning v2).
    expect(shape('step').p90DelayDays).toBeLessThanOrEqual(4);
    expect(shape('sparse').p90DelayDays).toBeLessThanOrEqual(7);
    for (const s of r.shapes) expect(s.detected).toBe(s.replicates);
    // The sparse rise is the week scale's to catch.
    expect(shape('sparse').byScale.week ?? 0).toBeGreaterThan(shape('sparse').detected / 2);
    expect(r.falseAlarmsPerMonth).toBeGreaterThanOrEqual(0.25);
    expect(r.falseAlarmsPerMonth).toBeLessThanOrEqual(0.75);
  });

  it('hourly cadence: the same targets with the short window, the day and the week', () => {
    const r = evaluateDetector({ cadence: 'hour', seed: 12, surgeReplicates: 8, quietReplicates: 16, quietDays: 90, perDay: [24, 96], params });
    const shape = (s: string) => r.shapes.find((x) => x.shape === s)!;
    expect(shape('sharp').medianDelayDays).toBe(0);
    expect(shape('step').medianDelayDays).toBeLessThanOrEqual(2);
    expect(shape('step').p90DelayDays).toBeLessThanOrEqual(4);
    expect(shape('sparse').p90DelayDays).toBeLessThanOrEqual(7);
    for (const s of r.shapes) expect(s.detected).toBe(s.replicates);
    expect(r.falseAlarmsPerMonth).toBeGreaterThanOrEqual(0.25);
    expect(r.falseAlarmsPerMonth).toBeLessThanOrEqual(0.75);
  });
});

/**
 * How well the multi-scale detector does on series whose truth is known: synthetic counts with a
 * weekly (and, hourly, a daily) rhythm, day-to-day over-dispersion and a slow drift, with surges of
 * three shapes injected. Used by the detector's test and by `npm run bench`. Pure: the random source
 * is a parameter (see {@link seededRandom}).
 */
import { fitBaseline, scaleBaselines, stepMinutes, judgeScales, pageableVerdicts, strongestFired, type Cadence, type FittedBaseline, type RobustParameters, type ScaleId, type StepSeries } from './multi-scale.ts';
import { seededRandom } from './random.ts';

export type SurgeShape = 'sharp' | 'step' | 'sparse';
export const SURGE_SHAPES: readonly SurgeShape[] = ['sharp', 'step', 'sparse'];


function normal(random: () => number): number {
  const u = Math.max(random(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1/shape): mean 1, variance 1/shape (Marsaglia–Tsang, shape ≥ 1). */
function gammaMeanOne(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(Math.max(random(), 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / shape;
  }
}

function poisson(mean: number, random: () => number): number {
  if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  // Inversion by sequential search: exact, and O(mean) is cheap at these rates.
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = random();
  while (u > cdf && k < 10_000) {
    k += 1;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** A synthetic category. Rates are per day; the hourly shape puts most complaints in the daytime. */
export interface SyntheticSpec {
  readonly cadence: Cadence;
  readonly days: number;
  /** Mean complaints per day at day 0. */
  readonly perDay: number;
  /** Relative amplitude of the weekly rhythm (weekend days are quieter). */
  readonly weeklyAmplitude: number;
  /** Coefficient of variation of a multiplicative day-to-day noise (over-dispersion). */
  readonly dayNoiseCv: number;
  /** Log growth per year (ln 2: doubles in a year; negative: shrinks). */
  readonly driftPerYear: number;
  readonly surge?: { readonly shape: SurgeShape; readonly startDay: number };
}

/** The relative daytime profile of complaints per hour (sums to 24). */
const HOUR_PROFILE = (() => {
  const raw = Array.from({ length: 24 }, (_, h) => 0.15 + Math.exp(-(((h - 14) / 4) ** 2)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => (v * 24) / sum);
})();

/** Draws a series; day 0 is a Monday. */
export function syntheticSeries(spec: SyntheticSpec, random: () => number): StepSeries {
  const perDayStep = 1440 / stepMinutes(spec.cadence);
  const counts: number[] = [];
  const dayOfWeek: number[] = [];
  const hourOfDay: number[] = [];
  for (let d = 0; d < spec.days; d++) {
    const dow = d % 7;
    const rhythm = dow >= 5 ? 1 - spec.weeklyAmplitude : 1 + (spec.weeklyAmplitude * 2) / 5;
    let rate = spec.perDay * rhythm * Math.exp((spec.driftPerYear * d) / 365);
    const s = spec.surge;
    if (s && d >= s.startDay) {
      if (s.shape === 'sharp' && d < s.startDay + 2) rate *= 3;
      if (s.shape === 'step') rate *= 2;
      if (s.shape === 'sparse') rate = 2 * rhythm;
    }
    const noise = spec.dayNoiseCv > 0 ? gammaMeanOne(1 / spec.dayNoiseCv ** 2, random) : 1;
    for (let h = 0; h < perDayStep; h++) {
      const share = perDayStep === 1 ? 1 : HOUR_PROFILE[h]! / 24;
      counts.push(poisson(rate * noise * share, random));
      dayOfWeek.push(dow);
      hourOfDay.push(perDayStep === 1 ? 0 : h);
    }
  }
  return { cadence: spec.cadence, counts, dayOfWeek, hourOfDay };
}

/** An alarm the walk opened: the step, the scale that fired, and the step it cleared (if it did). */
export interface Alarm {
  readonly step: number;
  readonly scale: ScaleId;
  readonly count: number;
  readonly bound: number;
}

/**
 * Walks a series from `fromStep` as the pipeline would: at the end of every step the scales are
 * judged; an alarm opens when one fires and none is open, and clears at the first evaluation where
 * the scale that opened it is below `clearFraction` of its bound. The fit is refreshed once a day.
 */
export function walkSeries(series: StepSeries, fromStep: number, params: RobustParameters, clearFraction = 0.8): Alarm[] {
  const perDay = 1440 / stepMinutes(series.cadence);
  const week = 7 * perDay;
  const alarms: Alarm[] = [];
  let open: Alarm | undefined;
  let fit: FittedBaseline | undefined;
  let fitDay = -1;
  let fitStep = 0;
  // Window sums by prefix sums.
  const prefix = [0];
  for (const c of series.counts) prefix.push(prefix.at(-1)! + c);
  const windowSum = (end: number, m: number) => prefix[end + 1]! - prefix[Math.max(0, end + 1 - m)]!;
  const shortSteps = Math.max(1, Math.round(params.shortWindowMinutes / stepMinutes(series.cadence)));
  for (let t = fromStep; t < series.counts.length; t++) {
    const day = Math.floor(t / perDay);
    if (day !== fitDay) {
      fit = fitBaseline(sliceSeries(series, t + 1), params);
      fitDay = day;
      fitStep = t;
    }
    if (!fit) continue;
    const recent = { dayOfWeek: series.dayOfWeek.slice(t + 1 - week, t + 1), hourOfDay: series.hourOfDay.slice(t + 1 - week, t + 1) };
    const baseline = scaleBaselines(fit, recent, params, t - fitStep);
    const verdicts = judgeScales(baseline, { short: windowSum(t, shortSteps), day: windowSum(t, perDay), week: windowSum(t, week) });
    if (open) {
      const v = verdicts.find((x) => x.scale === open!.scale);
      if (!v || v.count < clearFraction * v.bound) open = undefined;
      else continue;
    }
    const stepMs = stepMinutes(series.cadence) * 60_000;
    const last = alarms.at(-1);
    const fired = strongestFired(pageableVerdicts(verdicts, last && new Date(last.step * stepMs), new Date(t * stepMs)));
    if (fired) {
      open = { step: t, scale: fired.scale, count: fired.count, bound: fired.bound };
      alarms.push(open);
    }
  }
  return alarms;
}

function sliceSeries(series: StepSeries, end: number): StepSeries {
  return { cadence: series.cadence, counts: series.counts.slice(0, end), dayOfWeek: series.dayOfWeek.slice(0, end), hourOfDay: series.hourOfDay.slice(0, end) };
}

/** The scenario family an evaluation runs. */
export interface EvaluationPlan {
  readonly cadence: Cadence;
  readonly seed: number;
  /** Replicates per surge shape (each a fresh series). */
  readonly surgeReplicates: number;
  /** Surge-free series and their evaluated length, for the false-alarm rate. */
  readonly quietReplicates: number;
  readonly quietDays: number;
  /** Mean complaints per day of the categories drawn (cycled over the replicates). */
  readonly perDay: readonly number[];
  readonly params: RobustParameters;
}

/** Detection delays of one surge shape, in days from the surge's first day (0: the same day). */
export interface ShapeResult {
  readonly shape: SurgeShape;
  readonly replicates: number;
  readonly detected: number;
  readonly medianDelayDays: number;
  readonly p90DelayDays: number;
  /** Which scale first caught the surge, per replicate detected. */
  readonly byScale: Readonly<Partial<Record<ScaleId, number>>>;
}

export interface EvaluationResult {
  readonly cadence: Cadence;
  readonly shapes: readonly ShapeResult[];
  readonly quietMonths: number;
  readonly falseAlarms: number;
  readonly falseAlarmsPerMonth: number;
  readonly falseAlarmsByScale: Readonly<Partial<Record<ScaleId, number>>>;
  readonly budget: number;
}

/** Warm-up before anything is evaluated: the history the baseline reads, plus the guard week. */
const WARMUP_DAYS = 16 * 7;
/** How long after its start a surge may be caught to count as detected. */
const DETECTION_HORIZON_DAYS = 14;

/** Runs the plan: surges of every shape, then surge-free stretches. Deterministic for a seed. */
export function evaluateDetector(plan: EvaluationPlan): EvaluationResult {
  const random = seededRandom(plan.seed);
  const perDay = 1440 / stepMinutes(plan.cadence);
  // Doubling or halving over two years, like the bank series over its six.
  const drift = (i: number) => (i % 2 === 0 ? Math.LN2 / 2 : -Math.LN2 / 2);
  const base = (i: number) => ({
    cadence: plan.cadence,
    perDay: plan.perDay[i % plan.perDay.length]!,
    weeklyAmplitude: 0.3,
    dayNoiseCv: 0.15,
    driftPerYear: drift(i),
  });
  const shapes = SURGE_SHAPES.map((shape): ShapeResult => {
    const delays: number[] = [];
    const byScale: Partial<Record<ScaleId, number>> = {};
    for (let i = 0; i < plan.surgeReplicates; i++) {
      const startDay = WARMUP_DAYS + (i % 7);
      const spec = { ...base(i), ...(shape === 'sparse' && { perDay: 0.1 }), days: startDay + DETECTION_HORIZON_DAYS, surge: { shape, startDay } };
      const series = syntheticSeries(spec, random);
      const alarms = walkSeries(series, startDay * perDay, plan.params);
      const first = alarms[0];
      if (!first) {
        delays.push(Number.POSITIVE_INFINITY);
        continue;
      }
      delays.push(Math.floor(first.step / perDay) - startDay);
      byScale[first.scale] = (byScale[first.scale] ?? 0) + 1;
    }
    const sorted = [...delays].sort((a, b) => a - b);
    return {
      shape,
      replicates: plan.surgeReplicates,
      detected: delays.filter(Number.isFinite).length,
      medianDelayDays: quantile(sorted, 0.5),
      p90DelayDays: quantile(sorted, 0.9),
      byScale,
    };
  });
  let falseAlarms = 0;
  const falseAlarmsByScale: Partial<Record<ScaleId, number>> = {};
  for (let i = 0; i < plan.quietReplicates; i++) {
    const series = syntheticSeries({ ...base(i), days: WARMUP_DAYS + plan.quietDays }, random);
    for (const a of walkSeries(series, WARMUP_DAYS * perDay, plan.params)) {
      falseAlarms += 1;
      falseAlarmsByScale[a.scale] = (falseAlarmsByScale[a.scale] ?? 0) + 1;
    }
  }
  const quietMonths = (plan.quietReplicates * plan.quietDays) / 30;
  return {
    cadence: plan.cadence,
    shapes,
    quietMonths,
    falseAlarms,
    falseAlarmsPerMonth: quietMonths ? falseAlarms / quietMonths : 0,
    falseAlarmsByScale,
    budget: plan.params.falseAlarmsPerMonth,
  };
}

/** Nearest-rank quantile of sorted values; Infinity when there are none (nothing detected). */
function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.POSITIVE_INFINITY;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

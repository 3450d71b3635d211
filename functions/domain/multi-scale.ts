/**
 * Early warning v2: one category watched at several time scales, each with a bound from a robust
 * baseline fitted to the category's own longer history.
 *
 * ## Scales
 * - `short`: the category's configured window (`threshold.windowMinutes`), when shorter than a day
 *   and the data has times of day (hour cadence). Catches a sharp surge within the hour.
 * - `day`: the last day (hour cadence: the last 24 hours; day cadence: the calendar day).
 * - `week`: the last seven days. Catches a rise that is small per day but large per week, such as a
 *   category going from 0.1 complaints a day to 2.
 *
 * ## Cadence
 * The model works in steps of one hour (`hour`: streams, timestamped data) or one local calendar day
 * (`day`: data with dates only, evaluated once per day). A day or week window is a whole number of
 * steps ending with the current one.
 *
 * ## Baseline (Farrington-flavoured, for counts with a weekly rhythm and slow drifts)
 * - **History**: up to `historyWeeks` weeks of steps, but never the current week: the steps the week
 *   window covers are left out of the fit ({@link guardSteps}), so a surge that is still going on
 *   cannot become its own baseline.
 * - **Expected count per step** `μ_t = L · f(day of week) · g(hour of day)`: a level `L` and
 *   multiplicative rhythm factors, each a weighted ratio shrunk towards 1 (a few pseudo-complaints),
 *   so that a sparse category does not get a weekday with an expectation of exactly zero.
 * - **Slow drifts**: weights decay with age (half-life {@link HALF_LIFE_DAYS} days), so the level
 *   follows a volume that doubles or halves over months; the lag is about the guard week plus the
 *   mean age of the weights (about five weeks), i.e. a few per cent on the bank series' drifts.
 * - **Reweighting**: days (24-step blocks in hour cadence) whose standardised residual exceeds
 *   {@link OUTLIER_Z} (Noufaily et al. 2013) get weight `(z₀/z)²`, then the fit is repeated: a past
 *   incident does not raise the baseline or the dispersion that follow.
 * - **Over-dispersion, always used**: a quasi-Poisson factor φ per scale from the Pearson residuals of
 *   every window of that scale in the history (outlier windows down-weighted), never below 1, and
 *   never below the factor of a shorter scale (bursts that last make longer windows at least as
 *   over-dispersed). The bound is from the predictive distribution: variance `φ·M + M²·ρ`, where `ρ`
 *   is the relative sampling variance of the fitted level (a negative binomial with that variance).
 *
 * ## One false-alarm budget per category-month
 * `falseAlarmsPerMonth` (default 0.5) is shared equally by the scales in use and, within a scale,
 * spread over its effectively independent evaluations per 30-day month (see {@link scaleTail}):
 * adding a scale does not add false alarms. The count floor (`minCount`) applies to every scale.
 */
import { negativeBinomialBound, SCAN_FACTOR } from './adaptive.ts';

/** The step an evaluation works in: an hour (streams, timestamped data) or a local calendar day. */
export type Cadence = 'hour' | 'day';
export const SCALE_IDS = ['short', 'day', 'week'] as const;
export type ScaleId = (typeof SCALE_IDS)[number];

/** Half-life of the history weights, in days. */
export const HALF_LIFE_DAYS = 21;
/** Standardised residual above which a past day is down-weighted (Noufaily et al. 2013). */
export const OUTLIER_Z = 2.58;
/** Pseudo-complaints that shrink each rhythm factor towards 1. */
const RHYTHM_PSEUDO_COUNT = 3;
const FIT_ITERATIONS = 3;
const MINUTES_PER_MONTH = 30 * 1440;
const DAY_MINUTES = 1440;
const WEEK_MINUTES = 7 * DAY_MINUTES;

/** One scale the category is watched at. */
export interface ScaleSpec {
  readonly scale: ScaleId;
  readonly windowMinutes: number;
  /** Evaluated on every batch over a window sliding by the minute (the stream's short window). */
  readonly sliding: boolean;
}

/**
 * The scales for a category: the short window (hour cadence only, when shorter than a day), a day
 * and a week.
 * @param slidingShort whether the short window slides per minute (streams) or is evaluated once per hour
 */
export function scalesFor(cadence: Cadence, shortWindowMinutes: number, slidingShort = true): ScaleSpec[] {
  const out: ScaleSpec[] = [];
  if (cadence === 'hour' && shortWindowMinutes < DAY_MINUTES) out.push({ scale: 'short', windowMinutes: shortWindowMinutes, sliding: slidingShort });
  out.push({ scale: 'day', windowMinutes: DAY_MINUTES, sliding: false }, { scale: 'week', windowMinutes: WEEK_MINUTES, sliding: false });
  return out;
}

/** Minutes per step of a cadence. */
export function stepMinutes(cadence: Cadence): number {
  return cadence === 'day' ? DAY_MINUTES : 60;
}

/**
 * The per-evaluation tail probability of one scale: the category-month budget split equally across
 * `scaleCount` scales, then across the scale's effectively independent evaluations per month. A
 * window of `W` minutes re-evaluated every `s` minutes overlaps itself `W/s` times; overlapping
 * evaluations clump (one excursion is seen from several positions and opens one incident), which
 * the scan-statistic factor caps at {@link SCAN_FACTOR}. For a per-minute sliding window this is the
 * v1 formula (see `tailProbabilityFor`); a day window evaluated once a day gets `budget / (S · 30)`.
 */
export function scaleTail(spec: ScaleSpec, cadence: Cadence, falseAlarmsPerMonth: number, scaleCount: number): number {
  const every = spec.sliding ? 1 : stepMinutes(cadence);
  const evaluations = (MINUTES_PER_MONTH / spec.windowMinutes) * Math.min(Math.max(1, spec.windowMinutes / every), SCAN_FACTOR);
  return Math.min(0.5, falseAlarmsPerMonth / (Math.max(1, scaleCount) * evaluations));
}

/** A category's counts per step, oldest first; the last step is the current one (possibly incomplete). */
export interface StepSeries {
  readonly cadence: Cadence;
  readonly counts: readonly number[];
  /** Local day of week per step, 0..6 (any fixed origin). */
  readonly dayOfWeek: readonly number[];
  /** Local hour of day per step, 0..23 (always 0 in day cadence). */
  readonly hourOfDay: readonly number[];
}

export interface RobustParameters {
  readonly falseAlarmsPerMonth: number;
  /** No alert below this many complaints in a window, at any scale. */
  readonly minCount: number;
  /** Weeks of data (first complaint to now) needed before the baseline speaks. */
  readonly minWeeks: number;
  /** At most this many weeks of history are fitted. */
  readonly historyWeeks: number;
  /** The category's configured short window. */
  readonly shortWindowMinutes: number;
  /** Whether the short window slides per minute (streams). @default true */
  readonly slidingShort?: boolean;
}

/** The expectation and bound of one scale's current window. */
export interface ScaleBaseline {
  readonly scale: ScaleId;
  readonly windowMinutes: number;
  /** Expected count of the window (for the short scale: per `windowMinutes` at the current hour). */
  readonly expected: number;
  /** The window fires at or above this count. */
  readonly bound: number;
  /** Quasi-Poisson over-dispersion factor used (≥ 1). */
  readonly dispersion: number;
  /** Nominal tail probability per evaluation. */
  readonly tail: number;
}

/** What the fitted baseline says about the current step, for every scale. */
export interface MultiScaleBaseline {
  readonly cadence: Cadence;
  readonly scales: readonly ScaleBaseline[];
  /** Days of history behind the fit. */
  readonly historyDays: number;
  /** Expected count of the current step. */
  readonly stepExpected: number;
}

/** Steps the fit leaves out at the end: the current week, which the week window covers. */
export function guardSteps(cadence: Cadence): number {
  return WEEK_MINUTES / stepMinutes(cadence);
}

/** Steps of history a baseline reads, including the guard week and the current step. */
export function historySteps(cadence: Cadence, historyWeeks: number): number {
  return (historyWeeks + 1) * guardSteps(cadence);
}

/** The fitted baseline of a category: level, rhythm, dispersion per scale and level uncertainty. */
export interface FittedBaseline {
  readonly cadence: Cadence;
  readonly level: number;
  /** Day-of-week factors (mean 1). */
  readonly dayFactors: readonly number[];
  /** Hour-of-day factors (mean 1; all 1 in day cadence). */
  readonly hourFactors: readonly number[];
  /** Over-dispersion per scale, in the order of {@link scalesFor}. */
  readonly dispersion: Readonly<Partial<Record<ScaleId, number>>>;
  /** Relative sampling variance of the level. */
  readonly levelVariance: number;
  /** Linear drift of the level, per day relative to the level (0 unless significant at |z| > 2). */
  readonly trend: number;
  /** Sampling variance of `trend`. */
  readonly trendVariance: number;
  /** Where the level applies: days relative to the end of the fitted history (negative: before it). */
  readonly trendCenter: number;
  /** Steps of history, guard week and current step the fit was made from (to place later steps). */
  readonly fittedLength: number;
  /** Days of history behind the fit. */
  readonly historyDays: number;
}

/**
 * Fits the robust baseline to a step series, leaving out the guard week at its end (the current
 * step is the last one). The fit changes slowly, so callers may reuse it for a day.
 * @returns undefined when the series spans fewer than `minWeeks` weeks of data
 */
export function fitBaseline(series: StepSeries, params: RobustParameters): FittedBaseline | undefined {
  const { cadence, counts } = series;
  const n = counts.length;
  const perDay = DAY_MINUTES / stepMinutes(cadence);
  const guard = guardSteps(cadence);
  let first = counts.findIndex((c) => c > 0);
  if (first < 0) return undefined;
  first = Math.max(first, n - guard - params.historyWeeks * 7 * perDay);
  if (n - first < params.minWeeks * 7 * perDay) return undefined;
  const end = n - guard;
  if (end - first < perDay) return undefined;

  const len = end - first;
  const y = counts.slice(first, end);
  const dow = series.dayOfWeek.slice(first, end);
  const hod = series.hourOfDay.slice(first, end);
  // Blocks of one day ending at the guard, for reweighting; a partial oldest block is its own block.
  const blockIndex = new Int32Array(len);
  for (let i = 0; i < len; i++) blockIndex[i] = Math.floor((len - 1 - i) / perDay);
  const blockOf = (i: number) => blockIndex[i]!;
  const blocks = blockOf(0) + 1;
  const decay = new Float64Array(len);
  for (let i = 0; i < len; i++) decay[i] = 0.5 ** ((len - i) / perDay / HALF_LIFE_DAYS);
  const outlier = new Float64Array(blocks).fill(1);
  const f = new Float64Array(7).fill(1);
  const g = new Float64Array(24).fill(1);
  const mu = new Float64Array(len);
  let level = 0;
  let phiDay = 1;
  const w = (i: number) => decay[i]! * outlier[blockOf(i)]!;
  for (let iter = 0; iter < FIT_ITERATIONS; iter++) {
    let num = 0;
    let den = 0;
    for (let i = 0; i < len; i++) {
      num += w(i) * y[i]!;
      den += w(i) * f[dow[i]!]! * g[hod[i]!]!;
    }
    level = den > 0 ? num / den : 0;
    fitFactor(f, dow, y, w, (i) => level * g[hod[i]!]!);
    if (cadence === 'hour') fitFactor(g, hod, y, w, (i) => level * f[dow[i]!]!);
    for (let i = 0; i < len; i++) mu[i] = Math.max(level * f[dow[i]!]! * g[hod[i]!]!, 1e-6);
    // Day residuals: dispersion from the days that look ordinary, then reweight the rest.
    const dayY = new Float64Array(blocks);
    const dayM = new Float64Array(blocks);
    const dayW = new Float64Array(blocks);
    for (let i = 0; i < len; i++) {
      const b = blockOf(i);
      dayY[b]! += y[i]!;
      dayM[b]! += mu[i]!;
      dayW[b] = decay[i]!;
    }
    let sw = 0;
    let sr = 0;
    for (let b = 0; b < blocks; b++) {
      const ww = dayW[b]! * outlier[b]!;
      sw += ww;
      sr += (ww * (dayY[b]! - dayM[b]!) ** 2) / dayM[b]!;
    }
    phiDay = Math.max(1, sw > 0 ? (sr / sw) * smallSample(blocks) : 1);
    for (let b = 0; b < blocks; b++) {
      const z = (dayY[b]! - dayM[b]!) / Math.sqrt(phiDay * dayM[b]!);
      outlier[b] = z > OUTLIER_Z ? (OUTLIER_Z / z) ** 2 : 1;
    }
  }

  // Relative sampling variance of the level: a weighted mean of quasi-Poisson counts.
  let swm = 0;
  let sw2m = 0;
  for (let i = 0; i < len; i++) {
    swm += w(i) * mu[i]!;
    sw2m += w(i) * w(i) * mu[i]!;
  }
  const levelVariance = swm > 0 ? (phiDay * sw2m) / (swm * swm) : 1;
  const trend = fitTrend(y, mu, w, blockOf, blocks, phiDay);
  const dispersion: Partial<Record<ScaleId, number>> = {};
  let phiFloor = 1;
  for (const spec of scalesFor(cadence, params.shortWindowMinutes, params.slidingShort ?? true)) {
    const m = Math.max(1, Math.round(spec.windowMinutes / stepMinutes(cadence)));
    const phi = Math.max(phiFloor, windowDispersion(y, mu, decay, outlier, blockOf, Math.min(m, len)));
    dispersion[spec.scale] = phi;
    phiFloor = phi;
  }
  return { cadence, level, dayFactors: [...f], hourFactors: [...g], dispersion, levelVariance, ...trend, fittedLength: n, historyDays: len / perDay };
}

/**
 * A slow drift of the level: weighted least squares of each day's observed/expected ratio on its
 * age, kept only when significant (|z| > 2, as Farrington includes a trend only when it is), so
 * noise does not tilt the baseline.
 */
function fitTrend(
  y: readonly number[],
  mu: Float64Array,
  w: (i: number) => number,
  blockOf: (i: number) => number,
  blocks: number,
  phi: number,
): { trend: number; trendVariance: number; trendCenter: number } {
  const Y = new Float64Array(blocks);
  const M = new Float64Array(blocks);
  const W = new Float64Array(blocks);
  for (let i = 0; i < y.length; i++) {
    const b = blockOf(i);
    Y[b]! += y[i]!;
    M[b]! += mu[i]!;
    W[b] = w(i);
  }
  let sw = 0;
  let sx = 0;
  let sr = 0;
  for (let b = 0; b < blocks; b++) {
    const ww = W[b]! * M[b]!;
    sw += ww;
    sx += ww * -(b + 0.5);
    sr += ww * (Y[b]! / M[b]!);
  }
  if (sw <= 0 || blocks < 14) return { trend: 0, trendVariance: 0, trendCenter: 0 };
  const xbar = sx / sw;
  const rbar = sr / sw;
  let sxx = 0;
  let sxr = 0;
  let svar = 0;
  for (let b = 0; b < blocks; b++) {
    const dx = -(b + 0.5) - xbar;
    const ww = W[b]! * M[b]!;
    sxx += ww * dx * dx;
    sxr += ww * dx * (Y[b]! / M[b]! - rbar);
    svar += W[b]! * W[b]! * M[b]! * dx * dx;
  }
  if (sxx <= 0) return { trend: 0, trendVariance: 0, trendCenter: xbar };
  const slope = sxr / sxx / Math.max(rbar, 1e-9);
  const variance = (phi * svar) / (sxx * sxx) / Math.max(rbar, 1e-9) ** 2;
  return Math.abs(slope) > 2 * Math.sqrt(variance) ? { trend: slope, trendVariance: variance, trendCenter: xbar } : { trend: 0, trendVariance: 0, trendCenter: xbar };
}

/** Expected count of one step under a fitted baseline. */
export function stepExpectation(fit: FittedBaseline, dayOfWeek: number, hourOfDay: number): number {
  return Math.max(fit.level * (fit.dayFactors[dayOfWeek] ?? 1) * (fit.hourFactors[hourOfDay] ?? 1), 1e-6);
}

/**
 * Each scale's expectation and bound for the current step (the last of `recent`, which must hold at
 * least the week window's steps). The short scale's expectation is for a window of its length at
 * the current hour.
 */
export function scaleBaselines(
  fit: FittedBaseline,
  recent: Pick<StepSeries, 'dayOfWeek' | 'hourOfDay'>,
  params: RobustParameters,
  /** Steps the current step lies after the current step of the series the fit was made from. @default 0 */
  stepsSinceFit = 0,
): MultiScaleBaseline {
  const { cadence } = fit;
  const n = recent.dayOfWeek.length;
  const perDay = DAY_MINUTES / stepMinutes(cadence);
  const fitEnd = fit.fittedLength - guardSteps(cadence);
  // Days from the end of the fitted history to the centre of recent step j.
  const dayOf = (j: number) => (fit.fittedLength - 1 + stepsSinceFit - (n - 1 - j) - fitEnd + 0.5) / perDay;
  const drift = (x: number) => Math.min(2, Math.max(0.5, 1 + fit.trend * (x - fit.trendCenter)));
  const expectedAt = (j: number) => (j >= 0 ? stepExpectation(fit, recent.dayOfWeek[j]!, recent.hourOfDay[j]!) * drift(dayOf(j)) : 0);
  const specs = scalesFor(cadence, params.shortWindowMinutes, params.slidingShort ?? true);
  const scales: ScaleBaseline[] = specs.map((spec) => {
    const m = Math.max(1, Math.round(spec.windowMinutes / stepMinutes(cadence)));
    let expected = 0;
    const days = new Set<number>();
    const hours = new Set<number>();
    const from = spec.scale === 'short' ? n - 1 : n - m;
    for (let j = Math.max(0, from); j < n; j++) {
      expected += expectedAt(j);
      days.add(recent.dayOfWeek[j]!);
      hours.add(recent.hourOfDay[j]!);
    }
    if (spec.scale === 'short') expected *= spec.windowMinutes / 60;
    // Each rhythm factor rests on a share of the history: a window covering few weekdays (or hours)
    // carries their estimation error on top of the level's.
    const rhythm = 7 / Math.max(1, days.size) + (cadence === 'hour' ? 24 / Math.max(1, hours.size) - 1 : 0);
    const centre = dayOf(n - 1) - (spec.scale === 'short' ? 0 : (m - 1) / perDay / 2);
    const relative = fit.levelVariance * rhythm + fit.trendVariance * (centre - fit.trendCenter) ** 2;
    const phi = fit.dispersion[spec.scale] ?? 1;
    const tail = scaleTail(spec, cadence, params.falseAlarmsPerMonth, specs.length);
    const mean = Math.max(expected, 0.05);
    const variance = phi * mean + mean * mean * relative;
    const bound = Math.max(params.minCount, negativeBinomialBound(mean, variance, tail));
    return { scale: spec.scale, windowMinutes: spec.windowMinutes, expected, bound, dispersion: phi, tail };
  });
  return { cadence, scales, historyDays: fit.historyDays, stepExpected: expectedAt(n - 1) };
}

/**
 * Fits the robust baseline and returns each scale's expectation and bound for the current step.
 * @returns undefined when the series spans fewer than `minWeeks` weeks of data
 */
export function robustBaseline(series: StepSeries, params: RobustParameters): MultiScaleBaseline | undefined {
  const fit = fitBaseline(series, params);
  return fit && scaleBaselines(fit, series, params);
}

/**
 * One rhythm factor: per level `k`, the weighted observed count over the weighted expectation
 * without this factor, shrunk towards 1 by a few pseudo-complaints, then normalised to mean 1.
 */
function fitFactor(factor: Float64Array, key: readonly number[], y: readonly number[], weight: (i: number) => number, otherExpected: (i: number) => number): void {
  const obs = new Float64Array(factor.length);
  const exp = new Float64Array(factor.length);
  for (let i = 0; i < y.length; i++) {
    const k = key[i]!;
    const w = weight(i);
    obs[k]! += w * y[i]!;
    exp[k]! += w * otherExpected(i);
  }
  let total = 0;
  let present = 0;
  for (let k = 0; k < factor.length; k++) {
    if (exp[k]! <= 0) continue;
    factor[k] = (obs[k]! + RHYTHM_PSEUDO_COUNT) / (exp[k]! + RHYTHM_PSEUDO_COUNT);
    total += factor[k]!;
    present += 1;
  }
  const meanFactor = present ? total / present : 1;
  for (let k = 0; k < factor.length; k++) factor[k] = exp[k]! > 0 ? factor[k]! / meanFactor : 1;
}

/** Pearson dispersion of every `m`-step window in the history, windows with outlier days down-weighted. */
function windowDispersion(
  y: readonly number[],
  mu: Float64Array,
  decay: Float64Array,
  outlier: Float64Array,
  blockOf: (i: number) => number,
  m: number,
): number {
  const len = y.length;
  if (len < m) return 1;
  let sy = 0;
  let sm = 0;
  for (let i = 0; i < m - 1; i++) {
    sy += y[i]!;
    sm += mu[i]!;
  }
  let sw = 0;
  let sr = 0;
  for (let e = m - 1; e < len; e++) {
    sy += y[e]!;
    sm += mu[e]!;
    const w = decay[e]! * Math.min(outlier[blockOf(e)]!, outlier[blockOf(e - m + 1)]!);
    sw += w;
    sr += (w * (sy - sm) ** 2) / sm;
    sy -= y[e - m + 1]!;
    sm -= mu[e - m + 1]!;
  }
  const independent = len / m;
  return sw > 0 ? (sr / sw) * smallSample(independent) : 1;
}

/** Degrees-of-freedom correction for a variance from `n` independent windows, capped for tiny `n`. */
function smallSample(n: number): number {
  return n > 2 ? n / (n - 1) : 2;
}

/** One scale's verdict on its current count. */
export interface ScaleVerdict extends ScaleBaseline {
  readonly count: number;
  readonly fired: boolean;
}

/**
 * Judges each scale's current window count against its bound.
 * @param counts current window count per scale present in the baseline
 * @returns the verdicts, in the baseline's scale order
 */
export function judgeScales(baseline: MultiScaleBaseline, counts: Readonly<Partial<Record<ScaleId, number>>>): ScaleVerdict[] {
  return baseline.scales
    .filter((s) => counts[s.scale] !== undefined)
    .map((s) => {
      const count = counts[s.scale]!;
      return { ...s, count, fired: count >= s.bound };
    });
}

/** Of the scales that fired, the one furthest above its bound (the alert names it). */
export function strongestFired(verdicts: readonly ScaleVerdict[]): ScaleVerdict | undefined {
  let best: ScaleVerdict | undefined;
  for (const v of verdicts) if (v.fired && (!best || v.count / v.bound > best.count / best.bound)) best = v;
  return best;
}

/**
 * A scale pages at most once per its own window: when the category's last incident opened within a
 * scale's window, that window still holds the surge that incident was about, so the scale firing
 * again is the same event, not a new one (a two-day surge would otherwise page from the day scale,
 * then once more from the week scale after the first incident cleared). Shorter scales still page
 * for a new surge.
 */
export function pageableVerdicts(verdicts: readonly ScaleVerdict[], lastOpenedAt: Date | undefined, now: Date): ScaleVerdict[] {
  if (!lastOpenedAt) return [...verdicts];
  const since = (now.getTime() - lastOpenedAt.getTime()) / 60_000;
  return verdicts.map((v) => (v.fired && since < v.windowMinutes ? { ...v, fired: false } : v));
}

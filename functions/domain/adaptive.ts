/**
 * The adaptive detector: what a category's window count should be at this time of week, judged
 * from the category's own history, and the count above which it is a surprise worth a page.
 *
 * ## Model
 * - **Expected value.** For each of the last `weeks` weeks, the count of the same window at the
 *   same time of week (read from hourly rollups, so a window is a weighted sum of hour-of-week
 *   slots). The expected count is the **median** across weeks: one past incident week moves a
 *   median of four not at all, where it would drag a mean up and blind the detector for a month.
 * - **Distribution.** Counts of independent complaints are Poisson. Real series are often burstier
 *   (campaigns, outages, a product launch): when the spread across weeks is larger than Poisson
 *   allows (index of dispersion above the 95% chi-square quantile, after dropping the single
 *   highest week so that one incident does not make the history look volatile), the count is
 *   modelled as **negative binomial** with the observed variance-to-mean ratio.
 * - **Estimation uncertainty.** The expected value is itself estimated from a handful of weeks.
 *   Ignoring that makes a nominal 1-in-10,000 bound fire several times as often (the bound sits
 *   where the tail falls off exponentially, so a slightly low estimate costs a lot). The bound is
 *   therefore taken from the predictive distribution: the variance is inflated by `1 + π/(2n)`, the
 *   sampling variance of a median of `n` weeks relative to one observation, and a Gamma mixture of
 *   Poissons with that variance is a negative binomial, so both branches share one tail function.
 * - **Bound.** The smallest count `k` with `P(X ≥ k) ≤ tailProbability`; a window fires when its
 *   count reaches `k` (as the static detector fires when the count reaches its threshold), and
 *   never below `minCount`: two complaints against an expected 0.3 are rare but not worth a phone
 *   call.
 * - **Not enough history.** Weeks in which the category had no complaints at all around that time
 *   (the adapter reads ±12 hours) count as missing: before the pipeline ran, or before the category
 *   existed. With fewer than `minWeeks` weeks present the detector says nothing (`undefined`) and
 *   only the static threshold applies.
 *
 * ## Defaults, from principles
 * - `falseAlarmsPerMonth = 0.5`: a department head with four categories should see at most a couple
 *   of alerts a month that turn out to be ordinary traffic; more and people stop reading them.
 * - The per-window tail probability follows from it (see {@link tailProbabilityFor}): a month holds
 *   `43,200 / windowMinutes` disjoint windows, and because the window slides (it is evaluated on
 *   every batch), an excursion is seen from several overlapping positions: for Poisson counts the
 *   expected number of up-crossings of a bound `k` per window length is about `μ · P(X = k − 1)`,
 *   which at the bounds this produces is 5 to 25 times the single-window tail (Naus' scan-statistic
 *   clumping). We take {@link SCAN_FACTOR} = 10. A 60-minute window then gets a tail of about 7·10⁻⁵
 *   and a daily window about 1.7·10⁻³. Incidents also stay open until an hour below the clear level,
 *   so clustered crossings page once: the realised rate is at or below nominal, and the replay
 *   report shows it per category-month on real history.
 * - Detection delay: at those tails the bound sits about 4 predictive standard deviations above
 *   the expected value. A sustained tripling is then caught within two windows (99%, including the
 *   error of a four-week baseline) once an hourly window normally holds about 25 complaints, or a
 *   daily window about 15; below that the bound is dominated by Poisson noise and the static
 *   threshold has to carry the weight, which is why `both` exists.
 * - Limits: with four weeks the variance of a bursty series is poorly known; on strongly
 *   over-dispersed traffic the realised false-alarm rate can be several times nominal. More weeks
 *   (`weeks` up to 8) tighten that.
 * - `weeks = 4`, `minWeeks = 3`: a month of history follows seasonality without forgetting slowly;
 *   three of four weeks let a median ignore one bad week.
 * - `minCount = 5`: below five complaints in a window there is nothing a department head can act on
 *   that an agent cannot.
 */

/** Which count model the bound came from. */
export type CountDistribution = 'poisson' | 'negative-binomial';

/** The adaptive expectation for one window. */
export interface AdaptiveBaseline {
  /** Expected window count (median across the weeks present). */
  readonly expected: number;
  /** The window fires at or above this count. */
  readonly bound: number;
  readonly distribution: CountDistribution;
  /** Variance-to-mean ratio across weeks (after dropping the highest week when four or more are present). */
  readonly dispersion: number;
  /** How many weeks of history the estimate rests on. */
  readonly weeks: number;
}

export interface AdaptiveParameters {
  /** Nominal probability that an ordinary window reaches the bound. */
  readonly tailProbability: number;
  /** The bound is never below this count. */
  readonly minCount: number;
  /** Fewer weeks present than this: no baseline. */
  readonly minWeeks: number;
}

/** Up-crossings of a sliding window's bound per window length, relative to one disjoint window's tail. */
export const SCAN_FACTOR = 10;
const MINUTES_PER_MONTH = 30 * 1440;

/**
 * The per-window tail probability that gives about `falseAlarmsPerMonth` false alarms per 30-day
 * month for a sliding window of `windowMinutes` (see the module notes for the scan factor).
 */
export function tailProbabilityFor(windowMinutes: number, falseAlarmsPerMonth: number): number {
  return Math.min(0.5, (falseAlarmsPerMonth * windowMinutes) / (MINUTES_PER_MONTH * SCAN_FACTOR));
}

/**
 * The expected value and alert bound for a window from the same window in past weeks.
 * @param history the window's count in each past week (most recent first), `undefined` for weeks without data
 * @returns undefined when fewer than `minWeeks` weeks have data
 */
export function adaptiveBaseline(history: ReadonlyArray<number | undefined>, params: AdaptiveParameters): AdaptiveBaseline | undefined {
  const present = history.filter((c): c is number => c !== undefined && Number.isFinite(c) && c >= 0);
  if (present.length < Math.max(1, params.minWeeks)) return undefined;
  const sorted = [...present].sort((a, b) => a - b);
  const expected = median(sorted);
  const n = sorted.length;
  // One incident week must not make an ordinary history look volatile.
  const spread = n >= 4 ? sorted.slice(0, -1) : sorted;
  const m = mean(spread);
  const variance = spread.length > 1 ? spread.reduce((s, c) => s + (c - m) ** 2, 0) / (spread.length - 1) : 0;
  const dispersion = m > 0 ? variance / m : 0;
  const overDispersed = spread.length >= 3 && dispersion > chiSquareQuantile95(spread.length - 1) / (spread.length - 1);
  // A median of zero still leaves some chance of a complaint; the floor keeps that from paging.
  const mu = Math.max(expected, 0.1);
  const uncertainty = 1 + Math.PI / (2 * n);
  const predictiveVariance = mu * (overDispersed ? dispersion : 1) * uncertainty;
  const bound = Math.max(params.minCount, negativeBinomialBound(mu, predictiveVariance, params.tailProbability));
  return { expected, bound, distribution: overDispersed ? 'negative-binomial' : 'poisson', dispersion, weeks: n };
}

/** Whether a window count is an adaptive breach. */
export function isAdaptiveBreach(count: number, baseline: AdaptiveBaseline | undefined): boolean {
  return baseline !== undefined && count >= baseline.bound;
}

/**
 * The smallest `k` with `P(X ≥ k) ≤ tail` for a count with this mean and variance: Poisson when the
 * variance does not exceed the mean, otherwise negative binomial with `r = μ² / (σ² − μ)`.
 */
export function negativeBinomialBound(mean: number, variance: number, tail: number): number {
  // Point masses by their ratio to the previous one (one logGamma in all, not one per k): replays
  // and the multi-scale detector ask for thousands of bounds.
  const logPmf = countLogPmf(mean, variance);
  const ratio = countPmfRatio(mean, variance);
  const start = Math.floor(mean);
  const startMass = Math.exp(logPmf(start));
  // Walk up from the mean, adding each point mass to the upper tail.
  const masses: number[] = [];
  let upper = 0;
  let p = startMass;
  for (let k = start; ; k++) {
    masses.push(p);
    upper += p;
    if (k > mean + 10 && p < upper * 1e-17) break;
    if (k > start + 100_000) break;
    p *= ratio(k);
  }
  let i = 0;
  while (upper > tail && i < masses.length) {
    upper -= masses[i]!;
    i += 1;
  }
  return Math.max(start + i, 1);
}

/** `P(X = k + 1) / P(X = k)` for the count model of {@link negativeBinomialBound}. */
function countPmfRatio(mean: number, variance: number): (k: number) => number {
  if (variance <= mean * (1 + 1e-9)) return (k) => mean / (k + 1);
  const r = (mean * mean) / (variance - mean);
  const oneMinusQ = 1 - mean / variance;
  return (k) => ((k + r) / (k + 1)) * oneMinusQ;
}

/** `P(X ≥ k)` for the count model {@link negativeBinomialBound} uses. */
export function countUpperTail(k: number, mean: number, variance: number): number {
  const logPmf = countLogPmf(mean, variance);
  let below = 0;
  for (let j = 0; j < k; j++) below += Math.exp(logPmf(j));
  return Math.max(0, 1 - below);
}

function countLogPmf(mean: number, variance: number): (k: number) => number {
  if (variance <= mean * (1 + 1e-9)) {
    const logMu = Math.log(mean);
    return (k) => k * logMu - mean - logGamma(k + 1);
  }
  const r = (mean * mean) / (variance - mean);
  const q = mean / variance;
  const lgR = logGamma(r);
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  return (k) => logGamma(k + r) - lgR - logGamma(k + 1) + r * logQ + k * log1mQ;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Exact 95% chi-square quantiles for the few degrees of freedom a handful of weeks gives. */
const CHI_SQUARE_95 = [3.841, 5.991, 7.815, 9.488, 11.07, 12.592, 14.067, 15.507, 16.919, 18.307];

/** The 95% quantile of chi-square with `df` degrees of freedom (tabled to 10, Wilson–Hilferty beyond). */
export function chiSquareQuantile95(df: number): number {
  const tabled = CHI_SQUARE_95[df - 1];
  if (tabled !== undefined) return tabled;
  const z = 1.6448536269514722;
  const c = 2 / (9 * df);
  return df * (1 - c + z * Math.sqrt(c)) ** 3;
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
}

/** One hour's count of a category: `hour` is the ISO start of the UTC hour. */
export interface HourCount {
  readonly hour: string;
  readonly count: number;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 86_400_000;
/** Around the window, how far a week must show any complaint to count as a week with data. */
export const PRESENCE_MARGIN_MS = 12 * HOUR_MS;

/** The start of the UTC hour containing `t`, as an ISO string (the hourly rollup's sort key). */
export function hourOf(t: Date): string {
  return new Date(Math.floor(t.getTime() / HOUR_MS) * HOUR_MS).toISOString();
}

/** The time range to read for week `k` back (1 = last week): the window plus the presence margin, as hour keys. */
export function historyRange(windowEnd: Date, windowMinutes: number, weeksBack: number): { fromHour: string; toHour: string } {
  const end = windowEnd.getTime() - weeksBack * WEEK_MS;
  const start = end - windowMinutes * 60_000;
  return { fromHour: hourOf(new Date(start - PRESENCE_MARGIN_MS)), toHour: hourOf(new Date(end + PRESENCE_MARGIN_MS)) };
}

/**
 * A past week's count for the window `[windowEnd − windowMinutes, windowEnd)` shifted back
 * `weeksBack` weeks, from hourly rollups: each hour counts in proportion to its overlap with the
 * window (the hour-of-week rate model). Undefined when the week shows no complaint at all in the
 * read range, i.e. no data rather than a quiet hour.
 */
export function pastWindowCount(hours: readonly HourCount[], windowEnd: Date, windowMinutes: number, weeksBack: number): number | undefined {
  if (!hours.some((h) => h.count > 0)) return undefined;
  const end = windowEnd.getTime() - weeksBack * WEEK_MS;
  const start = end - windowMinutes * 60_000;
  let total = 0;
  for (const h of hours) {
    const hs = Date.parse(h.hour);
    const overlap = Math.min(end, hs + HOUR_MS) - Math.max(start, hs);
    if (overlap > 0) total += (h.count * overlap) / HOUR_MS;
  }
  return total;
}

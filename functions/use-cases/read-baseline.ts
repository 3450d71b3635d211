import { adaptiveBaseline, historyRange, hourOf, pastWindowCount, tailProbabilityFor, type AdaptiveBaseline } from '../domain/adaptive.ts';
import {
  fitBaseline,
  guardSteps,
  historySteps,
  scaleBaselines,
  stepMinutes,
  type Cadence,
  type FittedBaseline,
  type MultiScaleBaseline,
  type RobustParameters,
} from '../domain/multi-scale.ts';
import { stepFrame, stepIndex, type StepFrame } from '../domain/step-series.ts';
import type { Category, PipelineConfig } from '../domain/config.ts';
import { MINUTE_MS, minuteFloor } from '../domain/time.ts';
import type { VolumeStore } from '../ports/volume-store.ts';

/** The detector a category uses. */
export function detectorOf(category: Category): 'static' | 'adaptive' | 'both' {
  return category.detector ?? 'static';
}

/**
 * The adaptive baseline for a category's window ending with the minute of `now`, from the hourly
 * rollups of the same window in each of the last `weeks` weeks (one small Query per week).
 * @returns undefined when the category only uses the static threshold or lacks history
 */
export async function readBaseline(
  category: Category,
  now: Date,
  deps: { readonly config: PipelineConfig; readonly volume: VolumeStore },
): Promise<AdaptiveBaseline | undefined> {
  if (detectorOf(category) === 'static') return undefined;
  const settings = deps.config.alerting.adaptive;
  const windowMinutes = category.threshold.windowMinutes;
  const windowEnd = new Date(minuteFloor(now).getTime() + MINUTE_MS);
  const history = await Promise.all(
    Array.from({ length: settings.weeks }, async (_, i) => {
      const range = historyRange(windowEnd, windowMinutes, i + 1);
      const hours = await deps.volume.hourlyCounts(category.id, range.fromHour, range.toHour);
      return pastWindowCount(hours, windowEnd, windowMinutes, i + 1);
    }),
  );
  return adaptiveBaseline(history, {
    tailProbability: tailProbabilityFor(windowMinutes, settings.falseAlarmsPerMonth),
    minCount: settings.minCount,
    minWeeks: settings.minWeeks,
  });
}

/** The multi-scale view of a category now: each scale's current count against its bound. */
export interface MultiScaleReading {
  readonly baseline: MultiScaleBaseline;
  /** Current window count per day and week scale (the short window is counted by the caller). */
  readonly counts: Readonly<Record<'day' | 'week', number>>;
}

interface CachedSeries {
  readonly key: string;
  readonly fit: FittedBaseline | undefined;
  /** Start of the current step when the fit was made. */
  readonly fitStepStart: number;
  /** Step start → count, for the fitted history and every step read since. */
  readonly counts: Map<number, number>;
  /** Start of the newest step read; it and the one before are read again (late records). */
  newestRead: number;
}

/**
 * Keeps each category's fitted baseline for a local day and the step counts read since, so an
 * evaluation reads only the last two steps' rollups instead of weeks of them. One per Lambda
 * container (or replay); a fresh container rebuilds it with one read per category.
 */
export class BaselineCache {
  readonly #entries = new Map<string, CachedSeries>();

  /** @internal */
  get(category: string): CachedSeries | undefined {
    return this.#entries.get(category);
  }

  /** @internal */
  set(category: string, entry: CachedSeries): void {
    this.#entries.set(category, entry);
  }
}

/** Settings of the multi-scale detector, from the config and the category. */
export function robustParameters(category: Category, config: PipelineConfig, cadence: Cadence): RobustParameters {
  const settings = config.alerting.adaptive;
  return {
    falseAlarmsPerMonth: settings.falseAlarmsPerMonth,
    minCount: settings.minCount,
    minWeeks: settings.minWeeks,
    historyWeeks: settings.historyWeeks,
    shortWindowMinutes: category.threshold.windowMinutes,
    slidingShort: cadence === 'hour',
  };
}

/**
 * The multi-scale baseline of a category at `now` and the day and week window counts, from the
 * hourly rollups (no other counters are needed). The fit is made once per local day per category
 * (it leaves the current week out, so a day's new data barely moves it) and kept in `cache`.
 * @returns undefined when the category has too little history (only the static threshold applies)
 */
export async function readMultiScale(
  category: Category,
  now: Date,
  cadence: Cadence,
  deps: { readonly config: PipelineConfig; readonly volume: VolumeStore; readonly baselineCache?: BaselineCache },
): Promise<MultiScaleReading | undefined> {
  const config = deps.config;
  const timeZone = config.company.timeZone;
  const params = robustParameters(category, config, cadence);
  const week = guardSteps(cadence);
  const recent = stepFrame(now, cadence, week, timeZone);
  const key = `${cadence}|${recent.localDay}|${params.historyWeeks}|${params.shortWindowMinutes}`;
  const current = recent.starts.at(-1)!;
  let entry = deps.baselineCache?.get(category.id);
  if (!entry || entry.key !== key) {
    const frame = stepFrame(now, cadence, historySteps(cadence, params.historyWeeks), timeZone);
    // Steps read on an earlier day are final (the newest two are read again): read only what is new.
    const previous = entry?.key.startsWith(`${cadence}|`) ? entry : undefined;
    const from = previous ? Math.max(frame.starts[0]!, previous.newestRead - stepMinutes(cadence) * 60_000) : frame.starts[0]!;
    const counts = new Map<number, number>();
    if (previous) for (const s of frame.starts) if (s < from) counts.set(s, previous.counts.get(s) ?? 0);
    for (const [s, c] of await readSteps(category.id, frame, from, deps.volume)) counts.set(s, c);
    const series = { cadence, counts: frame.starts.map((s) => counts.get(s) ?? 0), dayOfWeek: frame.dayOfWeek, hourOfDay: frame.hourOfDay };
    entry = { key, fit: fitBaseline(series, params), fitStepStart: current, counts, newestRead: current };
    deps.baselineCache?.set(category.id, entry);
  } else {
    const from = Math.min(entry.newestRead, recent.starts.at(-2) ?? current);
    for (const [start, count] of await readSteps(category.id, recent, from, deps.volume)) entry.counts.set(start, count);
    entry.newestRead = current;
  }
  if (!entry.fit) return undefined;
  const stepMs = stepMinutes(cadence) * 60_000;
  const stepsSinceFit = cadence === 'hour' ? Math.round((current - entry.fitStepStart) / stepMs) : 0;
  const baseline = scaleBaselines(entry.fit, recent, params, stepsSinceFit);
  const perDay = week / 7;
  const windowCounts = recent.starts.map((s) => entry.counts.get(s) ?? 0);
  const sum = (m: number) => windowCounts.slice(-m).reduce((a, b) => a + b, 0);
  return { baseline, counts: { day: sum(perDay), week: sum(week) } };
}

/** Counts per step of `frame` from `fromStart` on, from the hourly rollups (steps with none read as 0). */
async function readSteps(category: string, frame: StepFrame, fromStart: number, volume: VolumeStore): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const s of frame.starts) if (s >= fromStart) out.set(s, 0);
  const hours = await volume.hourlyCounts(category, hourOf(new Date(fromStart)), hourOf(new Date(frame.end - 1)));
  for (const h of hours) {
    const i = stepIndex(frame, Date.parse(h.hour));
    if (i < 0) continue;
    const start = frame.starts[i]!;
    if (start >= fromStart) out.set(start, (out.get(start) ?? 0) + h.count);
  }
  return out;
}

import { adaptiveBaseline, historyRange, pastWindowCount, tailProbabilityFor, type AdaptiveBaseline } from '../domain/adaptive.ts';
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

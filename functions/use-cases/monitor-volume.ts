import { hourOf } from '../domain/adaptive.ts';
import { alertComplaint, isNewPeak, newIncident, titlesInWindow, type AlertComplaint, type AlertIncident, type IncidentDetection } from '../domain/alert.ts';
import { dailyTrend, incidentTerms } from '../domain/alert-explanation.ts';
import { detect, detectScales, type Detection, type DetectorSetting } from '../domain/incident.ts';
import { judgeScales, pageableVerdicts, type Cadence, type ScaleId, type ScaleVerdict } from '../domain/multi-scale.ts';
import { categoryById, type Category, type PipelineConfig } from '../domain/config.ts';
import { shouldNoteSuppressed } from '../domain/silence.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import { planCommits, windowBuckets, windowCount, type CountableRecord } from '../domain/volume.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { VolumeStore } from '../ports/volume-store.ts';
import { effectiveCategory, notifyRaised } from './alert-delivery.ts';
import { detectorOf, readBaseline, readMultiScale, type BaselineCache } from './read-baseline.ts';

export interface MonitorVolumeDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  /** Only the newest titles of a category are read (alert context). */
  readonly complaints: Pick<ComplaintRepository, 'newestInCategory'>;
  readonly volume: VolumeStore;
  readonly alerts: AlertStore;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
  /** Run-time overrides, silences, acknowledge links and quiet hours; absent in replays. */
  readonly alertOps?: AlertOpsStore;
  /** Base URL for acknowledge links; absent (or undefined) means alerts go without links. */
  readonly publicBaseUrl?: () => string | undefined;
  /**
   * The multi-scale detector's step: `hour` for streams (the default), `day` for replays of data
   * with dates only, evaluated once per calendar day.
   */
  readonly cadence?: Cadence;
  /** Fitted baselines kept between batches (one per container); without it each batch reads its history. */
  readonly baselineCache?: BaselineCache;
}

export interface MonitorVolumeResult {
  /** Records counted by this delivery. */
  readonly counted: number;
  /** Records a previous delivery had already counted. */
  readonly replayed: number;
  /** Incidents this delivery opened. */
  readonly opened: AlertIncident[];
  /** Window counts evaluated, per category. */
  readonly windowCounts: Record<string, number>;
}

/**
 * How many newest complaints an incident keeps: the first few are listed, and those inside the
 * counting window give the frequent words.
 */
const NEWEST_KEPT = 20;
/**
 * Times a batch's undecided records are decided again after a concurrent delivery or transaction
 * got in the way, before the batch fails and the mapping retries it.
 */
const COMMIT_ATTEMPTS = 8;

/** Thrown when concurrent deliveries kept a batch from committing; the mapping retries the batch. */
export class CountingContendedError extends Error {
  override readonly name = 'CountingContendedError';
}

/**
 * Counts a batch of new complaints and raises an alert incident on a threshold breach.
 *
 * Primary course:
 * 1. drop records an earlier delivery already counted (streams deliver at least once): a point read
 *    of each record's mark, keyed by its stream `eventID`, so it holds for any number of shards;
 * 2. write each (category, minute) counter once for the batch, atomically with a mark per counted
 *    record; when a concurrent delivery marked one of them or held a counter first, nothing was
 *    written, and those records are decided again (1.), a bounded number of times;
 * 3. for each category in the batch, sum its sliding window and ask the category's detector(s):
 *    the static threshold, the adaptive detector (by default the short window, the last day and the
 *    last week, each against its bound from the category's robust baseline), or both; on a
 *    breach, when the category has no
 *    open incident, open one (a conditional write: concurrent or replayed batches cannot open a
 *    second) and notify the department head once by email and SMS, then publish `alert.raised`;
 *    when it has one, record a new peak (conditional on it being higher than the stored one) and send nothing.
 * Step 3 also runs for replayed records, so a delivery that crashed after counting still alerts.
 */
export async function monitorVolume(records: readonly CountableRecord[], deps: MonitorVolumeDeps): Promise<MonitorVolumeResult> {
  const now = deps.clock.now();
  const counted = await countOnce(records, now, deps.volume);

  const opened: AlertIncident[] = [];
  const windowCounts: Record<string, number> = {};
  for (const categoryId of new Set(records.map((r) => r.category))) {
    const configured = categoryById(deps.config, categoryId);
    // Complaints of a category that a later config removed still count but cannot alert.
    if (!configured) continue;
    // A run-time override (PUT /categories/{id}/alerting) replaces the threshold and/or detector.
    const category = await effectiveCategory(configured, deps);
    const range = windowBuckets(now, category.threshold.windowMinutes);
    const count = windowCount(await deps.volume.buckets(category.id, range.from, range.to));
    windowCounts[category.id] = count;
    const judged = await judge(category, count, now, deps);
    if (!judged) continue;
    const { detection, scaleCount } = judged;
    if (!detection.fired || !detection.detector) continue;
    // Re-judged without the scales still holding the last incident's surge (`pageableVerdicts`).
    const opening = await pageable(judged, category, count, now, deps);

    // During a silence a breach opens nothing and sends nothing; it is counted on the silence.
    const silence = await deps.alertOps?.activeSilence(category.id, now);
    let incident = await deps.alerts.findOpen(category.id);
    if (silence && !incident) {
      if (shouldNoteSuppressed(silence, now)) await deps.alertOps!.noteSuppressed(silence, scaleCount(detection.verdict?.scale), now);
      continue;
    }
    if (incident) {
      const peak = scaleCount(incident.scale);
      if (isNewPeak(incident, peak)) await deps.alerts.raisePeak(incident, peak, now, await newestComplaints(category, deps));
    } else {
      if (!opening) continue;
      const newest = await newestComplaints(category, deps);
      const weekHours = await deps.volume.hourlyCounts(category.id, hourOf(new Date(now.getTime() - 7 * 86_400_000)), hourOf(now));
      const result = await deps.alerts.openIncident(
        newIncident(category, scaleCount(opening.detection.verdict?.scale), newest, now, {
          detector: opening.detection.detector!,
          ...opening.baseline,
          // Only the titles the window count counts: older ones would outnumber it.
          topTerms: incidentTerms(titlesInWindow(newest, now, opening.baseline.windowMinutes ?? category.threshold.windowMinutes), deps.config),
          trend: dailyTrend(weekHours, now, deps.config.company.timeZone),
        }),
      );
      if (result.opened) opened.push(result.incident);
      incident = result.incident;
    }
    if (incident.notifiedAt === undefined && !silence) await notifyRaised(incident, category, deps);
  }
  return { counted, replayed: records.length - counted, opened, windowCounts };
}

/**
 * Decides which records are new and commits their counts; repeats the decision for the records of a
 * commit that a concurrent delivery pre-empted. A crash anywhere leaves either nothing or whole
 * commits (counters with their marks) behind, so the redelivery decides the same way.
 * @returns how many records this call counted
 */
async function countOnce(records: readonly CountableRecord[], now: Date, volume: VolumeStore): Promise<number> {
  let counted = 0;
  // One mark per record: a record listed twice is one complaint.
  let undecided = [...new Map(records.map((r) => [r.eventId, r])).values()];
  for (let attempt = 0; undecided.length; attempt++) {
    if (attempt === COMMIT_ATTEMPTS) throw new CountingContendedError(`${undecided.length} records still contended after ${attempt} attempts`);
    const seen = await volume.alreadyCounted(undecided.map((r) => r.eventId));
    const fresh = undecided.filter((r) => !seen.has(r.eventId));
    const again: string[] = [];
    for (const plan of planCommits(fresh)) {
      if ((await volume.commit(plan.eventIds, plan.increments, now)) === 'committed') counted += plan.eventIds.length;
      else again.push(...plan.eventIds);
    }
    const retry = new Set(again);
    undecided = fresh.filter((r) => retry.has(r.eventId));
  }
  return counted;
}

/** What the category's detectors make of its window count now. */
interface Judgement {
  readonly detection: Detection & { verdict?: ScaleVerdict };
  /** Expectation, bound and scale details for the incident record. */
  readonly baseline: Omit<IncidentDetection, 'detector' | 'topTerms' | 'trend'>;
  /** The current count of a scale (the short window when none is named). */
  readonly scaleCount: (scale: ScaleId | undefined) => number;
  /** Every scale's verdict (multi-scale detector with enough history). */
  readonly verdicts?: readonly ScaleVerdict[];
}

/**
 * Asks the category's detector(s): the static threshold on the short window, and the adaptive
 * detector: by default every scale against the multi-scale baseline, or (`weekly-median`) the short
 * window against the v1 baseline.
 * @returns undefined when no detector can fire (the history reads are skipped)
 */
async function judge(category: Category, count: number, now: Date, deps: MonitorVolumeDeps): Promise<Judgement | undefined> {
  const settings = deps.config.alerting.adaptive;
  const setting = detectorOf(category);
  if (setting === 'static' || settings.method === 'weekly-median') {
    // Below the static threshold and the floor, no detector can fire: skip the history reads.
    if (count < Math.min(category.threshold.count, settings.minCount)) return undefined;
    const baseline = await readBaseline(category, now, deps);
    return {
      detection: detect(setting, count, category.threshold.count, baseline),
      baseline: baseline ? { expected: baseline.expected, bound: baseline.bound } : {},
      scaleCount: () => count,
    };
  }
  const cadence = deps.cadence ?? 'hour';
  const reading = await readMultiScale(category, now, cadence, deps);
  const counts: Partial<Record<ScaleId, number>> = { short: count, ...reading?.counts };
  const verdicts = reading && judgeScales(reading.baseline, counts);
  return { ...scaleJudgement(setting, count, category.threshold.count, verdicts), scaleCount: (scale) => (scale ? (counts[scale] ?? count) : count) };
}

function scaleJudgement(setting: DetectorSetting, count: number, threshold: number, verdicts: readonly ScaleVerdict[] | undefined): Omit<Judgement, 'scaleCount'> {
  const detection = detectScales(setting, count, threshold, verdicts);
  const v = detection.verdict;
  return {
    detection,
    ...(verdicts && { verdicts }),
    baseline: v
      ? {
          expected: v.expected,
          bound: v.bound,
          scale: v.scale,
          windowMinutes: v.windowMinutes,
          scales: verdicts!.map((x) => ({ scale: x.scale, windowMinutes: x.windowMinutes, count: x.count, expected: x.expected, bound: x.bound, fired: x.fired })),
        }
      : {},
  };
}

/**
 * The judgement an incident may open with: the day and week scales do not page again for a surge
 * the category's last incident was already about (see `pageableVerdicts`).
 * @returns undefined when nothing is left that may open an incident
 */
async function pageable(judged: Judgement, category: Category, count: number, now: Date, deps: MonitorVolumeDeps): Promise<Omit<Judgement, 'scaleCount'> | undefined> {
  const longest = judged.verdicts?.filter((v) => v.fired && v.scale !== 'short');
  if (!judged.verdicts || !longest?.length) return judged;
  const [last] = await deps.alerts.listRecent(category.id, 1);
  const verdicts = pageableVerdicts(judged.verdicts, last ? new Date(last.openedAt) : undefined, now);
  const again = scaleJudgement(detectorOf(category), count, category.threshold.count, verdicts);
  return again.detection.fired ? again : undefined;
}

/**
 * The category's newest complaints as an incident keeps them: title, time, how it was sorted and the
 * escalation-risk mark, as facts; each message renders them in its reader's language.
 */
async function newestComplaints(category: Category, deps: MonitorVolumeDeps): Promise<AlertComplaint[]> {
  return (await deps.complaints.newestInCategory(category.id, NEWEST_KEPT)).map(alertComplaint);
}

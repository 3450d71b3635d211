import { hourOf } from '../domain/adaptive.ts';
import { displayTitle, newIncident, shouldRecordPeak, type AlertIncident } from '../domain/alert.ts';
import { dailyTrend, topTerms } from '../domain/alert-explanation.ts';
import { alertTitleLine } from '../domain/templates/triage.ts';
import { detect } from '../domain/incident.ts';
import { categoryById, type PipelineConfig } from '../domain/config.ts';
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
import { detectorOf, readBaseline } from './read-baseline.ts';

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

/** How many newest titles an alert shows. */
const NEWEST_TITLES = 5;
/** How many newest titles the frequent words are counted over. */
const TITLES_FOR_TERMS = 20;
/**
 * Minute counters per transaction: each may bring one hourly rollup, and the ledger entry takes one
 * more of DynamoDB's 100 items.
 */
const MINUTE_COUNTERS_PER_COMMIT = 49;

/**
 * Counts a batch of new complaints and raises an alert incident on a threshold breach.
 *
 * Primary course:
 * 1. drop records an earlier delivery already counted (streams deliver at least once);
 * 2. write each (category, minute) counter once for the batch, atomically with a ledger entry of the
 *    counted sequence numbers;
 * 3. for each category in the batch, sum its sliding window and ask the category's detector(s):
 *    the static threshold, the adaptive baseline from the same window in past weeks, or both; on a
 *    breach, when the category has no
 *    open incident, open one (a conditional write: concurrent or replayed batches cannot open a
 *    second) and notify the department head once by email and SMS, then publish `alert.raised`;
 *    when it has one, record a new peak at most once a minute and send nothing.
 * Step 3 also runs for replayed records, so a delivery that crashed after counting still alerts.
 */
export async function monitorVolume(records: readonly CountableRecord[], deps: MonitorVolumeDeps): Promise<MonitorVolumeResult> {
  const now = deps.clock.now();
  const seen = await deps.volume.alreadyCounted(records.map((r) => r.sequenceNumber));
  const fresh = records.filter((r) => !seen.has(r.sequenceNumber));
  for (const plan of planCommits(fresh, MINUTE_COUNTERS_PER_COMMIT)) {
    await deps.volume.commit(plan.sequenceNumbers, plan.increments, now);
  }

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
    // Below the static threshold and the floor, no detector can fire: skip the history reads.
    if (count < Math.min(category.threshold.count, deps.config.alerting.adaptive.minCount)) continue;
    const baseline = await readBaseline(category, now, deps);
    const detection = detect(detectorOf(category), count, category.threshold.count, baseline);
    if (!detection.fired || !detection.detector) continue;

    // During a silence a breach opens nothing and sends nothing; it is counted on the silence.
    const silence = await deps.alertOps?.activeSilence(category.id, now);
    let incident = await deps.alerts.findOpen(category.id);
    if (silence && !incident) {
      if (shouldNoteSuppressed(silence, now)) await deps.alertOps!.noteSuppressed(silence, count, now);
      continue;
    }
    if (incident) {
      if (shouldRecordPeak(incident, count, now)) await deps.alerts.recordPeak(incident, count, await newestTitles(category, deps), now);
    } else {
      const recent = await deps.complaints.newestInCategory(category.id, TITLES_FOR_TERMS);
      const titles = recent.map(displayTitle);
      const locale = departmentById(deps.config, category.department)?.locale ?? deps.config.defaultLocale;
      const weekHours = await deps.volume.hourlyCounts(category.id, hourOf(new Date(now.getTime() - 7 * 86_400_000)), hourOf(now));
      const result = await deps.alerts.openIncident(
        newIncident(category, count, recent.slice(0, NEWEST_TITLES).map((c) => alertTitleLine(c, locale)), now, {
          detector: detection.detector,
          ...(baseline && { expected: baseline.expected, bound: baseline.bound }),
          topTerms: topTerms(titles),
          trend: dailyTrend(weekHours, now, deps.config.company.timeZone),
        }),
      );
      if (result.opened) opened.push(result.incident);
      incident = result.incident;
    }
    if (incident.notifiedAt === undefined && !silence) await notifyRaised(incident, category, deps);
  }
  return { counted: fresh.length, replayed: records.length - fresh.length, opened, windowCounts };
}

/** The newest complaints as alert lines: escalation-risk mark, title, how the category was decided. */
async function newestTitles(category: Category, deps: MonitorVolumeDeps): Promise<string[]> {
  const locale = departmentById(deps.config, category.department)?.locale ?? deps.config.defaultLocale;
  return (await deps.complaints.newestInCategory(category.id, NEWEST_TITLES)).map((c) => alertTitleLine(c, locale));
}

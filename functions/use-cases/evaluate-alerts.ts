import { titlesInWindow, type AlertIncident } from '../domain/alert.ts';
import { categoryById, departmentById, personLocale, type Category, type PipelineConfig } from '../domain/config.ts';
import { judgeScales, type Cadence } from '../domain/multi-scale.ts';
import { hourOf } from '../domain/adaptive.ts';
import { dailyTrend, incidentTerms } from '../domain/alert-explanation.ts';
import {
  acknowledgingContact,
  alertEscalatedEvent,
  alertResolvedEvent,
  calmClearsAt,
  clearLevel,
  decideIncident,
  decideSurge,
  detect,
  detectScales,
  minutesToCheck,
  type MinuteCount,
  nextIncidentActionAt,
  renderAllClear,
  renderEscalation,
  renderReminder,
  renderSurge,
  slidingCounts,
} from '../domain/incident.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import { MINUTE_MS, minuteFloor } from '../domain/time.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { DueTimes } from '../ports/due-times.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { VolumeStore } from '../ports/volume-store.ts';
import { claimLeaseSeconds } from '../pipeline.ts';
import { deliverAlert, effectiveCategory, flushDeferredSms, mintAckLinks, notifyRaised } from './alert-delivery.ts';
import { MessageInProgressError } from './deliver-once.ts';
import { detectorOf, readBaseline, readMultiScale, type BaselineCache } from './read-baseline.ts';

export interface EvaluateAlertsDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly volume: VolumeStore;
  readonly alerts: AlertStore;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
  /** Run-time overrides, silences, acknowledge links and SMS held for quiet hours; absent in replays. */
  readonly alertOps?: AlertOpsStore;
  readonly publicBaseUrl?: () => string | undefined;
  /** The multi-scale detector's step (see MonitorVolumeDeps). @default 'hour' */
  readonly cadence?: Cadence;
  readonly baselineCache?: BaselineCache;
}

export interface EvaluateAlertsResult {
  /** Open or acknowledged incidents looked at. */
  readonly evaluated: number;
  readonly reminded: string[];
  readonly escalated: Array<{ incidentId: string; level: number }>;
  readonly resolved: string[];
  /** "Getting worse" messages: the incident and the step reached. */
  readonly surged: Array<{ incidentId: string; step: number }>;
}

/**
 * The scheduled half of alerting: what needs time to pass.
 *
 * Primary course, for each open or acknowledged incident (found through the sparse open index):
 * 1. compute the sliding window count for every minute since the last evaluation, and the clear
 *    level (a fraction of the static threshold or the adaptive bound now in force);
 * 2. decide: all-clear after a calm period, otherwise a due reminder and the next escalation level
 *    while nobody has acknowledged, and a "getting worse" message when the window count reached the
 *    next multiple of the count the incident opened at (also when acknowledged: it is news);
 *    every message shows the window count, trend and frequent words as they are now;
 * 3. raise the stored peak to the highest window count a message reports (conditional: never lower);
 * 4. send the messages (deterministic ids through the message ledger) and publish the events, THEN
 *    write the outcome conditional on the version read. A crash in between re-decides the same
 *    actions next time, and the ledger sends nothing twice; a concurrent run loses the condition
 *    and leaves the incident to the winner.
 */
export async function evaluateAlerts(deps: EvaluateAlertsDeps): Promise<EvaluateAlertsResult> {
  const now = deps.clock.now();
  const result: Omit<EvaluateAlertsResult, 'evaluated'> = { reminded: [], escalated: [], resolved: [], surged: [] };
  let evaluated = 0;
  // SMS held for quiet hours that are due now go first.
  await flushDeferredSms(deps);
  for await (const incident of liveIncidents(deps)) {
    evaluated += 1;
    await raiseUntold(incident, now, deps);
    await evaluateIncident(incident, now, deps, result);
  }
  return { evaluated, ...result };
}

/**
 * When an evaluator run could next send something, provided nothing is written meanwhile: the local
 * scheduler skips the runs before it (functions/local/scheduler.ts), and any write makes it ask
 * again. The earliest of the first held SMS's send time and, for each open or acknowledged incident
 * of a configured category, {@link nextIncidentWork}; undefined when there is neither (only the
 * volume monitor opening an incident, or an SMS being held, can make work). Lambda never asks: every
 * EventBridge run invokes the handler.
 */
export async function nextAlertWork(
  deps: Pick<EvaluateAlertsDeps, 'config' | 'clock' | 'alerts' | 'volume' | 'alertOps' | 'cadence' | 'baselineCache'> & { readonly dueTimes: DueTimes },
): Promise<Date | undefined> {
  const now = deps.clock.now();
  let next = (await deps.dueTimes.nextHeldAlertSmsAt())?.getTime();
  for await (const incident of liveIncidents(deps)) {
    const at = await nextIncidentWork(incident, now, deps);
    if (at !== undefined && (next === undefined || at < next)) next = at;
    if (next !== undefined && next <= now.getTime()) return now;
  }
  return next === undefined ? undefined : new Date(next);
}

/**
 * When a run could next act on one incident (epoch ms): what {@link evaluateAlerts} would do to it,
 * read the same way. The raise told late once the monitor's claim lapses; while the category is
 * silenced, or its detector is adaptive (its alert level moves with the hour), every run (now);
 * otherwise the domain's {@link nextIncidentActionAt} on the static threshold's counts from the
 * minutes not yet checked until they have been zero for the clear duration.
 */
async function nextIncidentWork(
  incident: AlertIncident,
  now: Date,
  deps: Pick<EvaluateAlertsDeps, 'config' | 'volume' | 'alertOps' | 'cadence' | 'baselineCache'>,
): Promise<number | undefined> {
  const configured = categoryById(deps.config, incident.category);
  if (!configured) return undefined;
  if (await deps.alertOps?.activeSilence(configured.id, now)) return now.getTime();
  const untold = untoldRaiseAt(incident);
  const department = departmentById(deps.config, incident.department);
  if (!department) return untold;
  const category = await effectiveCategory(configured, deps);
  if (detectorOf(category) !== 'static') return now.getTime();
  const settings = deps.config.alerting;
  const checked = minutesToCheck(incident, now, settings);
  const from = checked?.from ?? new Date(Date.parse(incident.checkedThrough!) + MINUTE_MS).toISOString();
  // By then every complaint counted so far has left the window and the counts stayed at zero for the clear duration.
  const horizon = new Date(minuteFloor(now).getTime() + (category.threshold.windowMinutes + settings.clearAfterMinutes) * MINUTE_MS).toISOString();
  const { recent, level } = await calmness(incident, category, { from, to: horizon }, now, deps);
  const at = nextIncidentActionAt(incident, now, recent, clearLevel(level, settings), department.escalationChain.length, settings);
  return untold === undefined || at === undefined ? (at ?? untold) : Math.min(at, untold);
}

/**
 * The open and acknowledged incidents of configured categories (found through the sparse open
 * index): an incident of a category since removed has nobody left to tell.
 */
async function* liveIncidents(deps: Pick<EvaluateAlertsDeps, 'config' | 'alerts'>): AsyncGenerator<AlertIncident> {
  for (const ref of await deps.alerts.listOpen(deps.config.categories.map((c) => c.id))) {
    const incident = await deps.alerts.getIncident(ref.category, ref.incidentId);
    if (incident && incident.state !== 'resolved') yield incident;
  }
}

/** When the raise of an open incident nobody was told of is due (epoch ms): once the monitor's claim lease has run out. */
function untoldRaiseAt(incident: AlertIncident): number | undefined {
  if (incident.state !== 'open' || incident.notifiedAt !== undefined) return undefined;
  return Date.parse(incident.openedAt) + claimLeaseSeconds * 1000;
}

/**
 * The safety net for the raise: an open incident the head was never told about (the monitor died
 * between claim and send, and the stream's retries ran out before the claim's lease) is told now,
 * once the lease has run out; within it the monitor may still be sending. Not during a silence.
 */
async function raiseUntold(incident: AlertIncident, now: Date, deps: EvaluateAlertsDeps): Promise<void> {
  const due = untoldRaiseAt(incident);
  if (due === undefined || due > now.getTime()) return;
  const configured = categoryById(deps.config, incident.category);
  if (!configured || (await deps.alertOps?.activeSilence(configured.id, now))) return;
  try {
    await notifyRaised(incident, configured, deps);
  } catch (err) {
    if (!(err instanceof MessageInProgressError)) throw err;
  }
}

/**
 * The window counts for the minutes to check and the alert level they are held against. An
 * incident opened by the day or week scale is judged on that scale: its current count (taken for
 * each minute checked; it moves by the hour) against its bound now. Otherwise the short sliding
 * window against the lowest level in force (the threshold, the short scale's bound or the v1 bound).
 */
async function calmness(
  incident: AlertIncident,
  category: Category,
  range: { from: string; to: string },
  now: Date,
  deps: Pick<EvaluateAlertsDeps, 'config' | 'volume' | 'cadence' | 'baselineCache'>,
): Promise<{ recent: MinuteCount[]; level: number }> {
  const setting = detectorOf(category);
  const multiScale = setting !== 'static' && deps.config.alerting.adaptive.method === 'multi-scale';
  const reading = multiScale ? await readMultiScale(category, now, deps.cadence ?? 'hour', deps) : undefined;
  const scale = incident.scale;
  if (reading && (scale === 'day' || scale === 'week')) {
    const bound = reading.baseline.scales.find((x) => x.scale === scale)?.bound;
    if (bound !== undefined) {
      const recent: MinuteCount[] = [];
      for (let m = Date.parse(range.from), end = Date.parse(range.to); m <= end; m += MINUTE_MS) recent.push({ minute: new Date(m).toISOString(), count: reading.counts[scale] });
      return { recent, level: bound };
    }
  }
  const windowMinutes = category.threshold.windowMinutes;
  const from = new Date(Date.parse(range.from) - (windowMinutes - 1) * MINUTE_MS).toISOString();
  const buckets = await deps.volume.buckets(category.id, from, range.to);
  const recent = slidingCounts(buckets, range.from, range.to, windowMinutes);
  if (multiScale) {
    const verdicts = reading && judgeScales(reading.baseline, { short: 0, day: 0, week: 0 });
    return { recent, level: detectScales(setting, 0, category.threshold.count, verdicts).level };
  }
  const baseline = await readBaseline(category, now, deps);
  return { recent, level: detect(setting, 0, category.threshold.count, baseline).level };
}

async function evaluateIncident(
  incident: AlertIncident,
  now: Date,
  deps: EvaluateAlertsDeps,
  result: Omit<EvaluateAlertsResult, 'evaluated'>,
): Promise<void> {
  const configured = categoryById(deps.config, incident.category);
  const department = departmentById(deps.config, incident.department);
  // A category or department removed from the config while its incident was open: nobody left to tell.
  if (!configured || !department) return;
  const category = await effectiveCategory(configured, deps);
  const settings = deps.config.alerting;
  const range = minutesToCheck(incident, now, settings);
  if (!range) return;
  const { recent, level } = await calmness(incident, category, range, now, deps);
  // While the category is silenced nothing reminds or escalates (they resume when it ends); the all-clear still comes.
  const silenced = (await deps.alertOps?.activeSilence(category.id, now)) !== undefined;
  const decision = silenced
    ? decideIncident(incident, now, recent, clearLevel(level, settings), 0, { ...settings, repeatIntervalMinutes: Number.POSITIVE_INFINITY })
    : decideIncident(incident, now, recent, clearLevel(level, settings), department.escalationChain.length, settings);
  const surge = silenced ? undefined : decideSurge(incident, recent, settings.surgeFactor);
  if (!decision.changed && surge === undefined) return;
  const lifecycle = surge === undefined ? decision.incident : { ...decision.incident, surgeStep: surge, version: decision.incident.version + (decision.actions.length ? 0 : 1) };
  // What the messages show is the incident as it is now, not as it was when it opened; its peak
  // includes the highest window count these minutes reached (written below before anything is sent).
  const highest = Math.max(...recent.map((r) => r.count));
  const live = await liveIncident({ ...lifecycle, peak: Math.max(lifecycle.peak, highest) }, recent, now, deps);

  const ctx = { category, department, timeZone: deps.config.company.timeZone, base: deps.publicBaseUrl?.(), clearsAt: calmClearsAt(decision.incident, settings) };
  const messages: OutboundMessage[] = [];
  const events: DomainEvent[] = [];
  // Reported only once the messages are out: a run that meets another's live claim did nothing.
  const done: Omit<EvaluateAlertsResult, 'evaluated'> = { reminded: [], escalated: [], resolved: [], surged: [] };
  for (const action of decision.actions) {
    switch (action.kind) {
      case 'reminder':
        messages.push(...renderReminder(live, action.n, ctx, await mintAckLinks(live, `head:${department.head.name}`, department.locale, deps)));
        done.reminded.push(incident.id);
        break;
      case 'escalate':
        {
          const contact = department.escalationChain[action.level - 1];
          const links = contact ? await mintAckLinks(live, `L${action.level}:${contact.role} ${contact.name}`, personLocale(contact, department), deps) : undefined;
          messages.push(...renderEscalation(live, action.level, now, ctx, links));
        }
        events.push(alertEscalatedEvent(live, action.level, department.escalationChain[action.level - 1]?.role, now));
        done.escalated.push({ incidentId: incident.id, level: action.level });
        break;
      case 'resolve':
        messages.push(...renderAllClear(live, settings, ctx));
        events.push(alertResolvedEvent(live));
        done.resolved.push(incident.id);
        break;
    }
  }
  if (surge !== undefined && live.state !== 'resolved') {
    const links = live.state === 'open' ? await mintAckLinks(live, `head:${department.head.name}`, department.locale, deps) : undefined;
    // The count that reached the step: the figure the peak stores.
    messages.push(...renderSurge({ ...live, count: highest }, surge, ctx, links, acknowledgingContact(live, department)));
    done.surged.push({ incidentId: incident.id, step: surge });
  }
  // Every figure a message reports is stored first: a peak the monitor had not written yet (say, more
  // complaints in the minute the incident opened) is raised, conditionally, before anything is sent.
  if (messages.length && highest > incident.peak) await deps.alerts.raisePeak(incident, highest, now);
  try {
    await deliverAlert(messages, category, department, deps);
  } catch (err) {
    // Held by a run that may still be sending: write nothing, so the next run re-decides and takes over once its lease ends.
    if (err instanceof MessageInProgressError) return;
    throw err;
  }
  if (events.length) await deps.events.publish(events);
  await deps.alerts.updateLifecycle(incident, lifecycle);
  result.reminded.push(...done.reminded);
  result.escalated.push(...done.escalated);
  result.resolved.push(...done.resolved);
  result.surged.push(...done.surged);
}

/**
 * The incident with its window count, daily trend and frequent words as they are at `now`: the words
 * of the titles received inside the counting window only (none when nothing it keeps is that recent).
 */
async function liveIncident(incident: AlertIncident, recent: ReadonlyArray<{ count: number }>, now: Date, deps: EvaluateAlertsDeps): Promise<AlertIncident> {
  const count = recent.at(-1)?.count ?? incident.count;
  const hours = await deps.volume.hourlyCounts(incident.category, hourOf(new Date(now.getTime() - 7 * 86_400_000)), hourOf(now));
  const terms = incidentTerms(titlesInWindow(incident.newest, now, incident.windowMinutes), deps.config);
  return { ...incident, count, trend: dailyTrend(hours, now, deps.config.company.timeZone), topTerms: terms };
}

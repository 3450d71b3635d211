/**
 * The alert incident lifecycle: open → acknowledged → resolved, reminders and escalation while
 * nobody owns it, and the all-clear. Pure: the use cases read counts and the clock and hand them in.
 *
 * Timing rules (all from `config.alerting`):
 * - reminder `n` is due `n × repeatIntervalMinutes` after opening, while the incident is open
 *   (unacknowledged); after an outage only the latest due reminder goes out;
 * - escalation level `L` of the department's chain is due `L × escalationDelayMinutes` after opening
 *   and at least one delay after the previous level, while unacknowledged; each level hears once;
 * - the incident resolves once the sliding window count has stayed below the clear level
 *   (`clearFraction` of the alert level) for `clearAfterMinutes`, acknowledged or not; everyone who
 *   was told gets one all-clear.
 */
import type { AdaptiveBaseline } from './adaptive.ts';
import { strongestFired, type ScaleVerdict } from './multi-scale.ts';
import { alertFacts, alertSms, newestRows, type AlertIncident } from './alert.ts';
import type { AckLinks } from './alert-ack.ts';
import { explanationBlocks } from './alert-explanation.ts';
import { personLocale, type AlertingSettings, type Category, type Department, type Locale } from './config.ts';
import { consoleAlertsUrl } from './console-links.ts';
import type { DomainEvent } from './events.ts';
import { action, emailFor, p, smsFor, strong, topicFor, ul, type Block } from './message-render.ts';
import type { OutboundMessage } from './messages.ts';
import { roleName } from './names.ts';
import { alertTexts, windowText } from './templates/alert.ts';
import { formatDuration, formatNamedTime, MINUTE_MS, minuteFloor } from './time.ts';

export type DetectorSetting = 'static' | 'adaptive' | 'both';

/** What the configured detectors say about one window count. */
export interface Detection {
  readonly fired: boolean;
  /** Which detector(s) fired; undefined when none did. */
  readonly detector?: 'static' | 'adaptive' | 'both';
  /** The lowest count at which a configured detector fires now (the alert level the clear level derives from). */
  readonly level: number;
}

/**
 * Applies the category's detector setting. `adaptive` without enough history falls back to the
 * static threshold, so a new deployment is never unguarded.
 */
export function detect(setting: DetectorSetting, count: number, threshold: number, baseline: AdaptiveBaseline | undefined): Detection {
  const useStatic = setting !== 'adaptive' || baseline === undefined;
  const useAdaptive = setting !== 'static' && baseline !== undefined;
  const staticFired = useStatic && count >= threshold;
  const adaptiveFired = useAdaptive && count >= baseline.bound;
  const levels = [...(useStatic ? [threshold] : []), ...(useAdaptive ? [baseline.bound] : [])];
  const level = Math.min(...levels);
  const detector = staticFired && adaptiveFired ? 'both' : staticFired ? 'static' : adaptiveFired ? 'adaptive' : undefined;
  return detector ? { fired: true, detector, level } : { fired: false, level };
}

/** What the detectors say when the multi-scale detector is in use. */
export interface ScaleDetection extends Detection {
  /** The scale that fired furthest above its bound, when the adaptive side fired. */
  readonly verdict?: ScaleVerdict;
}

/**
 * The category's detector setting over the multi-scale verdicts: the static threshold judges the
 * short window count; the adaptive side fires when any scale reaches its bound. Without enough
 * history (`verdicts` undefined) only the static threshold applies, as with {@link detect}.
 */
export function detectScales(setting: DetectorSetting, shortCount: number, threshold: number, verdicts: readonly ScaleVerdict[] | undefined): ScaleDetection {
  const useStatic = setting !== 'adaptive' || verdicts === undefined;
  const useAdaptive = setting !== 'static' && verdicts !== undefined;
  const staticFired = useStatic && shortCount >= threshold;
  const verdict = useAdaptive ? strongestFired(verdicts) : undefined;
  const shortBound = useAdaptive ? verdicts.find((v) => v.scale === 'short' || v.windowMinutes === 1440)?.bound : undefined;
  const levels = [...(useStatic ? [threshold] : []), ...(shortBound !== undefined ? [shortBound] : [])];
  const level = levels.length ? Math.min(...levels) : threshold;
  const detector = staticFired && verdict ? 'both' : staticFired ? 'static' : verdict ? 'adaptive' : undefined;
  return detector ? { fired: true, detector, level, ...(verdict && { verdict }) } : { fired: false, level };
}

/** The count below which an incident counts as calm (hysteresis below the alert level). */
export function clearLevel(alertLevel: number, settings: Pick<AlertingSettings, 'clearFraction'>): number {
  return alertLevel * settings.clearFraction;
}

/** A sliding window count as of the end of one minute. */
export interface MinuteCount {
  /** ISO start of the minute. */
  readonly minute: string;
  readonly count: number;
}

/**
 * The sliding window count at every minute from `from` to `to` (ISO minute starts, inclusive),
 * each summing the `windowMinutes` minute buckets ending with it.
 * @param buckets per-minute counts, any order; they must cover `from − windowMinutes + 1` … `to`
 */
export function slidingCounts(
  buckets: ReadonlyArray<{ bucket: string; count: number }>,
  from: string,
  to: string,
  windowMinutes: number,
): MinuteCount[] {
  const points = buckets.map((b) => ({ t: Date.parse(b.bucket), count: b.count })).sort((x, y) => x.t - y.t);
  const span = windowMinutes * MINUTE_MS;
  let sum = 0;
  let added = 0;
  let dropped = 0;
  const out: MinuteCount[] = [];
  for (let m = Date.parse(from), end = Date.parse(to); m <= end; m += MINUTE_MS) {
    for (; added < points.length && points[added]!.t <= m; added++) sum += points[added]!.count;
    for (; dropped < points.length && points[dropped]!.t <= m - span; dropped++) sum -= points[dropped]!.count;
    out.push({ minute: new Date(m).toISOString(), count: sum });
  }
  return out;
}

/**
 * The minutes the evaluator should look at now: those after the last one it checked, but no further
 * back than the clear duration (older minutes cannot change the decision).
 */
export function minutesToCheck(incident: AlertIncident, now: Date, settings: Pick<AlertingSettings, 'clearAfterMinutes'>): { from: string; to: string } | undefined {
  const to = minuteFloor(now).getTime();
  const after = incident.checkedThrough ? Date.parse(incident.checkedThrough) + MINUTE_MS : minuteFloor(new Date(incident.openedAt)).getTime();
  const from = Math.max(after, to - settings.clearAfterMinutes * MINUTE_MS);
  return from > to ? undefined : { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

export type IncidentAction =
  | { readonly kind: 'reminder'; readonly n: number }
  | { readonly kind: 'escalate'; readonly level: number }
  | { readonly kind: 'resolve' };

export interface IncidentDecision {
  /** The incident after this evaluation (unchanged fields kept). */
  readonly incident: AlertIncident;
  readonly actions: IncidentAction[];
  /** Whether anything about the incident changed and must be written. */
  readonly changed: boolean;
}

/**
 * Decides what an evaluation at `now` does to an open or acknowledged incident.
 * @param recent sliding window counts for the minutes {@link minutesToCheck} named, oldest first
 * @param clear the clear level in force now
 * @param chainLength levels in the department's escalation chain
 */
export function decideIncident(
  incident: AlertIncident,
  now: Date,
  recent: readonly MinuteCount[],
  clear: number,
  chainLength: number,
  settings: Pick<AlertingSettings, 'repeatIntervalMinutes' | 'escalationDelayMinutes' | 'clearAfterMinutes'>,
): IncidentDecision {
  if (incident.state === 'resolved') return { incident, actions: [], changed: false };
  let belowSince = calmSinceBefore(incident, recent);
  for (const r of recent) belowSince = calmSince(belowSince, r, clear);
  const last = recent.at(-1);
  let next: AlertIncident = { ...incident, checkedThrough: last?.minute ?? incident.checkedThrough };
  if (belowSince === undefined) delete next.belowSince;
  else next.belowSince = belowSince;
  if (last && belowSince !== undefined) {
    // The calm period ends with the last minute checked.
    const calmMinutes = (Date.parse(last.minute) - Date.parse(belowSince)) / MINUTE_MS + 1;
    if (calmMinutes >= settings.clearAfterMinutes) {
      next = { ...next, state: 'resolved', resolvedAt: now.toISOString() };
      return { incident: bump(next), actions: [{ kind: 'resolve' }], changed: true };
    }
  }
  const actions: IncidentAction[] = [];
  if (incident.state === 'open') {
    const reminderAt = nextReminderAt(incident, settings);
    if (reminderAt !== undefined && now.getTime() >= reminderAt) {
      // After an outage only the latest due reminder goes out.
      const due = Math.floor((now.getTime() - Date.parse(incident.openedAt)) / (settings.repeatIntervalMinutes * MINUTE_MS));
      actions.push({ kind: 'reminder', n: due });
      next = { ...next, remindersSent: due };
    }
    const escalation = nextEscalation(incident, chainLength, settings);
    if (escalation && now.getTime() >= escalation.at) {
      actions.push({ kind: 'escalate', level: escalation.level });
      next = { ...next, escalationLevel: escalation.level, escalatedAt: now.toISOString() };
    }
  }
  const changed =
    actions.length > 0 || next.checkedThrough !== incident.checkedThrough || next.belowSince !== incident.belowSince;
  return { incident: actions.length ? bump(next) : next, actions, changed };
}

/**
 * The start of the calm period carried into an evaluation of `recent`: the incident's, when `recent`
 * follows on from the last minute checked. A gap (first evaluation, or minutes skipped as too old to
 * matter) restarts it.
 */
function calmSinceBefore(incident: AlertIncident, recent: readonly MinuteCount[]): string | undefined {
  const first = recent[0];
  const contiguous =
    first === undefined ||
    (incident.checkedThrough !== undefined && Date.parse(first.minute) === Date.parse(incident.checkedThrough) + MINUTE_MS);
  return contiguous ? incident.belowSince : undefined;
}

/** The calm period's start after one more minute: none when that minute is at or over the clear level. */
function calmSince(belowSince: string | undefined, minute: MinuteCount, clear: number): string | undefined {
  return minute.count >= clear ? undefined : (belowSince ?? minute.minute);
}

/** When the next reminder of an unacknowledged incident is due (epoch ms); none once acknowledged. */
export function nextReminderAt(incident: AlertIncident, settings: Pick<AlertingSettings, 'repeatIntervalMinutes'>): number | undefined {
  if (incident.state !== 'open' || !Number.isFinite(settings.repeatIntervalMinutes)) return undefined;
  return Date.parse(incident.openedAt) + (incident.remindersSent + 1) * settings.repeatIntervalMinutes * MINUTE_MS;
}

/**
 * The next escalation level of an unacknowledged incident and when it is due (epoch ms): `L` delays
 * after opening and at least one delay after the previous level; none past the chain's end.
 */
export function nextEscalation(
  incident: AlertIncident,
  chainLength: number,
  settings: Pick<AlertingSettings, 'escalationDelayMinutes'>,
): { readonly level: number; readonly at: number } | undefined {
  const level = incident.escalationLevel + 1;
  if (incident.state !== 'open' || level > chainLength) return undefined;
  const delay = settings.escalationDelayMinutes * MINUTE_MS;
  return { level, at: Math.max(Date.parse(incident.openedAt) + level * delay, incident.escalatedAt ? Date.parse(incident.escalatedAt) + delay : 0) };
}

/**
 * When an evaluation of an open or acknowledged incident would next act (epoch ms, at least `now`),
 * provided nothing is written meanwhile (no complaint counted, no acknowledge, no change of settings
 * or silence); undefined when it never would. The earliest of:
 * - now, when the minutes not yet checked hold a "getting worse" step not yet told;
 * - the all-clear: the first minute, from the current one on, at whose end the calm period reaches
 *   `clearAfterMinutes`;
 * - the next reminder and the next escalation level while nobody has acknowledged.
 *
 * Evaluations before that time send nothing: they only move `checkedThrough` and `belowSince`. An
 * evaluation that comes later instead checks the longer range at once and decides the same: the calm
 * period's start is that of the last run of calm minutes either way, and when minutes are skipped as
 * too old to matter (more than `clearAfterMinutes` back) the restarted period still reaches the
 * clear duration exactly when the whole one does. Without new complaints the window count never rises
 * again (no minute ahead holds a complaint yet), so a surge can only be in the minutes up to now.
 * The local scheduler skips the evaluator's runs before this time (functions/local/scheduler.ts).
 * @param recent sliding window counts of the static threshold's window from {@link minutesToCheck}'s
 *   `from` (or the minute after the last one checked) to a minute by which the counts have fallen to
 *   zero and stayed there for `clearAfterMinutes`
 * @param clear the clear level in force now (a static threshold's: it does not move with time)
 */
export function nextIncidentActionAt(
  incident: AlertIncident,
  now: Date,
  recent: readonly MinuteCount[],
  clear: number,
  chainLength: number,
  settings: Pick<AlertingSettings, 'repeatIntervalMinutes' | 'escalationDelayMinutes' | 'clearAfterMinutes' | 'surgeFactor'>,
): number | undefined {
  if (incident.state === 'resolved') return undefined;
  const nowMs = now.getTime();
  const nowMinute = minuteFloor(now).getTime();
  if (decideSurge(incident, recent.filter((r) => Date.parse(r.minute) <= nowMinute), settings.surgeFactor) !== undefined) return nowMs;
  const times: number[] = [];
  let belowSince = calmSinceBefore(incident, recent);
  for (const r of recent) {
    belowSince = calmSince(belowSince, r, clear);
    const minute = Date.parse(r.minute);
    if (minute < nowMinute || belowSince === undefined) continue;
    if ((minute - Date.parse(belowSince)) / MINUTE_MS + 1 >= settings.clearAfterMinutes) {
      times.push(Math.max(minute, nowMs));
      break;
    }
  }
  const reminderAt = nextReminderAt(incident, settings);
  if (reminderAt !== undefined) times.push(reminderAt);
  const escalation = nextEscalation(incident, chainLength, settings);
  if (escalation) times.push(escalation.at);
  return times.length ? Math.max(nowMs, Math.min(...times)) : undefined;
}

/**
 * When a calm incident resolves if its count stays below the clear level: the minute whose end
 * completes `clearAfterMinutes` calm minutes, as {@link decideIncident} counts them (the evaluator's
 * first run from then on sends the all-clear); undefined while the count is not below the clear level.
 */
export function calmClearsAt(incident: Pick<AlertIncident, 'state' | 'belowSince'>, settings: Pick<AlertingSettings, 'clearAfterMinutes'>): Date | undefined {
  if (incident.state === 'resolved' || incident.belowSince === undefined) return undefined;
  return new Date(Date.parse(incident.belowSince) + (settings.clearAfterMinutes - 1) * MINUTE_MS);
}

function bump(incident: AlertIncident): AlertIncident {
  return { ...incident, version: incident.version + 1 };
}

/**
 * Acknowledges an open incident: no more reminders or escalations; the all-clear still comes.
 * @returns the incident unchanged when it is not open
 */
export function acknowledgeIncident(incident: AlertIncident, by: string, now: Date): AlertIncident {
  if (incident.state !== 'open') return incident;
  return bump({ ...incident, state: 'acknowledged', acknowledgedAt: now.toISOString(), acknowledgedBy: by });
}

interface RenderContext {
  readonly category: Category;
  readonly department: Department;
  readonly timeZone: string;
  /** Public base URL, for the console link when there is nothing to acknowledge. */
  readonly base?: string | undefined;
  /** When the incident resolves if its count stays low (see {@link calmClearsAt}); absent while it is not calm. */
  readonly clearsAt?: Date | undefined;
}

/**
 * What a reminder or escalation says about the incident after its opening sentence: the count at
 * opening, the peak and the count now, whether volume is back under the level and when it then
 * closes, why it alerted, and the newest complaints.
 */
function stateBlocks(incident: AlertIncident, ctx: RenderContext, locale: Locale): Block[] {
  const t = alertTexts[locale];
  const facts = alertFacts(incident, ctx.category, locale, ctx.timeZone);
  return [
    p(t.figures(facts)),
    ...(ctx.clearsAt ? [p(strong(t.calm(formatNamedTime(ctx.clearsAt, ctx.timeZone, locale))))] : []),
    ...explanationBlocks(incident, locale),
    p(t.newest),
    ul(newestRows(incident, locale)),
  ];
}

/** The one link to act: acknowledge while the incident is open, else the console's alert list. */
function actBlocks(locale: Locale, links: AckLinks | undefined, base: string | undefined): Block[] {
  const t = alertTexts[locale];
  if (links) return [action(t.ackLabel, links.email)];
  return base ? [action(t.consoleLabel, consoleAlertsUrl(base))] : [];
}

function actSms(locale: Locale, links: AckLinks | undefined, base: string | undefined): string {
  const t = alertTexts[locale];
  if (links) return t.smsAck(links.sms);
  return base ? t.smsOpen(consoleAlertsUrl(base)) : '';
}

/**
 * Reminder `n` of an unacknowledged incident: email to the head and the department topic (SMS). The
 * incident passed in carries the window count, trend and frequent words at send time.
 */
export function renderReminder(incident: AlertIncident, n: number, ctx: RenderContext, links?: AckLinks): OutboundMessage[] {
  const email = (locale: Locale) => {
    const t = alertTexts[locale];
    const facts = alertFacts(incident, ctx.category, locale, ctx.timeZone);
    const blocks: Block[] = [p(t.hello(ctx.department.head.name)), p(strong(t.reminderBody(facts))), ...stateBlocks(incident, ctx, locale), p(t.incidentLine(incident.id, facts.since)), ...actBlocks(locale, links, ctx.base)];
    return emailFor({ id: `${incident.id}:reminder:${n}:email`, kind: 'alert', to: ctx.department.head.email, locale, subject: t.reminderSubject(facts, n), blocks, alertId: incident.id });
  };
  // The head's email in the head's language; the department topic's SMS in the department's.
  const locale = ctx.department.locale;
  const t = alertTexts[locale];
  const facts = alertFacts(incident, ctx.category, locale, ctx.timeZone);
  const subject = t.reminderSubject(facts, n);
  const sms = `${t.sms(subject)}${t.smsFigures(facts, ctx.clearsAt !== undefined)}`;
  return [
    email(personLocale(ctx.department.head, ctx.department)),
    // Reminders held overnight go as one in the morning: the latest.
    { ...topicFor({ id: `${incident.id}:reminder:${n}:topic`, kind: 'alert', department: ctx.department.id, subject, locale, text: alertSms(sms, actSms(locale, links, ctx.base)), alertId: incident.id }), collapseKey: `${incident.id}:reminder` },
  ];
}

/** Escalation to level `level` (1-based) of the department's chain: email and SMS to that person, with the current count. */
export function renderEscalation(incident: AlertIncident, level: number, now: Date, ctx: RenderContext, links?: AckLinks): OutboundMessage[] {
  const contact = ctx.department.escalationChain[level - 1];
  if (!contact) return [];
  const locale = personLocale(contact, ctx.department);
  const t = alertTexts[locale];
  const facts = alertFacts(incident, ctx.category, locale, ctx.timeZone);
  const unacknowledgedFor = formatDuration(now.getTime() - Date.parse(incident.openedAt), locale);
  const role = roleName(contact, locale);
  const subject = t.escalationSubject(facts, level);
  const blocks: Block[] = [p(t.hello(contact.name, role)), p(strong(t.escalationBody(facts, unacknowledgedFor, role))), ...stateBlocks(incident, ctx, locale), p(t.incidentLine(incident.id, facts.since)), ...actBlocks(locale, links, ctx.base)];
  const sms = `${t.sms(subject)}${t.smsFigures(facts, ctx.clearsAt !== undefined)}`;
  return [
    emailFor({ id: `${incident.id}:escalation:${level}:email`, kind: 'alert_escalation', to: contact.email, locale, subject, blocks, alertId: incident.id }),
    smsFor({ id: `${incident.id}:escalation:${level}:sms`, kind: 'alert_escalation', to: contact.phone, locale, text: alertSms(sms, actSms(locale, links, ctx.base)), alertId: incident.id }),
  ];
}

/**
 * One all-clear to everyone who was told: the head by email, the department topic (the head's
 * phone and extra subscribers), and each escalation level reached, by email and SMS, each address once.
 * It says when the incident opened and closed, how long it lasted, the count at opening and the peak,
 * who acknowledged it (or that nobody did), and links to the console's alert list.
 */
export function renderAllClear(incident: AlertIncident, settings: Pick<AlertingSettings, 'clearAfterMinutes'>, ctx: RenderContext): OutboundMessage[] {
  // Each person in their language; the department topic in the department's.
  const closedAt = new Date(incident.resolvedAt ?? incident.updatedAt);
  const owner = ownerOf(incident, ctx.department);
  const said = (locale: Locale) => {
    const t = alertTexts[locale];
    const facts = alertFacts(incident, ctx.category, locale, ctx.timeZone);
    const subject = t.resolvedSubject(facts);
    const body: Block[] = [
      p(strong(t.resolvedBody(facts, windowText(settings.clearAfterMinutes, locale)))),
      p(t.resolvedFacts(facts, formatNamedTime(closedAt, ctx.timeZone, locale), formatDuration(closedAt.getTime() - Date.parse(incident.openedAt), locale))),
      p(t.resolvedOwner(owner === undefined ? undefined : { name: owner, at: formatNamedTime(new Date(incident.acknowledgedAt ?? closedAt), ctx.timeZone, locale) })),
      p(t.incidentLine(incident.id, facts.since)),
      // Nothing to acknowledge any more: the one link is the console's alert list.
      ...actBlocks(locale, undefined, ctx.base),
    ];
    return { t, subject, body, sms: alertSms(t.sms(subject), actSms(locale, undefined, ctx.base)) };
  };
  const head = ctx.department.head;
  const out: OutboundMessage[] = [];
  const emails = new Set<string>();
  const phones = new Set<string>([head.phone]);
  const addEmail = (person: Pick<Department['head'], 'email' | 'name' | 'locale'>) => {
    if (emails.has(person.email)) return;
    emails.add(person.email);
    const locale = personLocale(person, ctx.department);
    const { t, subject, body } = said(locale);
    out.push(emailFor({ id: `${incident.id}:resolved:email:${person.email}`, kind: 'alert_resolved', to: person.email, locale, subject, blocks: [p(t.hello(person.name)), ...body], alertId: incident.id }));
  };
  addEmail(head);
  const topic = said(ctx.department.locale);
  out.push(topicFor({ id: `${incident.id}:resolved:topic`, kind: 'alert_resolved', department: ctx.department.id, subject: topic.subject, locale: ctx.department.locale, text: topic.sms, alertId: incident.id }));
  for (const contact of ctx.department.escalationChain.slice(0, incident.escalationLevel)) {
    addEmail(contact);
    if (phones.has(contact.phone)) continue;
    phones.add(contact.phone);
    const locale = personLocale(contact, ctx.department);
    out.push(smsFor({ id: `${incident.id}:resolved:sms:${contact.phone}`, kind: 'alert_resolved', to: contact.phone, locale, text: said(locale).sms, alertId: incident.id }));
  }
  return out;
}

/**
 * The "getting worse" step an incident has reached: 0 below `factor` × its count at opening, then
 * 1, 2, 3… at `factor`, 2 × `factor`, 4 × `factor`… times that count.
 */
export function surgeStepOf(countAtOpen: number, count: number, factor: number): number {
  const base = Math.max(1, countAtOpen);
  let step = 0;
  for (let level = base * factor; count >= level; level *= 2) step += 1;
  return step;
}

/**
 * A surge inside an open or acknowledged incident: the step reached by the highest window count
 * seen, when it is beyond the steps already told. Silenced or resolved incidents never surge.
 */
export function decideSurge(incident: AlertIncident, counts: readonly MinuteCount[], factor: number): number | undefined {
  if (incident.state === 'resolved' || !counts.length) return undefined;
  const highest = Math.max(...counts.map((c) => c.count));
  const step = surgeStepOf(incident.countAtOpen, highest, factor);
  return step > incident.surgeStep ? step : undefined;
}

/**
 * "It is getting worse": one message per step to the head (email and the department topic) and,
 * when someone acknowledged it, to that owner too (email and SMS, unless the owner is the head).
 * The incident passed in carries the count, trend and frequent words now.
 * @param owner the escalation-chain person who acknowledged, if not the head
 */
export function renderSurge(incident: AlertIncident, step: number, ctx: RenderContext, links?: AckLinks, owner?: Department['escalationChain'][number]): OutboundMessage[] {
  const said = (locale: Locale) => {
    const t = alertTexts[locale];
    const facts = alertFacts(incident, ctx.category, locale, ctx.timeZone);
    const ratio = (incident.count / Math.max(1, incident.countAtOpen)).toFixed(1);
    const ownerName = incident.state === 'acknowledged' ? ownerOf(incident, ctx.department) : undefined;
    const body = t.surgeBody(facts, incident.countAtOpen, ratio, ownerName);
    const blocks = (who: string, role?: string): Block[] => [
      p(t.hello(who, role)),
      p(strong(body)),
      ...explanationBlocks(incident, locale),
      p(t.newest),
      ul(newestRows(incident, locale)),
      p(t.incidentLine(incident.id, facts.since)),
      ...actBlocks(locale, links, ctx.base),
    ];
    return { subject: t.surgeSubject(facts, ratio), smsText: alertSms(t.surgeSms(facts, incident.countAtOpen, ratio), actSms(locale, links, ctx.base)), blocks };
  };
  const head = ctx.department.head;
  const headLocale = personLocale(head, ctx.department);
  const topic = said(ctx.department.locale);
  const out: OutboundMessage[] = [
    emailFor({ id: `${incident.id}:surge:${step}:email:${head.email}`, kind: 'alert', to: head.email, locale: headLocale, subject: said(headLocale).subject, blocks: said(headLocale).blocks(head.name), alertId: incident.id }),
    topicFor({ id: `${incident.id}:surge:${step}:topic`, kind: 'alert', department: ctx.department.id, subject: topic.subject, locale: ctx.department.locale, text: topic.smsText, alertId: incident.id }),
  ];
  if (owner && owner.email !== head.email) {
    const locale = personLocale(owner, ctx.department);
    const theirs = said(locale);
    out.push(emailFor({ id: `${incident.id}:surge:${step}:email:${owner.email}`, kind: 'alert', to: owner.email, locale, subject: theirs.subject, blocks: theirs.blocks(owner.name, roleName(owner, locale)), alertId: incident.id }));
    if (owner.phone !== head.phone) out.push(smsFor({ id: `${incident.id}:surge:${step}:sms:${owner.phone}`, kind: 'alert', to: owner.phone, locale, text: theirs.smsText, alertId: incident.id }));
  }
  return out;
}

/** `acknowledgedBy` is `head:<name>` or `L<n>:<role> <name>`: the person's name. */
function ownerOf(incident: AlertIncident, department: Department): string | undefined {
  const by = incident.acknowledgedBy;
  if (!by) return undefined;
  if (by.startsWith('head:')) return by.slice('head:'.length);
  return acknowledgingContact(incident, department)?.name ?? by.replace(/^L\d+:/, '');
}

/** The escalation-chain person who acknowledged (`L<n>:…`), if any. */
export function acknowledgingContact(incident: AlertIncident, department: Department): Department['escalationChain'][number] | undefined {
  const level = /^L(\d+):/.exec(incident.acknowledgedBy ?? '')?.[1];
  return level ? department.escalationChain[Number(level) - 1] : undefined;
}

export function alertEscalatedEvent(incident: AlertIncident, level: number, role: string | undefined, at: Date): DomainEvent {
  return {
    type: 'alert.escalated',
    id: `${incident.id}:escalated:${level}`,
    time: at.toISOString(),
    detail: { incidentId: incident.id, category: incident.category, department: incident.department, level, role: role ?? null, escalatedAt: at.toISOString() },
  };
}

export function alertResolvedEvent(incident: AlertIncident): DomainEvent {
  const resolvedAt = incident.resolvedAt ?? incident.updatedAt;
  return {
    type: 'alert.resolved',
    id: `${incident.id}:resolved`,
    time: resolvedAt,
    detail: {
      incidentId: incident.id,
      category: incident.category,
      department: incident.department,
      detector: incident.detector,
      openedAt: incident.openedAt,
      resolvedAt,
      peak: incident.peak,
      acknowledged: incident.acknowledgedAt !== undefined,
    },
  };
}

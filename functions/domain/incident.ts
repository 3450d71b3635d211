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
import type { AlertIncident } from './alert.ts';
import { ackLinkLine, ackSmsSuffix, type AckLinks } from './alert-ack.ts';
import { explanationText } from './alert-explanation.ts';
import type { AlertingSettings, Category, Department, Locale } from './config.ts';
import { escapeHtml } from './escape.ts';
import type { DomainEvent } from './events.ts';
import type { EmailMessage, OutboundMessage, SmsMessage, TopicMessage } from './messages.ts';
import { MINUTE_MS, formatLocalTime, minuteFloor } from './time.ts';

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
  const first = recent[0];
  const contiguous =
    first === undefined ||
    (incident.checkedThrough !== undefined && Date.parse(first.minute) === Date.parse(incident.checkedThrough) + MINUTE_MS);
  // A gap (first evaluation, or minutes skipped as too old to matter) restarts the calm period.
  let belowSince = contiguous ? incident.belowSince : undefined;
  for (const r of recent) {
    if (r.count >= clear) belowSince = undefined;
    else belowSince ??= r.minute;
  }
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
    const opened = Date.parse(incident.openedAt);
    const elapsed = now.getTime() - opened;
    const due = Math.floor(elapsed / (settings.repeatIntervalMinutes * MINUTE_MS));
    if (due > incident.remindersSent) {
      actions.push({ kind: 'reminder', n: due });
      next = { ...next, remindersSent: due };
    }
    const level = incident.escalationLevel + 1;
    if (level <= chainLength) {
      const delay = settings.escalationDelayMinutes * MINUTE_MS;
      const dueAt = Math.max(opened + level * delay, incident.escalatedAt ? Date.parse(incident.escalatedAt) + delay : 0);
      if (now.getTime() >= dueAt) {
        actions.push({ kind: 'escalate', level });
        next = { ...next, escalationLevel: level, escalatedAt: now.toISOString() };
      }
    }
  }
  const changed =
    actions.length > 0 || next.checkedThrough !== incident.checkedThrough || next.belowSince !== incident.belowSince;
  return { incident: actions.length ? bump(next) : next, actions, changed };
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

const TEXT = {
  'zh-CN': {
    reminderSubject: (name: string, n: number) => `【投诉预警·提醒${n}】${name}：预警仍未确认`,
    reminderBody: (name: string, id: string, since: string) => `“${name}”预警（编号 ${id}，${since} 开始）仍未有人确认处理。`,
    escalationSubject: (name: string, level: number) => `【投诉预警·升级 L${level}】${name}：预警未被确认`,
    escalationBody: (name: string, id: string, since: string, minutes: number, role: string) =>
      `“${name}”预警（编号 ${id}，${since} 开始）已 ${minutes} 分钟无人确认，现升级至您（${role}）。`,
    resolvedSubject: (name: string) => `【投诉预警·已解除】${name}`,
    resolvedBody: (name: string, id: string, since: string, peak: number, minutes: number) =>
      `“${name}”预警（编号 ${id}，${since} 开始）已解除：投诉量已连续 ${minutes} 分钟回落至预警线以下。峰值 ${peak} 起。`,
    sms: (subject: string, id: string) => `${subject}。编号${id}，详情见邮件。`,
    hello: (who: string) => `${who}，您好：`,
  },
  en: {
    reminderSubject: (name: string, n: number) => `[Complaint alert · reminder ${n}] ${name}: still unacknowledged`,
    reminderBody: (name: string, id: string, since: string) => `The "${name}" alert (incident ${id}, since ${since}) has not been acknowledged yet.`,
    escalationSubject: (name: string, level: number) => `[Complaint alert · escalation L${level}] ${name}: unacknowledged`,
    escalationBody: (name: string, id: string, since: string, minutes: number, role: string) =>
      `The "${name}" alert (incident ${id}, since ${since}) has gone unacknowledged for ${minutes} minutes and is escalated to you (${role}).`,
    resolvedSubject: (name: string) => `[Complaint alert · all clear] ${name}`,
    resolvedBody: (name: string, id: string, since: string, peak: number, minutes: number) =>
      `The "${name}" alert (incident ${id}, since ${since}) is resolved: volume has stayed below the alert level for ${minutes} minutes. Peak: ${peak}.`,
    sms: (subject: string, id: string) => `${subject}. Incident ${id}; details by email.`,
    hello: (who: string) => `Hello ${who},`,
  },
} satisfies Record<Locale, unknown>;

interface RenderContext {
  readonly category: Category;
  readonly department: Department;
  readonly timeZone: string;
}

function email(id: string, kind: EmailMessage['kind'], to: string, subject: string, lines: readonly string[], alertId: string): EmailMessage {
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    ...lines.map((l) => (l === '' ? '' : `<p>${escapeHtml(l)}</p>`)),
    '</body></html>',
  ].join('');
  return { id, kind, channel: 'email', to, subject, text: lines.join('\n'), html, alertId };
}

/** Reminder `n` of an unacknowledged incident: email to the head and the department topic (SMS). */
export function renderReminder(incident: AlertIncident, n: number, ctx: RenderContext, links?: AckLinks): OutboundMessage[] {
  const locale = ctx.department.locale;
  const t = TEXT[locale];
  const name = ctx.category.name[locale];
  const since = formatLocalTime(new Date(incident.openedAt), ctx.timeZone, locale);
  const subject = t.reminderSubject(name, n);
  const lines = [t.hello(ctx.department.head.name), '', t.reminderBody(name, incident.id, since), '', ...explanationText(incident, locale), ...(links ? ['', ackLinkLine(locale, links.email)] : [])];
  const topic: TopicMessage = {
    id: `${incident.id}:reminder:${n}:topic`,
    kind: 'alert',
    channel: 'topic',
    department: ctx.department.id,
    subject,
    text: t.sms(subject, incident.id) + (links ? ackSmsSuffix(locale, links.sms) : ''),
    alertId: incident.id,
  };
  return [email(`${incident.id}:reminder:${n}:email`, 'alert', ctx.department.head.email, subject, lines, incident.id), topic];
}

/** Escalation to level `level` (1-based) of the department's chain: email and SMS to that person. */
export function renderEscalation(incident: AlertIncident, level: number, now: Date, ctx: RenderContext, links?: AckLinks): OutboundMessage[] {
  const contact = ctx.department.escalationChain[level - 1];
  if (!contact) return [];
  const locale = ctx.department.locale;
  const t = TEXT[locale];
  const name = ctx.category.name[locale];
  const since = formatLocalTime(new Date(incident.openedAt), ctx.timeZone, locale);
  const minutes = Math.round((now.getTime() - Date.parse(incident.openedAt)) / MINUTE_MS);
  const subject = t.escalationSubject(name, level);
  const lines = [
    t.hello(contact.name),
    '',
    t.escalationBody(name, incident.id, since, minutes, contact.role),
    '',
    ...explanationText(incident, locale),
    ...(links ? ['', ackLinkLine(locale, links.email)] : []),
  ];
  const sms: SmsMessage = {
    id: `${incident.id}:escalation:${level}:sms`,
    kind: 'alert_escalation',
    channel: 'sms',
    to: contact.phone,
    text: t.sms(subject, incident.id) + (links ? ackSmsSuffix(locale, links.sms) : ''),
    alertId: incident.id,
  };
  return [email(`${incident.id}:escalation:${level}:email`, 'alert_escalation', contact.email, subject, lines, incident.id), sms];
}

/**
 * One all-clear to everyone who was told: the head by email, the department topic (the head's
 * phone and extra subscribers), and each escalation level reached, by email and SMS, each address once.
 */
export function renderAllClear(incident: AlertIncident, settings: Pick<AlertingSettings, 'clearAfterMinutes'>, ctx: RenderContext): OutboundMessage[] {
  const locale = ctx.department.locale;
  const t = TEXT[locale];
  const name = ctx.category.name[locale];
  const since = formatLocalTime(new Date(incident.openedAt), ctx.timeZone, locale);
  const subject = t.resolvedSubject(name);
  const body = t.resolvedBody(name, incident.id, since, incident.peak, settings.clearAfterMinutes);
  const head = ctx.department.head;
  const out: OutboundMessage[] = [];
  const emails = new Set<string>();
  const phones = new Set<string>([head.phone]);
  const addEmail = (to: string, who: string) => {
    if (emails.has(to)) return;
    emails.add(to);
    out.push(email(`${incident.id}:resolved:email:${to}`, 'alert_resolved', to, subject, [t.hello(who), '', body], incident.id));
  };
  addEmail(head.email, head.name);
  out.push({
    id: `${incident.id}:resolved:topic`,
    kind: 'alert_resolved',
    channel: 'topic',
    department: ctx.department.id,
    subject,
    text: t.sms(subject, incident.id),
    alertId: incident.id,
  });
  for (const contact of ctx.department.escalationChain.slice(0, incident.escalationLevel)) {
    addEmail(contact.email, contact.name);
    if (phones.has(contact.phone)) continue;
    phones.add(contact.phone);
    out.push({ id: `${incident.id}:resolved:sms:${contact.phone}`, kind: 'alert_resolved', channel: 'sms', to: contact.phone, text: t.sms(subject, incident.id), alertId: incident.id });
  }
  return out;
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

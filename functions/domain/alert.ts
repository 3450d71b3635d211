import { z } from 'zod';
import type { Category, Department, Locale } from './config.ts';
import type { ScaleId } from './multi-scale.ts';
import { escapeHtml, truncate } from './escape.ts';
import { formatLocalTime } from './time.ts';
import type { AlertRaisedDetail, DomainEvent } from './events.ts';
import type { EmailMessage, OutboundMessage, TopicMessage } from './messages.ts';
import { explanationHtml, explanationText } from './alert-explanation.ts';
import { ackLinkLine, ackSmsSuffix, type AckLinks } from './alert-ack.ts';

export const AlertIncidentSchema = z.object({
  id: z.string(),
  category: z.string(),
  department: z.string(),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  /** Which detector fired when the incident opened (`both`: both did). */
  detector: z.enum(['static', 'adaptive', 'both']),
  openedAt: z.string(),
  windowMinutes: z.number().int(),
  threshold: z.number().int(),
  /** Adaptive expectation and bound for the window when the incident opened, when there was enough history. */
  expected: z.number().optional(),
  bound: z.number().int().optional(),
  /**
   * Which scale of the multi-scale detector fired (`short`: the configured window, `day`, `week`);
   * absent when the static threshold or the weekly median fired. `windowMinutes` is that scale's window.
   */
  scale: z.enum(['short', 'day', 'week']).optional(),
  /** Every scale's count, expectation and bound when the incident opened (multi-scale detector). */
  scales: z
    .array(
      z.object({
        scale: z.enum(['short', 'day', 'week']),
        windowMinutes: z.number().int(),
        count: z.number().int(),
        expected: z.number(),
        bound: z.number().int(),
        fired: z.boolean(),
      }),
    )
    .optional(),
  /** Window count when the incident opened. */
  countAtOpen: z.number().int(),
  /** Latest evaluated window count. */
  count: z.number().int(),
  peak: z.number().int(),
  newestTitles: z.array(z.string()),
  /** Most frequent words among the newest titles when it opened. */
  topTerms: z.array(z.object({ term: z.string(), count: z.number().int() })).default([]),
  /** Complaints per local day over the week before it opened, oldest first. */
  trend: z.array(z.object({ day: z.string(), count: z.number().int() })).default([]),
  /** When count, peak and titles were last written. */
  updatedAt: z.string(),
  notifiedAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: z.string().optional(),
  /** Reminders sent so far (reminder n is due n repeat intervals after opening). */
  remindersSent: z.number().int().default(0),
  /** Escalation-chain levels notified so far, and when the last one was. */
  escalationLevel: z.number().int().default(0),
  escalatedAt: z.string().optional(),
  /** Since when (minute) the window count has stayed below the clear level; absent while it has not. */
  belowSince: z.string().optional(),
  /** The last minute the evaluator has looked at. */
  checkedThrough: z.string().optional(),
  /** Bumped on every lifecycle write; lifecycle updates are conditional on it. */
  version: z.number().int().default(0),
});
export type AlertIncident = z.infer<typeof AlertIncidentSchema>;

/** Incident ids name the category and the minute the breach was seen, e.g. `refund-202611221403`. */
export function incidentId(category: string, at: Date): string {
  return `${category}-${at.toISOString().slice(0, 16).replace(/[-T:]/g, '')}`;
}

/**
 * Whether a breach seen at `now` should be written onto the open incident: only a new peak, and at
 * most once per minute, so a sustained spike does not turn into one incident write per batch.
 */
export function shouldRecordPeak(incident: AlertIncident, count: number, now: Date): boolean {
  return count > incident.peak && incident.updatedAt.slice(0, 16) !== now.toISOString().slice(0, 16);
}

/** A static-threshold breach: the window count reached the category's threshold. */
export function isStaticBreach(count: number, threshold: number): boolean {
  return count >= threshold;
}

/** What the detectors saw when an incident opens, for the record and the message. */
export interface IncidentDetection {
  readonly detector: 'static' | 'adaptive' | 'both';
  readonly expected?: number;
  readonly bound?: number;
  /** The scale that fired and its window, when the multi-scale detector fired. */
  readonly scale?: ScaleId;
  readonly windowMinutes?: number;
  readonly scales?: ReadonlyArray<{ scale: ScaleId; windowMinutes: number; count: number; expected: number; bound: number; fired: boolean }>;
  readonly topTerms?: ReadonlyArray<{ term: string; count: number }>;
  readonly trend?: ReadonlyArray<{ day: string; count: number }>;
}

export function newIncident(
  category: Category,
  count: number,
  newestTitles: readonly string[],
  now: Date,
  detection: IncidentDetection = { detector: 'static' },
): AlertIncident {
  return {
    id: incidentId(category.id, now),
    category: category.id,
    department: category.department,
    state: 'open',
    detector: detection.detector,
    openedAt: now.toISOString(),
    windowMinutes: detection.windowMinutes ?? category.threshold.windowMinutes,
    threshold: category.threshold.count,
    ...(detection.expected !== undefined && { expected: detection.expected }),
    ...(detection.bound !== undefined && { bound: detection.bound }),
    ...(detection.scale !== undefined && { scale: detection.scale }),
    ...(detection.scales !== undefined && { scales: detection.scales.map((x) => ({ ...x })) }),
    countAtOpen: count,
    count,
    peak: count,
    newestTitles: [...newestTitles],
    topTerms: [...(detection.topTerms ?? [])],
    trend: [...(detection.trend ?? [])],
    updatedAt: now.toISOString(),
    remindersSent: 0,
    escalationLevel: 0,
    version: 0,
  };
}

const TEXT = {
  'zh-CN': {
    subject: (name: string, count: number, window: number) => `【投诉预警】${name}：${window} 分钟内 ${count} 起投诉`,
    intro: (head: string) => `${head}，您好：`,
    body: (name: string, count: number, window: number, threshold: number) =>
      `“${name}”类投诉在最近 ${window} 分钟内达到 ${count} 起，已超过预警阈值 ${threshold} 起。`,
    bodyAdaptive: (name: string, count: number, window: number, bound: number) =>
      `“${name}”类投诉在最近 ${window} 分钟内达到 ${count} 起，超过历史同期的预警上限 ${bound} 起。`,
    newest: '最新投诉：',
    untitled: '（无标题）',
    opened: '预警编号与时间：',
    footer: '此预警在同一事件持续期间只发送一次。请尽快安排处理。',
    sms: (name: string, count: number, window: number, threshold: number, id: string) =>
      `【投诉预警】${name} ${window}分钟内${count}起(阈值${threshold})。编号${id}，详情见邮件。`,
  },
  en: {
    subject: (name: string, count: number, window: number) => `[Complaint alert] ${name}: ${count} complaints in ${window} min`,
    intro: (head: string) => `Hello ${head},`,
    body: (name: string, count: number, window: number, threshold: number) =>
      `${count} "${name}" complaints arrived in the last ${window} minutes, reaching the alert threshold of ${threshold}.`,
    bodyAdaptive: (name: string, count: number, window: number, bound: number) =>
      `${count} "${name}" complaints arrived in the last ${window} minutes, above the bound of ${bound} expected for this time of week.`,
    newest: 'Newest complaints:',
    untitled: '(no title)',
    opened: 'Incident and time:',
    footer: 'This alert is sent once per incident while it lasts. Please arrange handling.',
    sms: (name: string, count: number, window: number, threshold: number, id: string) =>
      `Complaint alert: ${name} ${count} in ${window} min (threshold ${threshold}). Incident ${id}; details by email.`,
  },
} satisfies Record<Locale, unknown>;

/** Titles shown in alerts: the title, or the start of the description when there is none. */
export function displayTitle(c: { title?: string; description: string }): string {
  return truncate(c.title ?? c.description, 80);
}

/**
 * The raise notifications of an incident, in the department's language: a rich email to the head
 * (SES) and one publication on the department's alert topic (SMS to the head's phone, plus any extra
 * subscribers). Message ids are deterministic so a redelivery sends nothing twice.
 */
export function renderAlertRaised(
  incident: AlertIncident,
  category: Category,
  department: Department,
  timeZone: string,
  /** Acknowledge links for the head (email and SMS), when the runtime can make them. */
  links?: AckLinks,
): OutboundMessage[] {
  const locale = department.locale;
  const openedAtText = formatLocalTime(new Date(incident.openedAt), timeZone, locale);
  const t = TEXT[locale];
  const name = category.name[locale];
  const subject = t.subject(name, incident.count, incident.windowMinutes);
  const body =
    incident.detector === 'adaptive' && incident.bound !== undefined
      ? t.bodyAdaptive(name, incident.count, incident.windowMinutes, incident.bound)
      : t.body(name, incident.count, incident.windowMinutes, incident.threshold);
  const titles = incident.newestTitles.length ? incident.newestTitles : [t.untitled];
  const text = [
    t.intro(department.head.name),
    '',
    body,
    '',
    ...explanationText(incident, locale),
    '',
    t.newest,
    ...titles.map((title) => `- ${title}`),
    '',
    `${t.opened} ${incident.id} · ${openedAtText}`,
    ...(links ? ['', ackLinkLine(locale, links.email)] : []),
    '',
    t.footer,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    `<p>${escapeHtml(t.intro(department.head.name))}</p>`,
    `<p><strong>${escapeHtml(body)}</strong></p>`,
    explanationHtml(incident, locale),
    `<p>${escapeHtml(t.newest)}</p><ul>`,
    ...titles.map((title) => `<li>${escapeHtml(title)}</li>`),
    '</ul>',
    `<p>${escapeHtml(t.opened)} ${escapeHtml(incident.id)} · ${escapeHtml(openedAtText)}</p>`,
    links ? `<p><a href="${escapeHtml(links.email)}">${escapeHtml(ackLinkLine(locale, links.email))}</a></p>` : '',
    `<p style="color:#555">${escapeHtml(t.footer)}</p>`,
    '</body></html>',
  ].join('');
  const email: EmailMessage = {
    id: `${incident.id}:raised:email`,
    kind: 'alert',
    channel: 'email',
    to: department.head.email,
    subject,
    text,
    html,
    alertId: incident.id,
  };
  const sms: TopicMessage = {
    id: `${incident.id}:raised:topic`,
    kind: 'alert',
    channel: 'topic',
    department: department.id,
    subject,
    text:
      t.sms(name, incident.count, incident.windowMinutes, incident.detector === 'adaptive' ? (incident.bound ?? incident.threshold) : incident.threshold, incident.id) +
      (links ? ackSmsSuffix(locale, links.sms) : ''),
    alertId: incident.id,
  };
  return [email, sms];
}

export function alertRaisedEvent(incident: AlertIncident): DomainEvent {
  const detail: AlertRaisedDetail = {
    incidentId: incident.id,
    category: incident.category,
    department: incident.department,
    detector: incident.detector,
    count: incident.count,
    threshold: incident.threshold,
    windowMinutes: incident.windowMinutes,
    openedAt: incident.openedAt,
  };
  return { type: 'alert.raised', id: `${incident.id}:raised`, time: incident.openedAt, detail };
}

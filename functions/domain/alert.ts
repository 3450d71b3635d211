import { z } from 'zod';
import type { Category, Department, Locale } from './config.ts';
import { escapeHtml, truncate } from './escape.ts';
import { formatLocalTime } from './time.ts';
import type { DomainEvent } from './events.ts';
import type { EmailMessage, OutboundMessage, TopicMessage } from './messages.ts';

export const AlertIncidentSchema = z.object({
  id: z.string(),
  category: z.string(),
  department: z.string(),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  detector: z.literal('static'),
  openedAt: z.string(),
  windowMinutes: z.number().int(),
  threshold: z.number().int(),
  /** Window count when the incident opened. */
  countAtOpen: z.number().int(),
  /** Latest evaluated window count. */
  count: z.number().int(),
  peak: z.number().int(),
  newestTitles: z.array(z.string()),
  /** When count, peak and titles were last written. */
  updatedAt: z.string(),
  notifiedAt: z.string().optional(),
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

export function newIncident(
  category: Category,
  count: number,
  newestTitles: readonly string[],
  now: Date,
): AlertIncident {
  return {
    id: incidentId(category.id, now),
    category: category.id,
    department: category.department,
    state: 'open',
    detector: 'static',
    openedAt: now.toISOString(),
    windowMinutes: category.threshold.windowMinutes,
    threshold: category.threshold.count,
    countAtOpen: count,
    count,
    peak: count,
    newestTitles: [...newestTitles],
    updatedAt: now.toISOString(),
  };
}

const TEXT = {
  'zh-CN': {
    subject: (name: string, count: number, window: number) => `【投诉预警】${name}：${window} 分钟内 ${count} 起投诉`,
    intro: (head: string) => `${head}，您好：`,
    body: (name: string, count: number, window: number, threshold: number) =>
      `“${name}”类投诉在最近 ${window} 分钟内达到 ${count} 起，已超过预警阈值 ${threshold} 起。`,
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
): OutboundMessage[] {
  const locale = department.locale;
  const openedAtText = formatLocalTime(new Date(incident.openedAt), timeZone, locale);
  const t = TEXT[locale];
  const name = category.name[locale];
  const subject = t.subject(name, incident.count, incident.windowMinutes);
  const body = t.body(name, incident.count, incident.windowMinutes, incident.threshold);
  const titles = incident.newestTitles.length ? incident.newestTitles : [t.untitled];
  const text = [
    t.intro(department.head.name),
    '',
    body,
    '',
    t.newest,
    ...titles.map((title) => `- ${title}`),
    '',
    `${t.opened} ${incident.id} · ${openedAtText}`,
    '',
    t.footer,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    `<p>${escapeHtml(t.intro(department.head.name))}</p>`,
    `<p><strong>${escapeHtml(body)}</strong></p>`,
    `<p>${escapeHtml(t.newest)}</p><ul>`,
    ...titles.map((title) => `<li>${escapeHtml(title)}</li>`),
    '</ul>',
    `<p>${escapeHtml(t.opened)} ${escapeHtml(incident.id)} · ${escapeHtml(openedAtText)}</p>`,
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
    text: t.sms(name, incident.count, incident.windowMinutes, incident.threshold, incident.id),
    alertId: incident.id,
  };
  return [email, sms];
}

export function alertRaisedEvent(incident: AlertIncident): DomainEvent {
  return {
    type: 'alert.raised',
    id: `${incident.id}:raised`,
    time: incident.openedAt,
    detail: {
      incidentId: incident.id,
      category: incident.category,
      department: incident.department,
      detector: incident.detector,
      count: incident.count,
      threshold: incident.threshold,
      windowMinutes: incident.windowMinutes,
      openedAt: incident.openedAt,
    },
  };
}

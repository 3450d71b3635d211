/**
 * The acknowledge page behind the link in an alert email or SMS: small, mobile-first HTML without
 * JavaScript, in the department's language. `GET` shows the incident and an "I'm on it" button; the
 * button POSTs, so a mail scanner following the link never acknowledges. It uses the survey pages'
 * one stylesheet, which the Content-Security-Policy allows by its hash; every value is escaped.
 */
import { NEWEST_LISTED, type AlertIncident } from './alert.ts';
import { alertLineParts } from './templates/triage.ts';
import type { Locale, PipelineConfig } from './config.ts';
import { consoleCategoryUrl } from './console-links.ts';
import { escapeHtml } from './escape.ts';
import { companyName } from './names.ts';
import { PAGE_CSS, type Page } from './survey-pages.ts';
import { cleanUserText } from './text.ts';
import { windowText } from './templates/alert.ts';
import { formatNamedTime } from './time.ts';

const TEXT = {
  'zh-CN': {
    title: (name: string) => `投诉预警：${name}`,
    incident: '预警编号',
    opened: '开始时间',
    count: (count: number, window: string) => `最近 ${window} ${count} 起（峰值见下）`,
    countLabel: '当前计数',
    peak: '峰值',
    threshold: '预警线',
    state: '状态',
    states: { open: '未确认', acknowledged: '已确认', resolved: '已解除' },
    newest: '最新投诉',
    button: '我来处理',
    hint: '确认后不再发送提醒和升级通知；预警解除时仍会通知您。',
    doneTitle: '已确认，谢谢',
    done: (by: string) => `此预警已由 ${by} 确认处理。提醒与升级已停止；投诉量回落后您会收到解除通知。`,
    alreadyTitle: '此预警已有人处理',
    already: (by: string, at: string) => `已由 ${by} 于 ${at} 确认。`,
    resolvedTitle: '此预警已解除',
    resolved: (at: string) => `投诉量已回落，预警于 ${at} 解除。`,
    notFoundTitle: '链接无效',
    notFound: '找不到此确认链接。请使用预警邮件或短信中的完整链接。',
    complaints: (name: string) => `在控制台查看“${name}”类投诉`,
    expiredTitle: '链接已过期',
    expired: '此确认链接已过期，未做任何更改。请使用最新预警中的链接，或联系值班人员。',
  },
  en: {
    title: (name: string) => `Complaint alert: ${name}`,
    incident: 'Incident',
    opened: 'Since',
    count: (count: number, window: string) => `${count} in the last ${window}`,
    countLabel: 'Current count',
    peak: 'Peak',
    threshold: 'Alert level',
    state: 'State',
    states: { open: 'Unacknowledged', acknowledged: 'Acknowledged', resolved: 'Resolved' },
    newest: 'Newest complaints',
    button: "I'm on it",
    hint: 'Once acknowledged, no more reminders or escalations are sent; you will still hear the all-clear.',
    doneTitle: 'Acknowledged, thank you',
    done: (by: string) => `This alert is now owned by ${by}. Reminders and escalations have stopped; you will hear the all-clear when volume falls.`,
    alreadyTitle: 'Someone is already on it',
    already: (by: string, at: string) => `Acknowledged by ${by} at ${at}.`,
    resolvedTitle: 'This alert is resolved',
    resolved: (at: string) => `Volume fell back; the alert was resolved at ${at}.`,
    notFoundTitle: 'Link not valid',
    notFound: 'This acknowledge link does not exist. Please use the full link from the alert email or SMS.',
    complaints: (name: string) => `See the "${name}" complaints in the console`,
    expiredTitle: 'This link has expired',
    expired: 'This acknowledge link has expired and nothing was changed. Use the link in the latest alert, or contact the person on duty.',
  },
} satisfies Record<Locale, unknown>;

function shell(locale: Locale, title: string, body: string, config: PipelineConfig): string {
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex, nofollow">' +
    `<title>${escapeHtml(title)} · ${escapeHtml(companyName(config, locale))}</title><style>${PAGE_CSS}</style></head>` +
    `<body><main>${body}</main></body></html>`
  );
}

function notice(status: number, locale: Locale, config: PipelineConfig, title: string, text: string, after = ''): Page {
  return { status, locale, html: shell(locale, title, `<h1>${escapeHtml(title)}</h1><div class="card"><p>${escapeHtml(text)}</p>${after}</div>`, config) };
}

/**
 * The link to the console's complaints of the incident's category (the inbox filtered by it): where
 * the reader goes to act. Relative to the page's own host when no public base URL is known.
 */
function complaintsLink(incident: AlertIncident, locale: Locale, config: PipelineConfig, base: string | undefined): string {
  const url = consoleCategoryUrl(base ?? '', incident.category);
  return `<p><a href="${escapeHtml(url)}">${escapeHtml(TEXT[locale].complaints(categoryName(incident, locale, config)))}</a></p>`;
}

export interface AckPageView {
  readonly token: string;
  readonly locale: Locale;
  readonly incident: AlertIncident;
  /** Public base URL for the console link; absent: a link on the page's own host. */
  readonly base?: string | undefined;
}

function categoryName(incident: AlertIncident, locale: Locale, config: PipelineConfig): string {
  return config.categories.find((c) => c.id === incident.category)?.name[locale] ?? incident.category;
}

/** `acknowledgedBy` is `head:<name>` or `L<n>:<role> <name>`: show the person. */
export function ownerName(by: string | undefined): string {
  return (by ?? '').replace(/^(head|L\d+):/, '');
}

function newestItem(c: AlertIncident['newest'][number], locale: Locale): string {
  const parts = alertLineParts(c, locale);
  return `<li>${escapeHtml(parts.mark ?? '')}<bdi>${escapeHtml(cleanUserText(parts.title))}</bdi>${escapeHtml(parts.note ?? '')}</li>`;
}

/** The incident summary and, while it is open, the "I'm on it" button. */
export function ackPage(view: AckPageView, config: PipelineConfig): Page {
  const t = TEXT[view.locale];
  const i = view.incident;
  const tz = config.company.timeZone;
  const name = categoryName(i, view.locale, config);
  const sep = view.locale === 'en' ? ': ' : '：';
  const row = (label: string, value: string) => `<li><strong>${escapeHtml(label + sep)}</strong>${escapeHtml(value)}</li>`;
  const summary =
    '<div class="card"><ul>' +
    row(t.incident, i.id) +
    row(t.opened, formatNamedTime(new Date(i.openedAt), tz, view.locale)) +
    row(t.countLabel, t.count(i.count, windowText(i.windowMinutes, view.locale))) +
    row(t.peak, String(i.peak)) +
    row(t.threshold, String(i.detector === 'adaptive' && i.bound !== undefined ? i.bound : i.threshold)) +
    row(t.state, t.states[i.state]) +
    '</ul>' +
    complaintsLink(i, view.locale, config, view.base) +
    // Titles are the customers' words: bidirectional controls removed and each one isolated; the
    // mark and how it was sorted are said in the page's language.
    (i.newest.length ? `<p><strong>${escapeHtml(t.newest)}</strong></p><ul>${i.newest.slice(0, NEWEST_LISTED).map((c) => newestItem(c, view.locale)).join('')}</ul>` : '') +
    '</div>';
  let action = '';
  if (i.state === 'open') {
    action =
      `<form class="card" method="post" action="./${escapeHtml(view.token)}" accept-charset="utf-8">` +
      `<input type="hidden" name="lang" value="${view.locale}">` +
      `<p class="hint">${escapeHtml(t.hint)}</p><button type="submit">${escapeHtml(t.button)}</button></form>`;
  } else if (i.state === 'acknowledged') {
    action = `<div class="card"><p>${escapeHtml(t.already(ownerName(i.acknowledgedBy), formatNamedTime(new Date(i.acknowledgedAt ?? i.updatedAt), tz, view.locale)))}</p></div>`;
  } else {
    action = `<div class="card"><p>${escapeHtml(t.resolved(formatNamedTime(new Date(i.resolvedAt ?? i.updatedAt), tz, view.locale)))}</p></div>`;
  }
  const title = t.title(name);
  return { status: 200, locale: view.locale, html: shell(view.locale, title, `<h1>${escapeHtml(title)}</h1>${summary}${action}`, config) };
}

/** After this POST acknowledged the incident: the confirmation and the way to the category's complaints. */
export function acknowledgedPage(locale: Locale, incident: AlertIncident, config: PipelineConfig, base?: string): Page {
  const t = TEXT[locale];
  return notice(200, locale, config, t.doneTitle, t.done(ownerName(incident.acknowledgedBy)), complaintsLink(incident, locale, config, base));
}

/** After a POST that found the incident already acknowledged or resolved. */
export function alreadyHandledPage(locale: Locale, incident: AlertIncident, config: PipelineConfig, base?: string): Page {
  const t = TEXT[locale];
  const tz = config.company.timeZone;
  const link = complaintsLink(incident, locale, config, base);
  if (incident.state === 'resolved') return notice(200, locale, config, t.resolvedTitle, t.resolved(formatNamedTime(new Date(incident.resolvedAt ?? incident.updatedAt), tz, locale)), link);
  return notice(200, locale, config, t.alreadyTitle, t.already(ownerName(incident.acknowledgedBy), formatNamedTime(new Date(incident.acknowledgedAt ?? incident.updatedAt), tz, locale)), link);
}

/** 404: unknown, malformed or forged link. */
export function ackNotFoundPage(locale: Locale, config: PipelineConfig): Page {
  const t = TEXT[locale];
  return notice(404, locale, config, t.notFoundTitle, t.notFound);
}

/** 410: the link's validity is over; nothing was acknowledged. */
export function ackExpiredPage(locale: Locale, config: PipelineConfig): Page {
  const t = TEXT[locale];
  return notice(410, locale, config, t.expiredTitle, t.expired);
}

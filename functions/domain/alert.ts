import * as z from 'zod';
import { personLocale, type Category, type Department, type Locale } from './config.ts';
import type { ScaleId } from './multi-scale.ts';
import { truncate } from './escape.ts';
import { formatNamedTime, MINUTE_MS, minuteFloor } from './time.ts';
import { alertLineParts, parseLegacyAlertLine } from './templates/triage.ts';
import type { AlertRaisedDetail, DomainEvent } from './events.ts';
import type { OutboundMessage } from './messages.ts';
import { explanationBlocks } from './alert-explanation.ts';
import type { AckLinks } from './alert-ack.ts';
import { action, emailFor, p, strong, topicFor, ul, user, type Block, type Inline } from './message-render.ts';
import { SMS_BUDGET, withLink } from './sms.ts';
import { alertTexts, windowText, type AlertFacts } from './templates/alert.ts';
import { cleanUserText } from './text.ts';

/**
 * One of an incident's newest complaints as stored: the customer's title and the facts its line
 * shows, never a rendered line, so each reader gets it in their own language at send time.
 */
export const AlertComplaintSchema = z.object({
  /** The complaint's id (absent on lines stored before it was kept). */
  id: z.string().optional(),
  title: z.string(),
  /** When it was received: frequent words count only titles inside the counting window. */
  receivedAt: z.string().optional(),
  /** How its category was decided, and the model's confidence when the model decided. */
  method: z.enum(['explicit', 'model', 'keywords', 'fallback']).optional(),
  confidence: z.number().min(0).max(1).optional(),
  /** Marked as an escalation risk. */
  risk: z.boolean().optional(),
});
export type AlertComplaint = z.infer<typeof AlertComplaintSchema>;

/**
 * Incidents written before the newest complaints were stored as facts (`newest`) held rendered
 * lines (`newestTitles`, annotation included, in the department's language): those lines are read
 * back into facts, so old incidents render like new ones.
 */
function withNewest(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || (item as { newest?: unknown }).newest !== undefined) return item;
  const { newestTitles, ...rest } = item as { newestTitles?: unknown };
  return Array.isArray(newestTitles) ? { ...rest, newest: newestTitles.filter((x): x is string => typeof x === 'string').map(parseLegacyAlertLine) } : item;
}

const IncidentFields = z.object({
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
  /** The newest complaints (the first few are listed; those inside the window give the frequent words). */
  newest: z.array(AlertComplaintSchema).default([]),
  /** Most frequent words among the titles inside the counting window when it opened. */
  topTerms: z.array(z.object({ term: z.string(), count: z.number().int() })).default([]),
  /** Complaints per local day over the week before it opened, oldest first. */
  trend: z.array(z.object({ day: z.string(), count: z.number().int() })).default([]),
  /** When count, peak and titles were last written. */
  updatedAt: z.string(),
  notifiedAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: z.string().optional(),
  /** "Getting worse" steps notified so far (step k: the count reached surgeFactor × 2^(k−1) × countAtOpen). */
  surgeStep: z.number().int().default(0),
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
export const AlertIncidentSchema = z.preprocess(withNewest, IncidentFields);
export type AlertIncident = z.infer<typeof IncidentFields>;

/** How many of an incident's newest complaints a message or page lists. */
export const NEWEST_LISTED = 5;

/** A complaint as an incident stores it: its title as alerts show it, when it came and how it was sorted. */
export function alertComplaint(c: {
  readonly id: string;
  readonly title?: string | undefined;
  readonly description: string;
  readonly receivedAt: string;
  readonly classification?: { readonly method: AlertComplaint['method'] & string; readonly model?: { readonly confidence: number } | undefined } | undefined;
  readonly escalationRisk?: { readonly marked: boolean } | undefined;
}): AlertComplaint {
  const d = c.classification;
  return {
    id: c.id,
    title: displayTitle(c),
    receivedAt: c.receivedAt,
    ...(d && { method: d.method }),
    ...(d?.method === 'model' && d.model && { confidence: d.model.confidence }),
    ...(c.escalationRisk?.marked && { risk: true }),
  };
}

/**
 * The titles of the complaints received inside the counting window that ends at `now` (the minutes
 * the window count sums), for the frequent words: older titles would count words the count does not.
 */
export function titlesInWindow(newest: readonly AlertComplaint[], now: Date, windowMinutes: number): string[] {
  const from = minuteFloor(now).getTime() - (windowMinutes - 1) * MINUTE_MS;
  return newest.filter((c) => c.receivedAt !== undefined && Date.parse(c.receivedAt) >= from && Date.parse(c.receivedAt) <= now.getTime()).map((c) => c.title);
}

/** The newest-complaints list of a message: the mark, the customer's title isolated, and how it was sorted. */
export function newestRows(incident: Pick<AlertIncident, 'newest'>, locale: Locale): Inline[][] {
  const t = alertTexts[locale];
  const listed = incident.newest.slice(0, NEWEST_LISTED);
  if (!listed.length) return [[t.untitled]];
  return listed.map((c) => {
    const parts = alertLineParts(c, locale);
    return [...(parts.mark ? [parts.mark] : []), user(parts.title), ...(parts.note ? [parts.note] : [])];
  });
}

/** Incident ids name the category and the minute the breach was seen, e.g. `refund-202611221403`. */
export function incidentId(category: string, at: Date): string {
  return `${category}-${at.toISOString().slice(0, 16).replace(/[-T:]/g, '')}`;
}

/**
 * Whether a breach should be written onto the open incident: whenever it is a new peak (even in the
 * minute the incident opened), so the peak a later message reports is the one stored. A sustained
 * spike at a level already stored writes nothing; a rising one writes at most once per batch.
 */
export function isNewPeak(incident: Pick<AlertIncident, 'peak'>, count: number): boolean {
  return count > incident.peak;
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
  newest: readonly AlertComplaint[],
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
    newest: newest.map((c) => ({ ...c })),
    topTerms: [...(detection.topTerms ?? [])],
    trend: [...(detection.trend ?? [])],
    updatedAt: now.toISOString(),
    remindersSent: 0,
    escalationLevel: 0,
    surgeStep: 0,
    version: 0,
  };
}

/** Titles shown in alerts: the title, or the start of the description when there is none. */
export function displayTitle(c: { title?: string; description: string }): string {
  return truncate(cleanUserText(c.title ?? c.description), 80);
}

/** The level an incident is measured against: the adaptive bound when that detector alone fired, else the static threshold. */
export function alertLevel(incident: Pick<AlertIncident, 'detector' | 'bound' | 'threshold'>): number {
  return incident.detector === 'adaptive' && incident.bound !== undefined ? incident.bound : incident.threshold;
}

/** An incident's facts in the recipient's words. */
export function alertFacts(incident: AlertIncident, category: Category, locale: Locale, timeZone: string): AlertFacts {
  return {
    category: category.name[locale],
    count: incident.count,
    window: windowText(incident.windowMinutes, locale),
    windowShort: windowText(incident.windowMinutes, locale, true),
    level: alertLevel(incident),
    atOpen: incident.countAtOpen,
    peak: Math.max(incident.peak, incident.count),
    since: formatNamedTime(new Date(incident.openedAt), timeZone, locale),
  };
}

/** An alert SMS: the text and the one link to act, within the staff budget. */
export function alertSms(text: string, linkText: string): string {
  return withLink(text, linkText, SMS_BUDGET.staff);
}

function raisedEmail(incident: AlertIncident, category: Category, department: Department, timeZone: string, locale: Locale, links: AckLinks | undefined): OutboundMessage {
  const t = alertTexts[locale];
  const facts = alertFacts(incident, category, locale, timeZone);
  const blocks: Block[] = [
    p(t.hello(department.head.name)),
    p(strong(t.raisedBody(facts, incident.detector === 'adaptive' && incident.bound !== undefined))),
    ...explanationBlocks(incident, locale),
    p(t.newest),
    ul(newestRows(incident, locale)),
    p(t.incidentLine(incident.id, facts.since)),
    p(t.handle),
    ...(links ? [action(t.ackLabel, links.email)] : []),
  ];
  return emailFor({ id: `${incident.id}:raised:email`, kind: 'alert', to: department.head.email, locale, subject: t.raisedSubject(facts), blocks, alertId: incident.id });
}

/**
 * The raise notifications of an incident, in the department's language: a rich email to the head
 * (SES) and one publication on the department's alert topic (SMS to the head's phone, plus any extra
 * subscribers), each with the acknowledge link. Message ids are deterministic so a redelivery sends
 * nothing twice.
 */
export function renderAlertRaised(
  incident: AlertIncident,
  category: Category,
  department: Department,
  timeZone: string,
  /** Acknowledge links for the head (email and SMS), when the runtime can make them. */
  links?: AckLinks,
): OutboundMessage[] {
  // The head's email in the head's language; the department topic's SMS in the department's.
  const headLocale = personLocale(department.head, department);
  const email = raisedEmail(incident, category, department, timeZone, headLocale, links);
  const locale = department.locale;
  const t = alertTexts[locale];
  const facts = alertFacts(incident, category, locale, timeZone);
  const subject = t.raisedSubject(facts);
  const sms = topicFor({
    id: `${incident.id}:raised:topic`,
    kind: 'alert',
    department: department.id,
    subject,
    locale,
    text: alertSms(t.raisedSms(facts), links ? t.smsAck(links.sms) : ''),
    alertId: incident.id,
  });
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

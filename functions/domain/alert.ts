import * as z from 'zod';
import { personLocale, type Category, type Department, type Locale } from './config.ts';
import type { ScaleId } from './multi-scale.ts';
import { truncate } from './escape.ts';
import { formatNamedTime } from './time.ts';
import type { AlertRaisedDetail, DomainEvent } from './events.ts';
import type { OutboundMessage } from './messages.ts';
import { explanationBlocks } from './alert-explanation.ts';
import type { AckLinks } from './alert-ack.ts';
import { action, emailFor, p, strong, topicFor, ul, user, type Block } from './message-render.ts';
import { SMS_BUDGET, withLink } from './sms.ts';
import { alertTexts, windowText, type AlertFacts } from './templates/alert.ts';
import { cleanUserText } from './text.ts';

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
  const titles = incident.newestTitles.length ? incident.newestTitles.map((x) => [user(x)]) : [[t.untitled]];
  const blocks: Block[] = [
    p(t.hello(department.head.name)),
    p(strong(t.raisedBody(facts, incident.detector === 'adaptive' && incident.bound !== undefined))),
    ...explanationBlocks(incident, locale),
    p(t.newest),
    ul(titles),
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

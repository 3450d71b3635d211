/**
 * The satisfaction survey: when it goes out, what the invitation and the department follow-up say,
 * what an answer does to the complaint, and the CSAT figures. Pure: time and facts come in as arguments.
 */
import * as z from 'zod';
import { isWithinDailyWindow, nextWindowEnd } from './business-time.ts';
import type { Complaint, SurveyAnswerRecord } from './complaint.ts';
import { LocaleSchema, personLocale, type Locale, type PipelineConfig } from './config.ts';
import { truncate } from './escape.ts';
import { consoleComplaintUrl } from './console-links.ts';
import { action, emailFor, p, quotingUser, smsFor } from './message-render.ts';
import { categoryName, companyName, referenceOf } from './names.ts';
import { SMS_BUDGET, withLink } from './sms.ts';
import { cleanUserText } from './text.ts';
import type { DomainEvent } from './events.ts';
import { applyEvent } from './lifecycle.ts';
import type { OutboundMessage } from './messages.ts';
import { listUnsubscribeHeaders, optOutBlocks, smsWithOptOut } from './opt-out.ts';
import { customerLocale, customerTimeZone } from './progress.ts';
import { progressTemplates } from './templates/progress.ts';
import { surveyTexts, type SurveyContext } from './templates/survey.ts';
import { DAY_MS } from './time.ts';

/** Survey and unsubscribe links carry 24 random bytes, base64url: 32 characters, 192 bits. */
export const TOKEN_BYTES = 24;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32}$/;

/** Whether a path segment can be a token at all; anything else is answered 404 without a lookup. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** What the state table keeps about an issued survey link (under the token's SHA-256, never the token). */
export interface SurveyLink {
  readonly surveyId: string;
  readonly complaintId: string;
  /** The complaint's reference as the customer's messages show it; links issued before it was kept have none. */
  readonly reference?: string;
  readonly customerId: string;
  readonly locale: Locale;
  readonly department: string;
  readonly category: string;
  /** Shortened complaint title, so the page can say which complaint it is about without reading the complaint. */
  readonly title: string;
  readonly sentAt: string;
  /** After this the link answers 410. */
  readonly linkExpiresAt: string;
  readonly answeredAt?: string;
}

export type SurveyLinkState = 'not_found' | 'expired' | 'answered' | 'open';

/** Unknown (or tampered: its hash matches nothing) → not_found; answered wins over expired. */
export function surveyLinkState(link: SurveyLink | undefined, now: Date): SurveyLinkState {
  if (!link) return 'not_found';
  if (link.answeredAt) return 'answered';
  if (Date.parse(link.linkExpiresAt) <= now.getTime()) return 'expired';
  return 'open';
}

/** Whether the complaint's current survey still waits to be sent. */
export function surveyPending(complaint: Complaint): boolean {
  return complaint.survey !== undefined && complaint.survey.sentAt === undefined && complaint.survey.skipped === undefined;
}

/** What the dispatcher knows about the customer at send time. */
export interface SurveyFacts {
  readonly optedOut: boolean;
  /** When this customer was last sent a survey (any complaint). */
  readonly lastSurveyedAt?: string;
}

export type SkipReason = NonNullable<NonNullable<Complaint['survey']>['skipped']>;

export type SurveyDecision =
  | { kind: 'wait' }
  | { kind: 'send' }
  /** A dispatcher claimed it and died before sending: finish what it started. */
  | { kind: 'resume' }
  | { kind: 'postpone'; until: string }
  | { kind: 'skip'; reason: SkipReason };

/**
 * Whether (and when) the survey goes out, decided at send time.
 *
 * Order: nothing to do unless pending and due; a complaint no longer resolved or closed is not
 * surveyed; an opted-out customer, a customer surveyed within the throttle period, or one without
 * an address or phone is skipped for good; within the quiet hours in the customer's zone the survey
 * waits until they end.
 */
export function decideSurvey(complaint: Complaint, facts: SurveyFacts, now: Date, config: PipelineConfig): SurveyDecision {
  const survey = complaint.survey;
  if (!survey || !surveyPending(complaint)) return { kind: 'wait' };
  if (survey.sending) {
    // Another run holds the claim until `until`; after it, that run is gone and this one resumes,
    // unless the customer opted out meanwhile.
    if (Date.parse(survey.sending.until) > now.getTime()) return { kind: 'wait' };
    return facts.optedOut ? { kind: 'skip', reason: 'opted_out' } : { kind: 'resume' };
  }
  if (Date.parse(survey.dueAt) > now.getTime()) return { kind: 'wait' };
  if (complaint.status !== 'resolved' && complaint.status !== 'closed') return { kind: 'skip', reason: 'not_resolved' };
  if (facts.optedOut) return { kind: 'skip', reason: 'opted_out' };
  if (!complaint.customer.email && !complaint.customer.phone) return { kind: 'skip', reason: 'no_contact' };
  const throttleMs = config.survey.throttleDays * DAY_MS;
  if (throttleMs > 0 && facts.lastSurveyedAt && now.getTime() - Date.parse(facts.lastSurveyedAt) < throttleMs) {
    return { kind: 'skip', reason: 'throttled' };
  }
  const quiet = { ...config.survey.quietHours, timeZone: customerTimeZone(complaint, config) };
  if (isWithinDailyWindow(now, quiet)) return { kind: 'postpone', until: nextWindowEnd(now, quiet).toISOString() };
  return { kind: 'send' };
}

/** When a survey sent now stops accepting answers. */
export function linkExpiry(now: Date, config: PipelineConfig): Date {
  return new Date(now.getTime() + config.survey.linkTtlDays * DAY_MS);
}

function withTimelineEntry(complaint: Complaint, event: string, at: Date, note?: string): Complaint {
  return {
    ...complaint,
    version: complaint.version + 1,
    timeline: [...complaint.timeline, { at: at.toISOString(), actor: 'system:survey', event, status: complaint.status, ...(note && { note }), internal: true }],
  };
}

/**
 * The complaint with its survey claimed for sending until `until` (in progress; it stays in the
 * sparse due index under `until`, so a run after that finds it if this one dies). A resumed claim
 * keeps its original `since`.
 */
export function markSurveySending(complaint: Complaint, now: Date, until: Date): Complaint {
  const since = complaint.survey!.sending?.since ?? now.toISOString();
  return { ...complaint, version: complaint.version + 1, survey: { ...complaint.survey!, sending: { since, until: until.toISOString() } } };
}

/** The complaint after its survey was sent (leaves the sparse due index); sent at its claim time when claimed. */
export function markSurveySent(complaint: Complaint, now: Date): Complaint {
  const { sending, ...survey } = complaint.survey!;
  const sentAt = sending?.since ?? now.toISOString();
  const next = withTimelineEntry(complaint, 'survey_sent', new Date(sentAt));
  return { ...next, survey: { ...survey, sentAt } };
}

/** The complaint after its survey was skipped for good (leaves the sparse due index). */
export function markSurveySkipped(complaint: Complaint, reason: SkipReason, now: Date): Complaint {
  const next = withTimelineEntry(complaint, 'survey_skipped', now, reason);
  const { sending: _sending, ...survey } = complaint.survey!;
  return { ...next, survey: { ...survey, skipped: reason } };
}

/** The complaint with its survey due later (quiet hours). */
export function postponeSurvey(complaint: Complaint, until: string): Complaint {
  return { ...complaint, version: complaint.version + 1, survey: { ...complaint.survey!, dueAt: until } };
}

function contextOf(complaint: Complaint, config: PipelineConfig, locale: Locale): SurveyContext {
  return {
    reference: referenceOf(complaint),
    ...(complaint.customer.name && { customerName: cleanUserText(complaint.customer.name) }),
    title: surveyTitle(complaint),
    company: companyName(config, locale),
  };
}

/** The shortened title a survey link keeps for its page (bidirectional controls removed). */
export function surveyTitle(complaint: Complaint): string {
  return truncate(cleanUserText(complaint.title ?? complaint.description), 60);
}

/**
 * The invitation on the customer's channel(s) (as progress messages: email when they gave one, else
 * SMS, both when the config says `all`), in their language, with the personal link and the opt-out.
 * Ids are deterministic per survey and channel, so the ledger sends each once.
 */
export function renderSurveyInvitation(
  complaint: Complaint,
  surveyId: string,
  links: { survey: string; unsubscribe?: string },
  config: PipelineConfig,
): OutboundMessage[] {
  const locale = customerLocale(complaint, config);
  const t = surveyTexts[locale].message;
  const ctx = contextOf(complaint, config, locale);
  const signature = progressTemplates[locale].signature(ctx.company);
  const base = { kind: 'survey' as const, complaintId: complaint.id };
  const { email, phone } = complaint.customer;
  const messages: OutboundMessage[] = [];
  if (email) {
    const headers = listUnsubscribeHeaders(links.unsubscribe);
    const quoted = [ctx.title, ...(ctx.customerName ? [ctx.customerName] : [])];
    messages.push(
      emailFor({
        ...base,
        id: `${surveyId}:survey:email`,
        to: email,
        locale,
        subject: t.subject(ctx),
        blocks: [...t.body(ctx).map((line) => p(...quotingUser(line, quoted))), action(t.linkLabel.replace(/[:：]$/, ''), links.survey), p(signature), ...optOutBlocks(locale, links.unsubscribe)],
        ...(headers && { headers }),
      }),
    );
  }
  if (phone && (!email || config.customerNotifications.channels === 'all')) {
    messages.push(smsFor({ ...base, id: `${surveyId}:survey:sms`, to: phone, locale, text: smsWithOptOut(t.sms({ ...ctx, link: links.survey }), locale) }));
  }
  return messages;
}

/** Raw form fields, as `application/x-www-form-urlencoded` delivers them. */
export const SurveyFormSchema = z.object({
  rating: z.enum(['1', '2', '3', '4', '5'], { error: 'rating' }).transform(Number),
  solved: z.enum(['yes', 'no'], { error: 'solved' }).transform((v) => v === 'yes'),
  // Browsers submit textarea line breaks as CRLF; count them as one character, as maxlength does.
  comment: z
    .string()
    .transform((c) => c.replace(/\r\n?/g, '\n').trim() || undefined)
    .refine((c) => c === undefined || c.length <= 2000, { error: 'comment' })
    .optional(),
});
export type SurveyAnswer = z.output<typeof SurveyFormSchema>;
export type SurveyFormField = 'rating' | 'solved' | 'comment';

/** Parses a submitted survey form: the answer, or the fields that need fixing. */
export function parseSurveyForm(fields: URLSearchParams): { ok: true; answer: SurveyAnswer } | { ok: false; errors: SurveyFormField[] } {
  const raw = {
    rating: fields.get('rating') ?? undefined,
    solved: fields.get('solved') ?? undefined,
    comment: fields.get('comment') ?? undefined,
  };
  const parsed = SurveyFormSchema.safeParse(raw);
  if (parsed.success) return { ok: true, answer: parsed.data };
  const errors = new Set<SurveyFormField>();
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === 'rating' || field === 'solved' || field === 'comment') errors.add(field);
  }
  return { ok: false, errors: (['rating', 'solved', 'comment'] as const).filter((f) => errors.has(f)) };
}

/** A locale from `?lang=` or the form, when it is one the config ships. */
export function requestedLocale(value: string | undefined, config: PipelineConfig): Locale | undefined {
  const parsed = LocaleSchema.safeParse(value);
  return parsed.success && config.locales.includes(parsed.data) ? parsed.data : undefined;
}

/** Poor: rating 1-2 or not solved. Good: rating 4-5 and solved. */
export function answerQuality(answer: Pick<SurveyAnswer, 'rating' | 'solved'>): 'poor' | 'good' | 'neutral' {
  if (answer.rating <= 2 || !answer.solved) return 'poor';
  if (answer.rating >= 4) return 'good';
  return 'neutral';
}

/** The timeline note quoting an answer (agents read it; it is stored as plain text). */
export function answerNote(answer: SurveyAnswer): string {
  return `Survey: rating ${answer.rating}/5, ${answer.solved ? 'solved' : 'not solved'}${answer.comment ? `, comment: "${answer.comment}"` : ''}`;
}

/**
 * What an answer does to the complaint, when it answers the complaint's current survey: a poor answer
 * reopens a resolved or closed complaint (lifecycle `reopen`, actor `survey`, new SLA); a good one
 * closes a still-resolved complaint; anything else is noted on the timeline. The answer is kept on
 * the complaint either way.
 */
export function applySurveyAnswer(
  complaint: Complaint,
  surveyId: string,
  answer: SurveyAnswer,
  now: Date,
  config: PipelineConfig,
): { complaint: Complaint; outcome: SurveyAnswerRecord['outcome'] } {
  const note = answerNote(answer);
  const quality = answerQuality(answer);
  const current = complaint.survey?.id === surveyId;
  let next: Complaint | undefined;
  let outcome: SurveyAnswerRecord['outcome'] = 'none';
  if (current && quality === 'poor' && (complaint.status === 'resolved' || complaint.status === 'closed')) {
    const r = applyEvent(complaint, { type: 'reopen', actor: 'survey', note }, now, config);
    if (r.ok) [next, outcome] = [r.complaint, 'reopened'];
  } else if (current && quality === 'good' && complaint.status === 'resolved') {
    const r = applyEvent(complaint, { type: 'close', actor: 'survey', note }, now, config);
    if (r.ok) [next, outcome] = [r.complaint, 'closed'];
  }
  next ??= {
    ...complaint,
    version: complaint.version + 1,
    timeline: [...complaint.timeline, { at: now.toISOString(), actor: 'survey', event: 'survey_answered', status: complaint.status, note }],
  };
  const record: SurveyAnswerRecord = {
    surveyId,
    answeredAt: now.toISOString(),
    rating: answer.rating,
    solved: answer.solved,
    ...(answer.comment !== undefined && { comment: answer.comment }),
    outcome,
  };
  return { complaint: { ...next, surveyAnswer: record }, outcome };
}

/** What a survey's reporting fact records of an answer the complaint carries. */
export function factAnswerOf(answer: SurveyAnswerRecord): { answeredAt: string; rating: number; solved: boolean; reopened: boolean } {
  return { answeredAt: answer.answeredAt, rating: answer.rating, solved: answer.solved, reopened: answer.outcome === 'reopened' };
}

/**
 * The owning department's follow-up after a poor answer, in the department's language: email to the
 * head with rating and comment (isolated in the HTML) and the link to the complaint in the console,
 * and an SMS. The caller holds the SMS during the department's quiet hours (see followUpSurvey).
 * @param base public base URL of the console, when known
 */
export function renderSurveyFollowup(complaint: Complaint, answer: SurveyAnswerRecord, config: PipelineConfig, base?: string): OutboundMessage[] {
  if (answerQuality(answer) !== 'poor') return [];
  const department = config.departments.find((d) => d.id === complaint.department);
  if (!department) return [];
  const locale = personLocale(department.head, department);
  const t = surveyTexts[locale].followup;
  const reopened = answer.outcome === 'reopened';
  const reference = referenceOf(complaint);
  const title = surveyTitle(complaint);
  const comment = answer.comment !== undefined ? cleanUserText(answer.comment) : undefined;
  const lines = t.body({
    head: department.head.name,
    reference,
    title,
    category: categoryName(config, complaint.category, locale),
    rating: answer.rating,
    solved: answer.solved,
    ...(comment !== undefined && { comment }),
    reopened,
  });
  const quoted = [title, ...(comment ? [comment] : [])];
  const url = base && consoleComplaintUrl(base, complaint.id);
  const messages: OutboundMessage[] = [
    emailFor({
      kind: 'survey_followup',
      complaintId: complaint.id,
      id: `${answer.surveyId}:followup:email`,
      to: department.head.email,
      locale,
      subject: t.subject({ reference, rating: answer.rating, solved: answer.solved }),
      blocks: [...lines.map((l) => p(...quotingUser(l, quoted))), ...(url ? [action(t.open, url)] : [])],
    }),
  ];
  const text = t.sms({ reference, rating: answer.rating, solved: answer.solved, reopened });
  messages.push(smsFor({ kind: 'survey_followup', complaintId: complaint.id, id: `${answer.surveyId}:followup:sms`, to: department.head.phone, locale, text: url ? withLink(text, url, SMS_BUDGET.staff) : text }));
  return messages;
}

/** `survey.sent`: no contact details, only the channels used. */
export function surveySentEvent(complaint: Complaint, surveyId: string, channels: readonly string[], at: Date): DomainEvent {
  return {
    type: 'survey.sent',
    id: `${surveyId}:sent`,
    time: at.toISOString(),
    detail: { surveyId, complaintId: complaint.id, category: complaint.category, department: complaint.department, channels, sentAt: at.toISOString() },
  };
}

/** `survey.answered`: rating, solved and outcome; the free-text comment stays out of the bus. */
export function surveyAnsweredEvent(complaint: Complaint, answer: SurveyAnswerRecord): DomainEvent {
  return {
    type: 'survey.answered',
    id: `${answer.surveyId}:answered`,
    time: answer.answeredAt,
    detail: {
      surveyId: answer.surveyId,
      complaintId: complaint.id,
      category: complaint.category,
      department: complaint.department,
      rating: answer.rating,
      solved: answer.solved,
      outcome: answer.outcome,
      hasComment: answer.comment !== undefined,
      answeredAt: answer.answeredAt,
    },
  };
}

/** One sent survey as the reporting facts keep it (no personal data). */
export interface SurveyFact {
  readonly surveyId: string;
  readonly department: string;
  readonly category: string;
  readonly sentAt: string;
  readonly answeredAt?: string;
  readonly rating?: number;
  readonly solved?: boolean;
  readonly reopened?: boolean;
}

export interface CsatFigures {
  readonly sent: number;
  readonly answered: number;
  /** Answers rating 4 or 5. */
  readonly satisfied: number;
  /** Answers that reopened the complaint. */
  readonly reopened: number;
  /** answered / sent; null without surveys. */
  readonly responseRate: number | null;
  /** CSAT: satisfied / answered; null without answers. */
  readonly csat: number | null;
  /** reopened / answered; null without answers. */
  readonly reopenRate: number | null;
}

function figures(facts: readonly SurveyFact[]): CsatFigures {
  const sent = facts.length;
  const answered = facts.filter((f) => f.answeredAt !== undefined);
  const satisfied = answered.filter((f) => (f.rating ?? 0) >= 4).length;
  const reopened = answered.filter((f) => f.reopened).length;
  const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
  return { sent, answered: answered.length, satisfied, reopened, responseRate: ratio(answered.length, sent), csat: ratio(satisfied, answered.length), reopenRate: ratio(reopened, answered.length) };
}

function groupBy(facts: readonly SurveyFact[], key: (f: SurveyFact) => string): Record<string, CsatFigures> {
  const groups = new Map<string, SurveyFact[]>();
  for (const f of facts) groups.set(key(f), [...(groups.get(key(f)) ?? []), f]);
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, figures(v)]));
}

/**
 * CSAT, response rate and reopen-after-survey rate of the surveys sent in `[from, to)`, overall, per
 * department and per category. Answers count toward the survey they answer (the cohort of its send time).
 */
export function csatReport(facts: readonly SurveyFact[], from: Date, to: Date) {
  const inRange = facts.filter((f) => Date.parse(f.sentAt) >= from.getTime() && Date.parse(f.sentAt) < to.getTime());
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    total: figures(inRange),
    byDepartment: groupBy(inRange, (f) => f.department),
    byCategory: groupBy(inRange, (f) => f.category),
  };
}
export type CsatReport = ReturnType<typeof csatReport>;

/** The UTC months (`YYYY-MM`) touching `[from, to)`: the reporting facts' partitions to Query. */
export function monthsBetween(from: Date, to: Date): string[] {
  const months: string[] = [];
  if (to.getTime() <= from.getTime()) return months;
  const last = new Date(to.getTime() - 1);
  let y = from.getUTCFullYear();
  let m = from.getUTCMonth();
  while (y < last.getUTCFullYear() || (y === last.getUTCFullYear() && m <= last.getUTCMonth())) {
    months.push(`${y}-${String(m + 1).padStart(2, '0')}`);
    m += 1;
    if (m === 12) [y, m] = [y + 1, 0];
  }
  return months;
}

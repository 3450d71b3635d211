import * as z from 'zod';
import { E164Schema, LocaleSchema, SeveritySchema, TimeZoneSchema, type PipelineConfig, type Severity } from './config.ts';
import { decideCategory, grade } from './classify.ts';
import { assessEscalationRisk, EscalationRiskAssessmentSchema, lexiconNegativity, type Negativity } from './escalation-risk.ts';
import type { CompiledTextModel } from './text-model.ts';
import { slaDueTimes, withNextAction } from './sla.ts';

export const ChannelSchema = z.enum(['phone', 'web', 'app', 'email', 'social', 'chat', 'store']);
export type Channel = z.infer<typeof ChannelSchema>;

export const CustomerSchema = z.strictObject({
  id: z.string().trim().min(1).max(128),
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(254).optional(),
  phone: E164Schema.optional(),
  locale: LocaleSchema.optional(),
  /** IANA time zone for the survey's quiet hours; the company's when absent. */
  timeZone: TimeZoneSchema.optional(),
});

/** The body of `POST /complaints`. Unknown fields are rejected, not dropped. */
export const ComplaintInputSchema = z.strictObject({
  channel: ChannelSchema,
  customer: CustomerSchema,
  title: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().min(1).max(5000),
  category: z.string().min(1).max(48).optional(),
  severity: SeveritySchema.optional(),
  orderId: z.string().trim().min(1).max(64).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  externalId: z.string().trim().min(1).max(128).optional(),
});
export type ComplaintInput = z.infer<typeof ComplaintInputSchema>;

export const ComplaintStatusSchema = z.enum([
  'received',
  'acknowledged',
  'in_progress',
  'waiting_on_customer',
  'resolved',
  'closed',
  'reopened',
]);
export type ComplaintStatus = z.infer<typeof ComplaintStatusSchema>;

export const TimelineEntrySchema = z.object({
  at: z.string(),
  actor: z.string(),
  /** receive, an agent event type, sla_warning, escalate, or survey events. */
  event: z.string(),
  /** Status after the entry. */
  status: ComplaintStatusSchema,
  note: z.string().optional(),
  /** An internal entry (an internal update, a recategorisation) never reaches the customer, note or step. */
  internal: z.boolean().optional(),
  /** The step reaches the customer, its note does not (an agent marked it internal). */
  noteInternal: z.boolean().optional(),
  /** The inbound email this entry came from (its Message-ID key): a redelivered email adds nothing. */
  messageId: z.string().optional(),
  /** Files that came with the email: kept ones with their storage key, others with why not. Never sent back out. */
  attachments: z
    .array(
      z.object({
        name: z.string(),
        contentType: z.string(),
        size: z.number().int().min(0),
        key: z.string().optional(),
        notKept: z.enum(['type_not_allowed', 'too_large', 'too_many']).optional(),
      }),
    )
    .optional(),
  /** How many more files, none of them kept, came with the email than `attachments` lists. */
  attachmentsNotListed: z.number().int().min(1).optional(),
  /**
   * What an SLA warning or escalation is about, so each reader writes it in their own language (the
   * console); `note` says the same in English for exports and entries written before this field.
   */
  sla: z
    .object({
      phase: z.enum(['first_response', 'resolution']),
      dueAt: z.string(),
      level: z.number().int().min(1).optional(),
      contact: z.object({ name: z.string(), role: z.string() }).optional(),
    })
    .optional(),
  /** A `recategorize` entry: the category and department before and after. */
  recategorized: z
    .object({
      from: z.object({ category: z.string(), department: z.string() }),
      to: z.object({ category: z.string(), department: z.string() }),
    })
    .optional(),
  /** Why a receipt was not sent (a `receipt_withheld` entry), for the same reason as `sla`. */
  withheld: z
    .object({
      channel: z.enum(['email', 'sms']),
      reason: z.enum(['recipient_cap', 'sms_budget', 'email_budget']),
      /** The limit reached: receipts per recipient per hour, or receipt SMS or emails per hour company-wide. */
      limit: z.number().int().min(0),
    })
    .optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** The files kept from a complaint's emails, in timeline order: the console's `/console/attachments/<id>/<n>` counts them so. */
export function keptAttachments(complaint: Complaint): Array<{ readonly key: string; readonly name: string; readonly contentType: string; readonly size: number }> {
  return complaint.timeline.flatMap((e) => (e.attachments ?? []).flatMap((a) => (a.key ? [{ key: a.key, name: a.name, contentType: a.contentType, size: a.size }] : [])));
}

/**
 * Who an entry's note is from, which decides who reads it: an agent's note is for the customer
 * unless the entry or its note is internal; notes the system or the survey wrote, and the customer's own words (an email
 * reply, a survey comment), are never sent to the customer.
 */
export function noteAudience(entry: TimelineEntry): 'customer' | 'internal' | 'from_customer' | 'from_survey' {
  if (entry.actor === 'survey') return 'from_survey';
  if (entry.actor.startsWith('customer')) return 'from_customer';
  if (entry.internal || entry.noteInternal || entry.actor.startsWith('system') || entry.actor.startsWith('channel:')) return 'internal';
  return 'customer';
}

/** Where the complaint stands against its SLA targets. */
export const SlaStateSchema = z.object({
  /** first_response until acknowledged, then resolution until resolved; met afterwards. */
  phase: z.enum(['first_response', 'resolution', 'met']),
  /** When the current phase's target is due (business time already applied). */
  dueAt: z.string().optional(),
  /** When the department is warned (warningFraction of the phase's target). */
  warnAt: z.string().optional(),
  warned: z.boolean(),
  /** Set while waiting on the customer: the SLA clock is paused. */
  pausedAt: z.string().optional(),
  /** When the SLA sweeper next has something to do; absent when nothing is pending. */
  nextActionAt: z.string().optional(),
});
export type SlaState = z.infer<typeof SlaStateSchema>;

/** The satisfaction survey of the current resolution (set on resolve, cleared on reopen). */
export const SurveyStateSchema = z.object({
  /** `<complaint id>-r<reopenCount>`: one survey per resolution. */
  id: z.string(),
  /** When the dispatcher may send it (moved on by quiet hours). */
  dueAt: z.string(),
  sentAt: z.string().optional(),
  /**
   * Set while a dispatcher sends it: claimed at `since` (the send time the link and reporting fact
   * carry), held until `until`. A dispatcher that died before sending leaves it; the first run after
   * `until` takes it over.
   */
  sending: z.object({ since: z.string(), until: z.string() }).optional(),
  /** Why it was not sent; the survey is then finished. */
  skipped: z.enum(['opted_out', 'throttled', 'no_contact', 'not_resolved']).optional(),
});
export type SurveyState = z.infer<typeof SurveyStateSchema>;

/** The customer's latest survey answer; it survives a reopen (the survey facts keep every answer). */
export const SurveyAnswerRecordSchema = z.object({
  surveyId: z.string(),
  answeredAt: z.string(),
  rating: z.number().int().min(1).max(5),
  solved: z.boolean(),
  comment: z.string().optional(),
  outcome: z.enum(['reopened', 'closed', 'none']),
});
export type SurveyAnswerRecord = z.infer<typeof SurveyAnswerRecordSchema>;

/** A stored complaint, as the repository returns it and as stream images carry it. */
export const ComplaintSchema = z.object({
  entity: z.literal('complaint'),
  id: z.string(),
  /** Short human reference (`YX-4K7M-9QD2`), unique; complaints stored before it existed have none. */
  ref: z.string().optional(),
  version: z.number().int().min(1),
  status: ComplaintStatusSchema,
  channel: ChannelSchema,
  customer: CustomerSchema,
  title: z.string().optional(),
  description: z.string(),
  category: z.string(),
  categorySource: z.enum(['given', 'model', 'keywords', 'fallback']),
  /**
   * How the category was decided: `explicit` (given at intake), `model` (the trained classifier at or
   * above its minimum confidence), `keywords`, or `fallback`; with what the model said whenever it was
   * consulted. Absent on complaints stored before the classifier existed.
   */
  classification: z
    .object({
      method: z.enum(['explicit', 'model', 'keywords', 'fallback']),
      model: z.object({ label: z.string(), confidence: z.number().min(0).max(1) }).optional(),
    })
    .optional(),
  /** The escalation-risk assessment, when the config has `escalationRisk`. */
  escalationRisk: EscalationRiskAssessmentSchema.optional(),
  department: z.string(),
  severity: SeveritySchema,
  severitySource: z.enum(['given', 'rules', 'default']),
  /** Why the severity is above what `severitySource` gave: each reason raised it one step. */
  severityRaisedBy: z.array(z.enum(['repeat', 'escalation_risk'])).optional(),
  orderId: z.string().optional(),
  occurredAt: z.string().optional(),
  externalId: z.string().optional(),
  receivedAt: z.string(),
  firstResponseDueAt: z.string(),
  resolutionDueAt: z.string(),
  sla: SlaStateSchema,
  /** 0 until the SLA is breached; then the escalation chain level last notified. */
  escalationLevel: z.number().int().min(0),
  /** The earlier complaint this one repeats (same customer and category within the repeat window). */
  repeatOf: z.string().optional(),
  firstRespondedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  closedAt: z.string().optional(),
  /** Set by the agent when resolving: solved in the first contact. */
  firstContactResolution: z.boolean().optional(),
  reopenCount: z.number().int().min(0),
  survey: SurveyStateSchema.optional(),
  surveyAnswer: SurveyAnswerRecordSchema.optional(),
  timeline: z.array(TimelineEntrySchema),
  /** Set when the customer's personal data was erased (functions/domain/personal-data.ts). */
  erasedAt: z.string().optional(),
  /** Receipt channels withheld by the per-recipient receipt cap (functions/domain/receipt-cap.ts); the timeline says why. */
  receiptWithheld: z.array(z.enum(['email', 'sms'])).optional(),
  /** Epoch seconds: DynamoDB TTL deletes the complaint (and its personal data) after the retention period. */
  expiresAt: z.number().int(),
});
export type Complaint = z.infer<typeof ComplaintSchema>;

export type IntakeError = { kind: 'unknown_category'; category: string };

const SEVERITY_ORDER = ['low', 'medium', 'high', 'critical'] as const;

/**
 * The severity a complaint starts at: the one its sender gave, up to `protection.maxGivenSeverity`
 * (anyone can post to the intake, and a higher severity shortens its SLA and pages people sooner);
 * above that cap, the cap or what the config's rules grade, whichever is higher. Without one, the rules.
 */
function gradeWithGiven(given: Severity | undefined, text: string, config: PipelineConfig): { severity: Severity; source: 'given' | 'rules' | 'default' } {
  if (!given) return grade(text, config);
  const cap = config.protection.maxGivenSeverity;
  if (SEVERITY_ORDER.indexOf(given) <= SEVERITY_ORDER.indexOf(cap)) return { severity: given, source: 'given' };
  const ruled = grade(text, config);
  return SEVERITY_ORDER.indexOf(ruled.severity) > SEVERITY_ORDER.indexOf(cap) ? ruled : { severity: cap, source: 'given' };
}

/** One step up, for repeat complaints: a customer who has to complain again deserves more urgency. */
export function raiseSeverity(severity: Severity): Severity {
  return SEVERITY_ORDER[Math.min(SEVERITY_ORDER.indexOf(severity) + 1, SEVERITY_ORDER.length - 1)]!;
}

/** What intake learned about a complaint's text beyond the config: the trained model and the sentiment service. */
export interface IntakeSignals {
  /** The trained classifier, when the config has `classifier`. */
  readonly textModel?: CompiledTextModel;
  /** Negative emotion from a sentiment service; the config's lexicon is used without it. */
  readonly negativity?: Negativity;
}

/**
 * Builds a new complaint from validated input.
 *
 * Primary course: classify (unless a category is given: the trained model when confident, else
 * keywords, else the fallback), grade (unless a severity is given), route to the category's
 * department, link it to the customer's earlier complaint in the same category (a repeat is raised
 * one severity step), score the escalation risk (a marked complaint is raised one more step), set
 * SLA due times from the severity's targets and the department's business hours.
 * @param now receipt time
 * @param id a fresh unique id
 * @param earlier the customer's recent complaints (any category), newest first
 */
export function createComplaint(
  input: ComplaintInput,
  config: PipelineConfig,
  now: Date,
  id: string,
  earlier: ReadonlyArray<{ id: string; category: string; receivedAt: string }> = [],
  signals: IntakeSignals = {},
  /** Link to this complaint as a repeat whatever the category (a reply to a closed complaint). */
  repeatOfId?: string,
): { ok: true; complaint: Complaint } | { ok: false; error: IntakeError } {
  const text = [input.title ?? '', input.description].join('\n');
  let category: string;
  let categorySource: Complaint['categorySource'];
  let classification: NonNullable<Complaint['classification']>;
  if (input.category !== undefined) {
    if (!config.categories.some((c) => c.id === input.category)) {
      return { ok: false, error: { kind: 'unknown_category', category: input.category } };
    }
    category = input.category;
    categorySource = 'given';
    classification = { method: 'explicit' };
  } else {
    const decided = decideCategory(text, config, signals.textModel);
    category = decided.category;
    categorySource = decided.method === 'explicit' ? 'given' : decided.method;
    classification = { method: decided.method, ...(decided.model && { model: decided.model }) };
  }
  const graded = gradeWithGiven(input.severity, text, config);
  const department = config.categories.find((c) => c.id === category)!.department;
  const repeatCutoff = now.getTime() - config.slaPolicy.repeatWindowDays * 86_400_000;
  const repeatOf = repeatOfId !== undefined ? { id: repeatOfId } : earlier.find((e) => e.category === category && Date.parse(e.receivedAt) >= repeatCutoff);
  const risk = config.escalationRisk
    ? assessEscalationRisk(
        text,
        earlier.filter((e) => Date.parse(e.receivedAt) >= repeatCutoff).length,
        signals.negativity ?? lexiconNegativity(text, config.escalationRisk),
        config.escalationRisk,
      )
    : undefined;
  const raisedBy: Array<'repeat' | 'escalation_risk'> = [...(repeatOf ? ['repeat' as const] : []), ...(risk?.marked ? ['escalation_risk' as const] : [])];
  const severity = raisedBy.reduce<Severity>((s) => raiseSeverity(s), graded.severity);
  const receivedAt = now.toISOString();
  const due = slaDueTimes(now, severity, department, config);
  const complaint: Complaint = {
    entity: 'complaint',
    id,
    version: 1,
    status: 'received',
    channel: input.channel,
    customer: input.customer,
    ...(input.title !== undefined && { title: input.title }),
    description: input.description,
    category,
    categorySource,
    classification,
    ...(risk && { escalationRisk: risk }),
    department,
    severity,
    severitySource: graded.source,
    ...(raisedBy.length > 0 && { severityRaisedBy: raisedBy }),
    ...(repeatOf && { repeatOf: repeatOf.id }),
    ...(input.orderId !== undefined && { orderId: input.orderId }),
    ...(input.occurredAt !== undefined && { occurredAt: new Date(input.occurredAt).toISOString() }),
    ...(input.externalId !== undefined && { externalId: input.externalId }),
    receivedAt,
    firstResponseDueAt: due.firstResponseDueAt,
    resolutionDueAt: due.resolutionDueAt,
    sla: due.sla,
    escalationLevel: 0,
    reopenCount: 0,
    timeline: [{ at: receivedAt, actor: `channel:${input.channel}`, event: 'receive', status: 'received' }],
    expiresAt: Math.floor(now.getTime() / 1000) + config.retention.complaintDays * 86_400,
  };
  return { ok: true, complaint: withNextAction(complaint, config) };
}

/**
 * Whether the customer spoke last on an open complaint and no person has acted since: a reply by
 * email or on the reply page, or a reopen from the survey. The system's own entries (SLA warnings,
 * survey sends) do not count as an answer.
 */
export function customerSpokeLast(c: Complaint): boolean {
  if (c.status === 'resolved' || c.status === 'closed') return false;
  const last = c.timeline.findLast((e) => !e.actor.startsWith('system:'));
  return last !== undefined && (last.actor.startsWith('customer:') || last.actor === 'survey');
}

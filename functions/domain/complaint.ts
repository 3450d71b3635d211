import { z } from 'zod';
import { E164Schema, LocaleSchema, SeveritySchema, type PipelineConfig } from './config.ts';
import { classify, grade } from './classify.ts';
import { addHours } from './time.ts';

export const ChannelSchema = z.enum(['phone', 'web', 'app', 'email', 'social', 'chat', 'store']);
export type Channel = z.infer<typeof ChannelSchema>;

export const CustomerSchema = z.strictObject({
  id: z.string().trim().min(1).max(128),
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(254).optional(),
  phone: E164Schema.optional(),
  locale: LocaleSchema.optional(),
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
  event: z.string(),
  status: ComplaintStatusSchema,
  note: z.string().optional(),
});

/** A stored complaint, as the repository returns it and as stream images carry it. */
export const ComplaintSchema = z.object({
  entity: z.literal('complaint'),
  id: z.string(),
  version: z.number().int().min(1),
  status: ComplaintStatusSchema,
  channel: ChannelSchema,
  customer: CustomerSchema,
  title: z.string().optional(),
  description: z.string(),
  category: z.string(),
  categorySource: z.enum(['given', 'keywords', 'fallback']),
  department: z.string(),
  severity: SeveritySchema,
  severitySource: z.enum(['given', 'rules', 'default']),
  orderId: z.string().optional(),
  occurredAt: z.string().optional(),
  externalId: z.string().optional(),
  receivedAt: z.string(),
  firstResponseDueAt: z.string(),
  resolutionDueAt: z.string(),
  timeline: z.array(TimelineEntrySchema),
  /** Epoch seconds: DynamoDB TTL deletes the complaint (and its personal data) after the retention period. */
  expiresAt: z.number().int(),
});
export type Complaint = z.infer<typeof ComplaintSchema>;

export type IntakeError = { kind: 'unknown_category'; category: string };

/**
 * Builds a new complaint from validated input.
 *
 * Primary course: classify (unless a category is given), grade (unless a severity is given),
 * route to the category's department, set SLA due times from the severity's targets.
 * @param now receipt time
 * @param id a fresh unique id
 */
export function createComplaint(
  input: ComplaintInput,
  config: PipelineConfig,
  now: Date,
  id: string,
): { ok: true; complaint: Complaint } | { ok: false; error: IntakeError } {
  const text = [input.title ?? '', input.description].join('\n');
  let category: string;
  let categorySource: Complaint['categorySource'];
  if (input.category !== undefined) {
    if (!config.categories.some((c) => c.id === input.category)) {
      return { ok: false, error: { kind: 'unknown_category', category: input.category } };
    }
    category = input.category;
    categorySource = 'given';
  } else {
    const matched = classify(text, config);
    category = matched ?? config.fallbackCategory;
    categorySource = matched ? 'keywords' : 'fallback';
  }
  const graded = input.severity ? { severity: input.severity, source: 'given' as const } : grade(text, config);
  const department = config.categories.find((c) => c.id === category)!.department;
  const target = config.sla[graded.severity];
  const receivedAt = now.toISOString();
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
    department,
    severity: graded.severity,
    severitySource: graded.source,
    ...(input.orderId !== undefined && { orderId: input.orderId }),
    ...(input.occurredAt !== undefined && { occurredAt: new Date(input.occurredAt).toISOString() }),
    ...(input.externalId !== undefined && { externalId: input.externalId }),
    receivedAt,
    firstResponseDueAt: addHours(now, target.firstResponseHours).toISOString(),
    resolutionDueAt: addHours(now, target.resolutionHours).toISOString(),
    timeline: [{ at: receivedAt, actor: `channel:${input.channel}`, event: 'receive', status: 'received' }],
    expiresAt: Math.floor(now.getTime() / 1000) + config.retention.complaintDays * 86_400,
  };
  return { ok: true, complaint };
}

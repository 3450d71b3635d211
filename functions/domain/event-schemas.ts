/**
 * The public contract of the bus: one schema per `detail-type`, for the `detail` a consumer receives
 * (with `schemaVersion` and `eventId`). The local bus checks every event it records against these, so
 * every test that puts an event checks its producer; `docs/events/detail-schemas.json` is their JSON
 * Schema, and a test fails when a change to them is not written there too (a consumer's contract
 * changed: bump `EVENT_SCHEMA_VERSION` when it breaks one). Not imported by any Lambda bundle.
 */
import * as z from 'zod';
import { ChannelSchema, ComplaintStatusSchema } from './complaint.ts';
import { formatPath, SeveritySchema } from './config.ts';
import { COMPLAINT_EVENT_TYPES } from './lifecycle-rules.ts';
import { DOMAIN_EVENT_TYPES, EVENT_SCHEMA_VERSION, type DomainEventType } from './events.ts';

const time = z.iso.datetime({ offset: true });
const envelope = { schemaVersion: z.literal(EVENT_SCHEMA_VERSION), eventId: z.string().min(1) };
const complaint = { ...envelope, complaintId: z.string().min(1), category: z.string().min(1), department: z.string().min(1), severity: SeveritySchema };
const sla = { ...envelope, complaintId: z.string().min(1), department: z.string().min(1), phase: z.enum(['first_response', 'resolution']), dueAt: time };
const incident = { ...envelope, incidentId: z.string().min(1), category: z.string().min(1), department: z.string().min(1) };
const detector = z.enum(['static', 'adaptive', 'both']);
const survey = { ...envelope, surveyId: z.string().min(1), complaintId: z.string().min(1), category: z.string().min(1), department: z.string().min(1) };

/** Each detail-type's `detail`, strict: a field the contract does not name is a failure. */
export const EVENT_DETAIL_SCHEMAS = {
  'complaint.received': z.strictObject({ ...complaint, channel: ChannelSchema, receivedAt: time, repeatOf: z.string().nullable() }),
  'complaint.status_changed': z.strictObject({
    ...complaint,
    from: ComplaintStatusSchema,
    to: ComplaintStatusSchema,
    event: z.enum(COMPLAINT_EVENT_TYPES),
    actor: z.string().min(1),
  }),
  'complaint.sla_warning': z.strictObject(sla),
  'complaint.escalated': z.strictObject({ ...sla, level: z.number().int().min(1), role: z.string() }),
  'complaint.resolved': z.strictObject({
    ...complaint,
    receivedAt: time,
    resolvedAt: time,
    firstContactResolution: z.boolean().nullable(),
    escalationLevel: z.number().int().min(0),
  }),
  'complaint.recategorized': z.strictObject({
    ...complaint,
    from: z.strictObject({ category: z.string().min(1), department: z.string().min(1) }),
    actor: z.string().min(1),
  }),
  'alert.raised': z.strictObject({
    ...incident,
    detector,
    count: z.number().int().min(0),
    threshold: z.number().min(0),
    windowMinutes: z.number().int().min(1),
    openedAt: time,
  }),
  'alert.acknowledged': z.strictObject({ ...incident, acknowledgedBy: z.string().min(1), acknowledgedAt: time, openedAt: time }),
  'alert.escalated': z.strictObject({ ...incident, level: z.number().int().min(1), role: z.string().nullable(), escalatedAt: time }),
  'alert.resolved': z.strictObject({ ...incident, detector, openedAt: time, resolvedAt: time, peak: z.number().int().min(0), acknowledged: z.boolean() }),
  'survey.sent': z.strictObject({ ...survey, channels: z.array(z.enum(['email', 'sms'])).min(1), sentAt: time }),
  'survey.answered': z.strictObject({
    ...survey,
    rating: z.number().int().min(1).max(5),
    solved: z.boolean(),
    outcome: z.enum(['reopened', 'closed', 'none']),
    hasComment: z.boolean(),
    answeredAt: time,
  }),
} satisfies Record<DomainEventType, z.ZodType>;

/** Why `detail` is not what `type` promises, as `path: message` lines; empty when it is. */
export function eventDetailProblems(type: DomainEventType, detail: unknown): string[] {
  const parsed = EVENT_DETAIL_SCHEMAS[type].safeParse(detail);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${formatPath(i.path) || '(detail)'}: ${i.message}`);
}

/** The JSON Schema of every detail-type (`docs/events/detail-schemas.json`). */
export function eventDetailJsonSchemas(): Record<DomainEventType, unknown> {
  return Object.fromEntries(DOMAIN_EVENT_TYPES.map((type) => [type, z.toJSONSchema(EVENT_DETAIL_SCHEMAS[type])])) as Record<DomainEventType, unknown>;
}

/**
 * The body of an agent's event (`POST /complaints/{id}/events`, the console's forms) as a schema. Apart
 * from lifecycle.ts, so functions that apply or list events but never parse a request (the console
 * pages, the stream consumers) do not carry it.
 */
import * as z from 'zod';
import type { PipelineConfig } from './config.ts';
import { COMPLAINT_EVENT_TYPES } from './lifecycle-rules.ts';

export const ComplaintEventTypeSchema = z.enum(COMPLAINT_EVENT_TYPES);

/** The body of `POST /complaints/{id}/events`. */
export const ComplaintEventSchema = z
  .strictObject({
    type: ComplaintEventTypeSchema,
    actor: z.string().trim().min(1).max(128),
    note: z.string().trim().min(1).max(2000).optional(),
    expectedVersion: z.number().int().min(1).optional(),
    firstContactResolution: z.boolean().optional(),
    /**
     * The note stays inside: an internal `update` reaches nobody outside; any other step still
     * reaches the customer, without the note.
     */
    internal: z.boolean().optional(),
    /** `recategorize` only: the category the complaint belongs in; its department follows. */
    category: z.string().trim().min(1).max(64).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type === 'recategorize' && e.category === undefined) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a recategorize event needs the new category' });
    if (e.category !== undefined && e.type !== 'recategorize') ctx.addIssue({ code: 'custom', path: ['category'], message: 'only a recategorize event has a category' });
    if (e.internal !== undefined && e.type === 'recategorize') {
      ctx.addIssue({ code: 'custom', path: ['internal'], message: 'a recategorize event is always internal' });
    }
    if (e.internal && !e.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'internal means the note stays inside: give a note' });
    if (e.firstContactResolution !== undefined && e.type !== 'resolve') {
      ctx.addIssue({ code: 'custom', path: ['firstContactResolution'], message: 'only a resolve can say whether the first contact resolved it' });
    }
  });
export type ComplaintEvent = z.infer<typeof ComplaintEventSchema>;

/** {@link ComplaintEventSchema} that also refuses a category the config does not have, naming the ones it has. */
export function complaintEventSchemaFor(config: PipelineConfig) {
  const ids = config.categories.map((c) => c.id);
  return ComplaintEventSchema.superRefine((e, ctx) => {
    if (e.category !== undefined && !ids.includes(e.category)) ctx.addIssue({ code: 'custom', path: ['category'], message: `unknown category; one of: ${ids.join(', ')}` });
  });
}

import { provideStores } from '../adapters/aws-runtime.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import * as z from 'zod';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeCategory, canSeeDepartment, visibleDepartments } from '../domain/access.ts';
import { ComplaintStatusSchema } from '../domain/complaint.ts';
import { parseRef } from '../domain/ids.ts';
import { InvalidCursorError } from '../ports/complaint-repository.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore });

const QuerySchema = z
  .strictObject({
    status: ComplaintStatusSchema.optional(),
    department: z.string().min(1).max(48).optional(),
    category: z.string().min(1).max(48).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    // The overdue listing's cursor holds a position per due-index bucket: about 80 characters each, 64 buckets at most.
    cursor: z.string().min(1).max(8192).optional(),
    /** A short reference as a person reads it out (`yx-4k7m-9qd2` works too). */
    ref: z
      .string()
      .max(32)
      .transform((text, ctx) => parseRef(text) ?? (ctx.addIssue({ code: 'custom', message: 'must be a complaint reference such as YX-4K7M-9QD2' }), z.NEVER))
      .optional(),
  })
  .refine((q) => q.ref || q.status || q.department || q.category || q.overdue === 'true', {
    message: 'give at least one of ref, status, department, category or overdue=true (every listing is served by an index)',
    path: ['status'],
  });

/**
 * `GET /complaints?status=&department=&category=&overdue=true&limit=&cursor=` (agent route), or
 * `GET /complaints?ref=YX-4K7M-9QD2`: the one complaint with that reference (a uniqueness record, never a Scan).
 * A department user lists only their departments: naming another is 403, a listing by status or
 * overdue alone is narrowed to their department, and another department's reference finds nothing.
 */
export const handler = agentHandler(async (event, principal) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  const rt = runtime();
  if (parsed.data.ref) {
    const found = await rt.complaints.getByRef(parsed.data.ref);
    return json(200, { items: found && canSeeDepartment(principal, found.department) ? [found] : [] });
  }
  const q = { ...parsed.data };
  if ((q.department && !canSeeDepartment(principal, q.department)) || (q.category && !canSeeCategory(principal, q.category, rt.config))) {
    return json(403, { error: 'forbidden', message: 'that department or category is outside your groups' });
  }
  if (!principal.admin && !q.department && !q.category) {
    const mine = visibleDepartments(principal, rt.config);
    if (mine.length !== 1) return validationError([{ path: 'department', message: `you see several departments (${mine.join(', ')}): name one` }]);
    q.department = mine[0];
  }
  try {
    const page = await rt.complaints.list(
      {
        ...(q.status && { status: q.status }),
        ...(q.department && { department: q.department }),
        ...(q.category && { category: q.category }),
        ...(q.overdue === 'true' && { overdueAt: rt.clock.now() }),
      },
      q.limit,
      q.cursor,
    );
    // Belt and braces: nothing outside the caller's departments leaves, whatever the index returned.
    return json(200, { ...page, items: page.items.filter((c) => canSeeDepartment(principal, c.department)) });
  } catch (err) {
    if (err instanceof InvalidCursorError) return validationError([{ path: 'cursor', message: err.message }]);
    throw err;
  }
});

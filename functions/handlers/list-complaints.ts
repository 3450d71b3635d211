import '../adapters/aws-runtime.ts';
import { z } from 'zod';
import { httpHandler, json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { ComplaintStatusSchema } from '../domain/complaint.ts';
import { normaliseRef, REF_PATTERN } from '../domain/ids.ts';
import { InvalidCursorError } from '../ports/complaint-repository.ts';

const QuerySchema = z
  .strictObject({
    status: ComplaintStatusSchema.optional(),
    department: z.string().min(1).max(48).optional(),
    category: z.string().min(1).max(48).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().min(1).max(2048).optional(),
    /** A short reference as a person reads it out (`yx-4k7m-9qd2` works too). */
    ref: z
      .string()
      .max(32)
      .transform(normaliseRef)
      .refine((r) => REF_PATTERN.test(r), 'must be a complaint reference such as YX-4K7M-9QD2')
      .optional(),
  })
  .refine((q) => q.ref || q.status || q.department || q.category || q.overdue === 'true', {
    message: 'give at least one of ref, status, department, category or overdue=true (every listing is served by an index)',
    path: ['status'],
  });

/**
 * `GET /complaints?status=&department=&category=&overdue=true&limit=&cursor=` (agent route), or
 * `GET /complaints?ref=YX-4K7M-9QD2`: the one complaint with that reference (a uniqueness record, never a Scan).
 */
export const handler = httpHandler(async (event) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  const q = parsed.data;
  const rt = runtime();
  if (q.ref) {
    const found = await rt.complaints.getByRef(q.ref);
    return json(200, { items: found ? [found] : [] });
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
    return json(200, page);
  } catch (err) {
    if (err instanceof InvalidCursorError) return validationError([{ path: 'cursor', message: err.message }]);
    throw err;
  }
});

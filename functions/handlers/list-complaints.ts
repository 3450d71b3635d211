import '../adapters/aws-runtime.ts';
import { z } from 'zod';
import { httpHandler, json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { ComplaintStatusSchema } from '../domain/complaint.ts';
import { InvalidCursorError } from '../ports/complaint-repository.ts';

const QuerySchema = z
  .strictObject({
    status: ComplaintStatusSchema.optional(),
    department: z.string().min(1).max(48).optional(),
    category: z.string().min(1).max(48).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .refine((q) => q.status || q.department || q.category || q.overdue === 'true', {
    message: 'give at least one of status, department, category or overdue=true (every listing is served by an index)',
    path: ['status'],
  });

/** `GET /complaints?status=&department=&category=&overdue=true&limit=&cursor=` (agent route). */
export const handler = httpHandler(async (event) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  const q = parsed.data;
  const rt = runtime();
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

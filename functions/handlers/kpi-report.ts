import '../adapters/aws-runtime.ts';
import { z } from 'zod';
import { httpHandler, json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { reportKpis } from '../use-cases/report-kpis.ts';

const DAY_MS = 86_400_000;
/** Reads grow with the complaints in range; a year keeps one request bounded. */
const MAX_RANGE_DAYS = 366;

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

const QuerySchema = z
  .strictObject({ from: instant, to: instant })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_RANGE_DAYS * DAY_MS, { message: `the range can be at most ${MAX_RANGE_DAYS} days`, path: ['to'] });

/**
 * `GET /reports/kpis?from=&to=` (agent route): first-response time and on-time rate, resolution
 * on-time rate, first-contact resolution, escalation and repeat rates of the complaints received in
 * `[from, to)`, with CSAT, overall, per department and per category.
 */
export const handler = httpHandler(async (event) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  return json(200, await reportKpis(parsed.data.from, parsed.data.to, runtime()));
});

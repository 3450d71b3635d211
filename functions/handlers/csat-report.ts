import '../adapters/aws-runtime.ts';
import { z } from 'zod';
import { httpHandler, json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { reportCsat } from '../use-cases/report-csat.ts';

const DAY_MS = 86_400_000;
/** A report reads one partition per month; two years keeps a request bounded. */
const MAX_RANGE_DAYS = 731;

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

const QuerySchema = z
  .strictObject({ from: instant, to: instant })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_RANGE_DAYS * DAY_MS, { message: `the range can be at most ${MAX_RANGE_DAYS} days`, path: ['to'] });

/**
 * `GET /reports/csat?from=&to=` (agent route): CSAT (share of 4-5 ratings), response rate and
 * reopen-after-survey rate of the surveys sent in `[from, to)` (dates are UTC midnights), overall,
 * per department and per category.
 */
export const handler = httpHandler(async (event) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  return json(200, await reportCsat(parsed.data.from, parsed.data.to, runtime()));
});

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { formatPath } from '../domain/config.ts';
import { logger } from './observability.ts';

/** Request bodies above this size are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export function json(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

export function validationError(issues: readonly ValidationIssue[]): HttpResult {
  return json(400, { error: 'validation', issues });
}

/** Maps zod issues to `{ path: "customer.phone", message }`; unknown keys are named one by one. */
export function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/**
 * Decodes and parses a JSON body, refusing oversized bodies (413) and malformed JSON (400) with a
 * clear message instead of an exception.
 */
export function readJsonBody(event: APIGatewayProxyEventV2): { ok: true; value: unknown } | { ok: false; response: HttpResult } {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    return { ok: false, response: json(413, { error: 'payload_too_large', message: `body exceeds ${MAX_BODY_BYTES} bytes` }) };
  }
  if (bytes.length === 0) return { ok: false, response: validationError([{ path: '', message: 'a JSON body is required' }]) };
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (err) {
    return { ok: false, response: validationError([{ path: '', message: `body is not valid JSON: ${(err as Error).message}` }]) };
  }
}

/**
 * Wraps an HTTP handler so an unexpected failure is logged and answered with a JSON 500, never a
 * stack trace; bad input is handled inside and never reaches here.
 */
export function httpHandler(run: (event: APIGatewayProxyEventV2) => Promise<HttpResult>) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      return await run(event);
    } catch (err) {
      logger.error('request failed', { routeKey: event.routeKey, requestId: event.requestContext?.requestId, error: err as Error });
      return json(500, { error: 'internal', message: 'the request could not be completed; it is safe to retry' });
    }
  };
}

const DAY_MS = 86_400_000;
/** An ISO date (a UTC midnight) or an ISO time with offset. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

/**
 * The `?from=&to=` query of a report: `[from, to)`, from before to, at most `maxDays` long so one
 * request's reads stay bounded.
 */
export function dateRangeQuery(maxDays: number) {
  return z
    .strictObject({ from: instant, to: instant })
    .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] })
    .refine((q) => q.to.getTime() - q.from.getTime() <= maxDays * DAY_MS, { message: `the range can be at most ${maxDays} days`, path: ['to'] });
}

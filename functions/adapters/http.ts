import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { formatPath } from '../domain/config.ts';
import { DAY_MS } from '../domain/time.ts';
import { instrumented, logger } from './observability.ts';

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

/** A file name for Content-Disposition: a plain ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(name: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_').trim() || 'attachment';
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The headers of a file a customer sent, served to a person: always a download, never rendered
 * (`application/octet-stream`, `nosniff`, a sandboxing CSP), never cached, no referrer.
 */
export function downloadHeaders(name: string): Record<string, string> {
  return customerFileHeaders(name, 'application/octet-stream', 'attachment');
}

/**
 * The headers of a picture a customer sent, shown in the console (`attachment-preview.ts`: a raster
 * type whose bytes were checked): its own type and `inline`, otherwise as a download's.
 */
export function previewHeaders(name: string, contentType: string): Record<string, string> {
  return customerFileHeaders(name, contentType, 'inline');
}

function customerFileHeaders(name: string, contentType: string, disposition: 'attachment' | 'inline'): Record<string, string> {
  return {
    'content-type': contentType,
    'content-disposition': contentDisposition(name, disposition),
    'cache-control': 'private, no-store',
    'content-security-policy': "default-src 'none'; sandbox",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
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

/** The media type of a request (`content-type` without parameters), lower-cased; '' when absent. */
export function mediaType(event: APIGatewayProxyEventV2): string {
  const header = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  return header.split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes and parses a JSON body, refusing another content type (415: a cross-site form or a
 * `text/plain` "simple request" cannot post JSON routes, since browsers send `application/json` only
 * after a CORS preflight), oversized bodies (413) and malformed JSON (400) with a clear message
 * instead of an exception.
 */
export function readJsonBody(event: APIGatewayProxyEventV2): { ok: true; value: unknown } | { ok: false; response: HttpResult } {
  const type = mediaType(event);
  if (type !== 'application/json') {
    return {
      ok: false,
      response: json(415, { error: 'unsupported_media_type', message: `send the body as content-type: application/json (got ${type ? `'${type}'` : 'none'})` }),
    };
  }
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

/** DynamoDB refuses key values over 2,048 bytes (UTF-8); an id in a path is used as one. */
export const MAX_KEY_BYTES = 2048;

/**
 * A path parameter used as a DynamoDB key: present, non-empty and within DynamoDB's key size, else a
 * 400 naming the parameter (so DynamoDB never sees a key it would refuse with a ValidationException).
 */
export function keyPathParameter(event: APIGatewayProxyEventV2, name: string): { ok: true; value: string } | { ok: false; response: HttpResult } {
  const value = event.pathParameters?.[name] ?? '';
  if (!value) return { ok: false, response: validationError([{ path: name, message: `the ${name} in the path is missing` }]) };
  if (Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES) {
    return { ok: false, response: validationError([{ path: name, message: `the ${name} in the path is longer than ${MAX_KEY_BYTES} bytes; no such item can exist` }]) };
  }
  return { ok: true, value };
}

/**
 * Wraps an HTTP handler so an unexpected failure is logged and answered with a JSON 500, never a
 * stack trace; bad input is handled inside and never reaches here. Instrumented (request id, cold
 * start, metrics flushed) like every handler.
 */
export function httpHandler(run: (event: APIGatewayProxyEventV2) => Promise<HttpResult>) {
  return instrumented(async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      return await run(event);
    } catch (err) {
      logger.error('request failed', { routeKey: event.routeKey, requestId: event.requestContext?.requestId, error: err as Error });
      return json(500, { error: 'internal', message: 'the request could not be completed; it is safe to retry' });
    }
  });
}

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

import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ParsedAttachment } from '../domain/inbound-mail.ts';
import { PAGE_CSS, type Page } from '../domain/survey-pages.ts';
import { MAX_BODY_BYTES, type HttpResult } from './http.ts';
import { instrumented, logger } from './observability.ts';

/**
 * The pages' Content-Security-Policy: nothing may load (no scripts, images, fonts or frames) except the
 * one inline stylesheet, allowed by its hash, and a page's own inline script, allowed by its hash too;
 * forms post only to this origin.
 */
export function pageCsp(script?: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${sha256Of(PAGE_CSS)}'`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ...(script ? [`script-src 'sha256-${sha256Of(script)}'`] : []),
  ].join('; ');
}

const hashes = new Map<string, string>();
/** SHA-256 (base64) of an inline stylesheet or script, computed once per text: there are two, and every page response names them. */
function sha256Of(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) hashes.set(text, (hash = createHash('sha256').update(text, 'utf8').digest('base64')));
  return hash;
}

/** An HTML page with the security headers every public page carries (the token is in the URL: no referrer, no cache). */
export function htmlResponse(page: Page): HttpResult {
  return {
    statusCode: page.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': pageCsp(page.script),
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-language': page.locale,
    },
    body: page.html,
  };
}

/**
 * Reads an `application/x-www-form-urlencoded` body, which API Gateway may hand over base64-encoded.
 * @returns the fields, or a plain-text 413 / 415 response
 */
export function readFormBody(event: APIGatewayProxyEventV2): { ok: true; fields: URLSearchParams } | { ok: false; response: HttpResult } {
  const type = (event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'application/x-www-form-urlencoded') return { ok: false, response: plain(415, 'expected a form (application/x-www-form-urlencoded)') };
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) return { ok: false, response: plain(413, `body exceeds ${MAX_BODY_BYTES} bytes`) };
  return { ok: true, fields: new URLSearchParams(bytes.toString('utf8')) };
}

/** A form with files: its text fields, and the files of one named file input (in the order sent). */
export interface FormWithFiles {
  readonly fields: URLSearchParams;
  readonly files: ParsedAttachment[];
}

/**
 * Reads a form that may carry files: `multipart/form-data` of at most `maxBytes` (as received, before
 * API Gateway's base64; no `maxBytes`: no multipart, 415), parsed by the runtime's own parser (`Response.formData()`), files taken from
 * the input named `fileField` and other file inputs ignored; or, as {@link readFormBody}, an
 * `application/x-www-form-urlencoded` body of at most 64 KiB. A base64 body is measured before it is
 * decoded, so an oversized one is never held twice.
 * @returns the form, or why not: 413 (too large: the caller may answer with its page), 415, or 400 for
 *   a multipart body that cannot be parsed, each with a plain-text response
 */
export async function readFormWithFiles(
  event: APIGatewayProxyEventV2,
  fileField: string,
  maxBytes: number | undefined,
): Promise<{ ok: true; form: FormWithFiles } | { ok: false; status: 400 | 413 | 415; response: HttpResult }> {
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (maxBytes === undefined || contentType.split(';')[0]!.trim().toLowerCase() !== 'multipart/form-data') {
    const form = readFormBody(event);
    if (form.ok) return { ok: true, form: { fields: form.fields, files: [] } };
    return { ok: false, status: form.response.statusCode === 413 ? 413 : 415, response: form.response };
  }
  const raw = event.body ?? '';
  const tooLarge = { ok: false as const, status: 413 as const, response: plain(413, `body exceeds ${maxBytes} bytes`) };
  // Four base64 characters carry three bytes: no need to decode what is certainly too large.
  if (event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) - 2 > maxBytes : raw.length > maxBytes) return tooLarge;
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) return tooLarge;
  let parsed: FormData;
  try {
    parsed = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    // A missing boundary, a truncated part: the sender's mistake, the same on every retry.
    return { ok: false, status: 400, response: plain(400, 'malformed multipart/form-data body') };
  }
  const fields = new URLSearchParams();
  const files: ParsedAttachment[] = [];
  for (const [name, value] of parsed) {
    if (typeof value === 'string') fields.append(name, value);
    else if (name === fileField) files.push({ filename: value.name, contentType: value.type, size: value.size, content: new Uint8Array(await value.arrayBuffer()) });
  }
  return { ok: true, form: { fields, files } };
}

function plain(statusCode: number, text: string): HttpResult {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: text };
}

/**
 * Wraps a page handler: an unexpected failure is logged and answered with a short HTML 500 page.
 * Instrumented (request id, cold start, metrics flushed) like every handler.
 */
export function pageHandler(run: (event: APIGatewayProxyEventV2) => Promise<HttpResult>) {
  return instrumented(async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      return await run(event);
    } catch (err) {
      // A malformed percent-escape in the path or a field is the caller's mistake, not ours.
      if (err instanceof URIError) {
        return {
          statusCode: 400,
          headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" },
          body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request</title></head><body><h1>Bad request · 请求有误</h1><p>The address is malformed. 链接格式有误。</p></body></html>',
        };
      }
      logger.error('page request failed', { routeKey: event.routeKey, requestId: event.requestContext?.requestId, error: err as Error });
      return {
        statusCode: 500,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" },
        body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Something went wrong · 出错了</h1><p>Please try again in a minute. 请稍后重试。</p></body></html>',
      };
    }
  });
}

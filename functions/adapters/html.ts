import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PAGE_CSS, type Page } from '../domain/survey-pages.ts';
import { MAX_BODY_BYTES, type HttpResult } from './http.ts';
import { instrumented, logger } from './observability.ts';

/**
 * The pages' Content-Security-Policy: nothing may load (no scripts, images, fonts or frames) except the
 * one inline stylesheet, allowed by its hash; forms post only to this origin.
 */
// Pure: a handler that imports only `pageHandler` (the console's) does not carry the survey pages' stylesheet.
export const PAGE_CSP = /* @__PURE__ */ (() =>
  [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(PAGE_CSS, 'utf8').digest('base64')}'`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '))();

/** An HTML page with the security headers every public page carries (the token is in the URL: no referrer, no cache). */
export function htmlResponse(page: Page): HttpResult {
  return {
    statusCode: page.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CSP,
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

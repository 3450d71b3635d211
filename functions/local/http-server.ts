import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import * as z from 'zod';
import { MAX_BODY_BYTES, type HttpResult } from '../adapters/http.ts';
import { LOCAL_DOWNLOAD_PATH, type LocalDownload } from '../adapters/local-mail-store.ts';
import { parseDuration } from '../domain/time.ts';
import type { HttpTrigger } from '../pipeline.ts';
import { ClockRewindError, type SimulatedClock } from './simulated-clock.ts';

/** A function reachable over HTTP, as the stack's HTTP API routes to it. */
export interface LocalRoute {
  readonly name: string;
  readonly trigger: HttpTrigger;
  readonly handler: (event: APIGatewayProxyEventV2) => Promise<HttpResult>;
}

export interface LocalServerOptions {
  readonly routes: readonly LocalRoute[];
  readonly clock: SimulatedClock;
  /**
   * The agent routes' Lambda authorizer (the module with the `authorizer` trigger), run before every
   * agent route as API Gateway runs it; its context reaches the route as `requestContext.authorizer.lambda`.
   */
  readonly authorizer: (event: APIGatewayRequestAuthorizerEventV2) => Promise<APIGatewaySimpleAuthorizerWithContextResult<Record<string, unknown>>>;
  /** Moves the clock to `t`, running every schedule that comes due; resolves with the new time. */
  readonly advanceClock: (t: Date) => Promise<Date>;
  /** Local-only read endpoints (`GET /config`, `GET /local/outbox`, ...), each returning JSON. */
  readonly localViews: Readonly<Record<string, () => unknown | Promise<unknown>>>;
  /** Local-only HTML pages by path (`GET /local/outbox/{id}.html`); undefined: not one of them. @default none */
  readonly localPage?: (pathname: string) => string | undefined;
  /** Serves the local mail store's download links (`GET /local/mail/download`: its presigned S3 GET). @default none */
  readonly mailDownload?: (query: URLSearchParams) => Promise<LocalDownload>;
}

/**
 * Thrown by `advanceClock` when stream consumers are still working through a backlog: `moved` says
 * whether the clock moved (202) or not yet (409); `pending` says what each consumer still holds.
 */
export class ClockBacklogError extends Error {
  override readonly name = 'ClockBacklogError';

  constructor(
    readonly moved: boolean,
    readonly now: Date,
    readonly pending: string,
  ) {
    super(moved ? 'the clock moved; stream consumers are still handling what the runs wrote' : 'stream consumers are still handling a backlog; the clock did not move');
  }
}

const ClockBodySchema = z.union([
  z.strictObject({ advanceBy: z.string().min(2) }),
  z.strictObject({ now: z.iso.datetime({ offset: true }) }),
]);

interface CompiledRoute extends LocalRoute {
  readonly pattern: RegExp;
  readonly params: string[];
}

function compile(route: LocalRoute): CompiledRoute {
  const params: string[] = [];
  // Braces are left unescaped so `{name}` placeholders survive escaping.
  const source = route.trigger.path.replace(/[.*?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)(\+?)\}/g, (_m, name: string, greedy: string) => {
    params.push(name);
    // `{proxy+}` is API Gateway's greedy parameter: the rest of the path, slashes included.
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), params };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Reads a body, buffering at most `limit + 1` bytes (enough to tell it is over the limit); `size` is the whole. */
async function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    if (size <= limit) chunks.push(buffer.subarray(0, limit + 1 - size));
    size += buffer.length;
  }
  return { body: Buffer.concat(chunks), size };
}

/**
 * Whether API Gateway (HTTP API) hands this body over base64-encoded: it does for content it does not
 * treat as text, multipart forms (files) among them. Text bodies arrive as they are.
 */
function deliveredAsBase64(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'multipart/form-data';
}

/** Payload 2.0 moves cookies out of the headers into `cookies`, as API Gateway does. */
function splitHeaders(req: IncomingMessage): { headers: Record<string, string>; cookies: string[] | undefined } {
  const headers = Object.fromEntries(
    Object.entries(req.headers)
      .filter(([k]) => k !== 'cookie')
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );
  const cookies = req.headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);
  return { headers, cookies: cookies?.length ? cookies : undefined };
}

/** The `requestContext` API Gateway (HTTP API, payload 2.0) gives a route and its authorizer alike. */
function requestContextOf(req: IncomingMessage, url: URL, routeKey: string, now: Date): APIGatewayProxyEventV2['requestContext'] {
  return {
    accountId: 'local',
    apiId: 'local',
    domainName: url.host,
    domainPrefix: 'local',
    http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? '' },
    requestId: randomUUID(),
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
  };
}

/** The request event API Gateway hands a Lambda authorizer (payload 2.0). */
function toAuthorizerEvent(req: IncomingMessage, url: URL, route: CompiledRoute, now: Date): APIGatewayRequestAuthorizerEventV2 {
  const { headers, cookies } = splitHeaders(req);
  const routeKey = `${route.trigger.method} ${route.trigger.path}`;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:local:local/$default/${route.trigger.method}${route.trigger.path}`,
    identitySource: [],
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies && { cookies }),
    headers,
    requestContext: requestContextOf(req, url, routeKey, now),
  } as APIGatewayRequestAuthorizerEventV2;
}

/**
 * The request URL, or undefined when the Host header or the target cannot form one (as API Gateway,
 * the local server answers such a request 400 instead of failing).
 */
function requestUrl(req: IncomingMessage): URL | undefined {
  const host = req.headers.host ?? 'localhost';
  // A host name, IPv4 or [IPv6] literal with an optional port: `new URL` would accept `a/b?c` as a host
  // and silently drop the rest.
  if (!/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.test(host)) return undefined;
  try {
    return new URL(req.url ?? '/', `http://${host}`);
  } catch {
    return undefined;
  }
}

/** Decoded path parameters, or undefined when one holds a malformed percent-escape (`%ZZ`, a cut UTF-8 sequence). */
function pathParameters(route: CompiledRoute, match: RegExpExecArray): Record<string, string> | undefined {
  try {
    return Object.fromEntries(route.params.map((p, i) => [p, decodeURIComponent(match[i + 1] ?? '')]));
  } catch {
    return undefined;
  }
}

/** The event API Gateway (HTTP API, payload 2.0) hands a Lambda for this request. */
function toApiEvent(
  req: IncomingMessage,
  url: URL,
  route: CompiledRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
  now: Date,
): APIGatewayProxyEventV2 {
  const { headers, cookies } = splitHeaders(req);
  const query = url.searchParams.size ? Object.fromEntries(url.searchParams) : undefined;
  const routeKey = `${route.trigger.method} ${route.trigger.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies && { cookies }),
    headers,
    ...(query && { queryStringParameters: query }),
    ...(route.params.length && { pathParameters }),
    ...(body.length ? (deliveredAsBase64(req.headers['content-type']) ? { body: body.toString('base64'), isBase64Encoded: true } : { body: body.toString('utf8'), isBase64Encoded: false }) : { isBase64Encoded: false }),
    requestContext: requestContextOf(req, url, routeKey, now),
  };
}

/**
 * The local HTTP API: the pipeline's HTTP routes (same paths as the deployed API, invoking the same
 * handler modules with API Gateway's event shape) plus local-only endpoints for health, config,
 * the outbox and the simulated clock.
 */
export function createLocalServer(options: LocalServerOptions): Server {
  // API Gateway prefers a route without a greedy `{proxy+}` over one with it (`/console/attachments/{id}/{n}`
  // over `/console/{proxy+}`), whatever their order.
  const routes = options.routes.map(compile).sort((a, b) => Number(a.trigger.path.includes('+}')) - Number(b.trigger.path.includes('+}')));
  return createServer((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = requestUrl(req);
      // A route that names its own body limit (the reply page's files) checks it itself and answers
      // with its page: it gets the start of an oversized body, enough to see that it is too large.
      // Everything else is held to MAX_BODY_BYTES here.
      const routeLimit = url && routes.find((r) => r.trigger.method === method && r.pattern.test(url.pathname))?.trigger.maxBodyBytes;
      const { body, size } = await readBody(req, routeLimit ?? MAX_BODY_BYTES);
      if (!url) return send(res, 400, { error: 'bad_request', message: 'the Host header or the request target is not a valid URL' });
      if (routeLimit === undefined && size > MAX_BODY_BYTES) return send(res, 413, { error: 'payload_too_large', message: `body exceeds ${MAX_BODY_BYTES} bytes` });

      if (method === 'GET' && url.pathname === '/health') return send(res, 200, { status: 'ok' });
      const view = options.localViews[url.pathname];
      if (method === 'GET' && view) return send(res, 200, await view());
      const localPage = method === 'GET' ? options.localPage?.(url.pathname) : undefined;
      if (localPage !== undefined) return send(res, 200, localPage, { 'content-type': 'text/html; charset=utf-8' });
      if (method === 'GET' && url.pathname === LOCAL_DOWNLOAD_PATH && options.mailDownload) {
        const file = await options.mailDownload(url.searchParams);
        res.writeHead(file.statusCode, file.headers);
        return res.end(file.body);
      }
      if (method === 'POST' && url.pathname === '/local/clock') return send(res, ...(await clockRequest(body, options)));

      for (const route of routes) {
        const match = route.pattern.exec(url.pathname);
        if (!match || route.trigger.method !== method) continue;
        const params = pathParameters(route, match);
        if (!params) return send(res, 400, { error: 'bad_request', message: `malformed percent-escape in the path ${url.pathname}` });
        const event = toApiEvent(req, url, route, params, body, options.clock.now());
        if (route.trigger.auth === 'agent') {
          const verdict = await options.authorizer(toAuthorizerEvent(req, url, route, options.clock.now()));
          if (!verdict.isAuthorized) {
            return send(res, 401, { error: 'unauthorized', message: 'agent routes need Authorization: Bearer <token> (the agent token locally) or a console session' }, { 'www-authenticate': 'Bearer' });
          }
          (event.requestContext as { authorizer?: unknown }).authorizer = { lambda: verdict.context };
        }
        const result = await route.handler(event);
        res.writeHead(result.statusCode ?? 200, {
          ...((result.headers ?? {}) as Record<string, string>),
          ...(result.cookies?.length && { 'set-cookie': result.cookies }),
        });
        // A binary body (a file download) travels base64-encoded, as API Gateway expects it.
        return res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
      }
      const pathKnown = routes.some((r) => r.pattern.test(url.pathname));
      return send(res, pathKnown ? 405 : 404, { error: pathKnown ? 'method_not_allowed' : 'not_found', message: `${method} ${url.pathname}` });
    })().catch((err: unknown) => {
      // The handlers answer their own errors; this covers the local plumbing.
      console.error('local server error', err);
      if (!res.headersSent) send(res, 500, { error: 'internal', message: 'local runtime error; see the console' });
      else res.end();
    });
  });
}

async function clockRequest(body: Buffer, options: LocalServerOptions): Promise<[number, unknown]> {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8') || 'null');
  } catch {
    return [400, { error: 'validation', issues: [{ path: '', message: 'body is not valid JSON' }] }];
  }
  const parsed = ClockBodySchema.safeParse(raw);
  if (!parsed.success) {
    return [400, { error: 'validation', issues: [{ path: '', message: 'expected { "advanceBy": "PT1H" } or { "now": "<ISO 8601 time>" }' }] }];
  }
  let target: Date;
  if ('advanceBy' in parsed.data) {
    const ms = parseDuration(parsed.data.advanceBy);
    if (ms === undefined) return [400, { error: 'validation', issues: [{ path: 'advanceBy', message: 'not an ISO 8601 duration such as PT30M, PT1H or P7D' }] }];
    target = new Date(options.clock.now().getTime() + ms);
  } else {
    target = new Date(parsed.data.now);
    if (target.getTime() < options.clock.now().getTime()) {
      return [409, { error: 'clock_rewind', message: `the clock never moves backwards: it is ${options.clock.now().toISOString()}` }];
    }
  }
  try {
    const now = await options.advanceClock(target);
    return [200, { now: now.toISOString() }];
  } catch (err) {
    if (err instanceof ClockRewindError) return [409, { error: 'clock_rewind', message: err.message }];
    if (err instanceof ClockBacklogError) {
      const body = { now: err.now.toISOString(), message: `${err.message}; try again shortly`, pending: err.pending };
      return err.moved ? [202, body] : [409, { error: 'backlog_pending', ...body }];
    }
    throw err;
  }
}

/**
 * The console's HTTP layer shared by its two functions (pages: GET, actions: POST; see
 * functions/pipeline.ts): reading a request and its session, the security headers, the page shell,
 * the sign-in page and the complaint page (which a failed form shows again). Each handler imports
 * only what it serves, so neither function carries the other's code.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { allowedEvents, type ComplaintEventType } from '../domain/lifecycle-rules.ts';
import type { Principal } from '../domain/access.ts';
import { LocaleSchema, type Locale } from '../domain/config.ts';
import { CONSOLE_HOME, safeReturnPath } from '../domain/console-links.ts';
import { html, type Html } from '../domain/console/html.ts';
import { complaintBody, signInBody, type PageContext } from '../domain/console/pages.ts';
import { CONSOLE_CSS, consoleShell, type NavKey } from '../domain/console/shell.ts';
import { CONSOLE_TEXT } from '../domain/console/text.ts';
import { loadComplaint } from '../use-cases/console-queries.ts';
import type { HttpResult } from './http.ts';
import { authenticateSession, csrfToken, readCookies } from './request-auth.ts';
import type { Runtime } from './runtime.ts';

/** The cookie remembering the console language a person chose. */
export const LANG_COOKIE = 'console_lang';
const CSS_HASH = createHash('sha256').update(CONSOLE_CSS, 'utf8').digest('base64');

/** No script may run; the one stylesheet is allowed by hash; forms post here (and sign-out may continue to the hosted UI). */
function csp(rt: Runtime): string {
  const signIn = rt.auth.signIn;
  return [
    "default-src 'none'",
    `style-src 'sha256-${CSS_HASH}'`,
    "img-src 'self'",
    `form-action 'self'${signIn.kind === 'hosted-ui' ? ` ${new URL(signIn.domainUrl).origin}` : ''}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** An HTML response with the console's security headers. */
export function page(rt: Runtime, status: number, body: string, locale: Locale, cookies: string[] = []): HttpResult {
  return {
    statusCode: status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp(rt),
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-language': locale,
    },
    ...(cookies.length && { cookies }),
    body,
  };
}

/** A 303 to `location`, setting `cookies`. */
export function redirect(location: string, cookies: string[] = []): HttpResult {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, ...(cookies.length && { cookies }) };
}

/** A console request, read once: path, query, the page language and where it came from. */
export interface Request {
  readonly event: APIGatewayProxyEventV2;
  readonly rt: Runtime;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly locale: Locale;
  readonly langCookie: string[];
  readonly secure: boolean;
  readonly host: string;
}

/** Reads the path, query, language (`?lang=` wins over the remembered cookie) and host of a request. */
export function parseRequest(event: APIGatewayProxyEventV2, rt: Runtime): Request {
  const query = new URLSearchParams(event.rawQueryString ?? '');
  const cookies = readCookies(event.headers, event.cookies);
  const asked = LocaleSchema.safeParse(query.get('lang') ?? undefined);
  const remembered = LocaleSchema.safeParse(cookies.get(LANG_COOKIE) ?? undefined);
  const secure = (event.headers?.['x-forwarded-proto'] ?? '') === 'https' || event.requestContext.domainName.endsWith('.amazonaws.com');
  const locale = asked.success ? asked.data : remembered.success ? remembered.data : rt.config.defaultLocale;
  return {
    event,
    rt,
    path: event.rawPath.replace(/\/+$/, '') || '/',
    query,
    locale,
    langCookie: asked.success ? [`${LANG_COOKIE}=${asked.data}; Path=/; SameSite=Lax; Max-Age=31536000${secure ? '; Secure' : ''}`] : [],
    secure,
    host: event.requestContext.domainName,
  };
}

/** The path and query of this request without `lang`, for the language links. */
/**
 * The sign-in page's address for a person without a session who asked for this request's page:
 * with `next` set to it (when it is a page worth returning to) and `expired=1` when their session ran out.
 */
export function signInRedirect(req: Request, expired: boolean): HttpResult {
  const next = safeReturnPath(here(req));
  const query = new URLSearchParams();
  if (expired) query.set('expired', '1');
  if (next && next !== CONSOLE_HOME) query.set('next', next);
  return redirect(`/console/login${query.size ? `?${query}` : ''}`, req.langCookie);
}

function here(req: Request): string {
  const q = new URLSearchParams(req.query);
  q.delete('lang');
  q.delete('done');
  const s = q.toString();
  return `${req.path}${s ? `?${s}` : ''}`;
}

/** A signed-in person: their principal, session token and the CSRF token forms carry. */
export interface Session {
  readonly principal: Principal;
  readonly token: string;
  readonly csrf: string;
}

/** The request's session, or why there is none (`expired` when its token has run out). */
export async function session(req: Request): Promise<Session | { expired: boolean }> {
  const result = await authenticateSession(req.rt.auth.authenticator, req.event.headers, req.event.cookies);
  if (!result.ok) return { expired: result.reason === 'expired' };
  return { principal: result.principal, token: result.token, csrf: csrfToken(result.token) };
}

/** A console page inside the shell (navigation, language links, sign-out form), for a signed-in person. */
export function render(req: Request, s: Session, status: number, title: string, active: NavKey, body: Html, flash?: { kind: 'ok' | 'error'; text: string | Html }): HttpResult {
  const html = consoleShell({
    locale: req.locale,
    config: req.rt.config,
    title,
    active,
    body,
    session: { principal: s.principal, csrf: s.csrf },
    localPages: req.rt.local !== undefined,
    here: here(req),
    ...(flash && { flash }),
  });
  return page(req.rt, status, html, req.locale, req.langCookie);
}

/** What the page bodies need to know about the request and the person. */
export function context(req: Request, s: Session): PageContext {
  return { locale: req.locale, config: req.rt.config, principal: s.principal, csrf: s.csrf, now: req.rt.clock.now() };
}

/** The console's 404 page. */
export function notFound(req: Request, s: Session): HttpResult {
  const t = CONSOLE_TEXT[req.locale];
  return render(req, s, 404, t.errors.notFound, 'none', html`<p class="card"><a href="/console/inbox">${t.nav.inbox}</a></p>`);
}

/**
 * One complaint's page, also shown again (with the person's draft and the reason) when a form on it fails.
 * @param failure the status, message and draft of a failed form
 */
export async function complaintPage(req: Request, s: Session, id: string, failure?: { status: number; flash: Html | string; draft?: { type: ComplaintEventType; note?: string; internal?: boolean } }): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const loaded = await loadComplaint(id, s.principal, req.rt);
  if (!loaded) return render(req, s, 404, t.errors.notFound, 'inbox', html`<p class="card">${t.complaint.notFound}</p>`);
  const c = loaded.complaint;
  const body = complaintBody(context(req, s), {
    complaint: c,
    ...(loaded.repeatOf && { repeatOf: loaded.repeatOf }),
    repeatedBy: loaded.repeatedBy,
    allowed: allowedEvents(c.status),
    ...(failure?.draft && { draft: failure.draft }),
    formVersion: c.version,
  });
  const done = req.query.get('done') === 'applied' ? { kind: 'ok' as const, text: t.complaint.applied } : undefined;
  const ref = typeof (c as { ref?: unknown }).ref === 'string' ? String((c as { ref?: unknown }).ref) : c.id;
  return render(req, s, failure?.status ?? 200, t.complaint.title(ref), 'inbox', body, failure ? { kind: 'error', text: failure.flash } : done);
}

/**
 * The sign-in page (agent token locally, the hosted UI in AWS), for a person without a session.
 * @param next where signing in leads (already checked by `safeReturnPath`); the request's own
 *   `next` when it passes the check, else the inbox
 */
export function signInPage(req: Request, status: number, flash?: string, next: string | undefined = safeReturnPath(req.query.get('next'))): HttpResult {
  const t = CONSOLE_TEXT[req.locale];
  const method = req.rt.auth.signIn.kind;
  const body = consoleShell({
    locale: req.locale,
    config: req.rt.config,
    title: t.signIn.title,
    active: 'none',
    body: signInBody(req.locale, req.rt.config, { method, ...(next && { next }) }),
    here: here(req),
    ...(flash && { flash: { kind: status >= 400 ? 'error' : 'ok', text: flash } }),
  });
  return page(req.rt, status, body, req.locale, req.langCookie);
}

import { provideStores } from '../adapters/aws-runtime.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { alertStore } from '../adapters/dynamodb-alert-store.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { volumeStore } from '../adapters/dynamodb-volume-store.ts';
import '../adapters/aws-cognito.ts';
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { complaintPage, context, notFound, page, parseRequest, redirect, render, session, signInPage, signInRedirect, type Request, type Session } from '../adapters/console-http.ts';
import { pageHandler } from '../adapters/html.ts';
import type { HttpResult } from '../adapters/http.ts';
import { logger } from '../adapters/observability.ts';
import { readCookies, sessionCookie } from '../adapters/request-auth.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeCategory, canSeeDepartment, visibleCategories } from '../domain/access.ts';
import { ComplaintStatusSchema } from '../domain/complaint.ts';
import { SeveritySchema } from '../domain/config.ts';
import { CONSOLE_HOME, safeReturnPath } from '../domain/console-links.ts';
import { html } from '../domain/console/html.ts';
import { alertsBody, eventsBody, inboxBody, outboxBody, slaBody } from '../domain/console/pages.ts';
import { consoleShell } from '../domain/console/shell.ts';
import { CONSOLE_TEXT } from '../domain/console/text.ts';
import { AT_RISK_HOURS, loadAlerts, loadInbox, loadSlaBoard } from '../use-cases/console-queries.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, volume: volumeStore, alerts: alertStore, alertOps: alertOpsStore });

const PKCE_COOKIE = 'console_pkce';

const InboxQuerySchema = z.object({
  status: ComplaintStatusSchema.optional().catch(undefined),
  department: z.string().max(48).optional().catch(undefined),
  category: z.string().max(48).optional().catch(undefined),
  severity: SeveritySchema.optional().catch(undefined),
  overdue: z.literal('1').optional().catch(undefined),
  replied: z.literal('1').optional().catch(undefined),
  q: z.string().max(200).optional().catch(undefined),
  before: z.iso.datetime().optional().catch(undefined),
  // Up to a position per due-index bucket (see list-complaints).
  cursor: z.string().max(8192).optional().catch(undefined),
});

async function inboxPage(req: Request, s: Session): Promise<HttpResult> {
  const raw = Object.fromEntries([...req.query].filter(([, v]) => v !== ''));
  const q = InboxQuerySchema.parse(raw);
  const t = CONSOLE_TEXT[req.locale];
  // A filter outside the person's departments is dropped, not an error page.
  const department = q.department && canSeeDepartment(s.principal, q.department) ? q.department : undefined;
  const category = q.category && canSeeCategory(s.principal, q.category, req.rt.config) ? q.category : undefined;
  const query = { ...(q.status && { status: q.status }), ...(department && { department }), ...(category && { category }), ...(q.severity && { severity: q.severity }), ...(q.overdue && { overdue: true }), ...(q.replied && { replied: true }), ...(q.q && { q: q.q }), ...(q.before && { before: q.before }), ...(q.cursor && { cursor: q.cursor }) };
  const result = await loadInbox(query, s.principal, req.rt);
  const base = new URLSearchParams(Object.entries({ status: q.status, department, category, severity: q.severity, overdue: q.overdue, replied: q.replied, q: q.q }).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const withPage = (extra: Record<string, string>) => {
    const p = new URLSearchParams(base);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return `/console/inbox?${p.toString()}`;
  };
  const body = inboxBody(context(req, s), {
    filters: { ...query, overdue: Boolean(q.overdue), replied: Boolean(q.replied) },
    items: result.items,
    ...(result.next && { nextHref: withPage(result.next.before ? { before: result.next.before } : { cursor: result.next.cursor ?? '' }) }),
    ...((q.before || q.cursor) && { firstHref: `/console/inbox${base.size ? `?${base.toString()}` : ''}` }),
    ...(result.searchedBy && { searchedBy: result.searchedBy }),
  });
  return render(req, s, 200, t.inbox.title, 'inbox', body);
}

async function alertsPage(req: Request, s: Session): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const days = req.query.get('days') === '30' ? 30 : 7;
  const data = await loadAlerts(s.principal, req.query.get('category') ?? undefined, days, req.rt);
  const minute = (d: Date) => d.toISOString().slice(0, 16);
  const body = alertsBody(context(req, s), {
    live: data.live,
    incidents: data.incidents,
    silences: data.silences,
    ...(data.chart && { chart: data.chart }),
    days,
    silenceDefaults: { from: minute(data.now), to: minute(new Date(data.now.getTime() + 2 * 3_600_000)) },
  });
  const doneText: Record<string, string> = { ack: t.alerts.acked, silence: t.alerts.silenceCreated, ended: t.alerts.silenceEnded, override: t.alerts.overrideSaved, removed: t.alerts.overrideRemoved };
  const done = doneText[req.query.get('done') ?? ''];
  return render(req, s, 200, t.alerts.title, 'alerts', body, done ? { kind: 'ok', text: done } : undefined);
}

async function slaPage(req: Request, s: Session): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const asked = req.query.get('department') ?? undefined;
  const department = asked && canSeeDepartment(s.principal, asked) ? asked : undefined;
  const data = await loadSlaBoard(s.principal, department, req.rt);
  return render(req, s, 200, t.slaBoard.title, 'sla', slaBody(context(req, s), { items: data.items, atRiskHours: AT_RISK_HOURS, ...(department && { department }) }));
}

async function getPage(req: Request, s: Session): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const complaint = /^\/console\/complaints\/([^/]+)$/.exec(req.path);
  if (complaint) return complaintPage(req, s, decodeURIComponent(complaint[1]!));
  switch (req.path) {
    case '/console':
    case '/console/inbox':
      return inboxPage(req, s);
    case '/console/alerts':
      return alertsPage(req, s);
    case '/console/sla':
      return slaPage(req, s);
    case '/console/outbox':
      if (!req.rt.local) return notFound(req, s);
      return render(req, s, 200, t.outbox.title, 'outbox', outboxBody(context(req, s), scopedOutbox(req, s)));
    case '/console/events':
      if (!req.rt.local) return notFound(req, s);
      return render(req, s, 200, t.domainEvents.title, 'events', eventsBody(context(req, s), req.rt.local.events()));
    default:
      return notFound(req, s);
  }
}

/** Locally, a department session sees only messages about its own complaints, alerts and staff. */
function scopedOutbox(req: Request, s: Session) {
  const entries = req.rt.local?.outbox() ?? [];
  if (s.principal.admin) return entries;
  return entries.filter((m) => {
    const dept = (m as { viaTopic?: string }).viaTopic;
    return dept ? canSeeDepartment(s.principal, dept) : false;
  });
}

const b64url = (b: Buffer) => b.toString('base64url');

/** The hosted UI's redirect back to the console (must match the app client's callback URL). */
function callbackUrl(req: Request): string {
  return `https://${req.host}/console/callback`;
}

async function hostedUiStart(req: Request): Promise<HttpResult> {
  const signIn = req.rt.auth.signIn;
  if (signIn.kind !== 'hosted-ui') return signInPage(req, 200);
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const url = new URL('/oauth2/authorize', signIn.domainUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: signIn.clientId,
    redirect_uri: callbackUrl(req),
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  // The page asked for waits with the verifier (base64url, so the cookie stays one token) and is
  // checked again when it comes back.
  const next = safeReturnPath(req.query.get('next'));
  const value = [state, verifier, ...(next ? [b64url(Buffer.from(next))] : [])].join('.');
  // Lax, not Strict: the hosted UI sends the browser back from another site, and this cookie must come along.
  return { statusCode: 302, headers: { location: url.toString(), 'cache-control': 'no-store' }, cookies: [`${PKCE_COOKIE}=${value}; Path=/console/callback; HttpOnly; Secure; SameSite=Lax; Max-Age=600`] };
}

const TokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });

async function hostedUiCallback(req: Request): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const signIn = req.rt.auth.signIn;
  if (signIn.kind !== 'hosted-ui') return signInPage(req, 404);
  const [state, verifier, asked] = (readCookies(req.event.headers, req.event.cookies).get(PKCE_COOKIE) ?? '').split('.');
  const code = req.query.get('code');
  if (!state || !verifier || !code || req.query.get('state') !== state) return signInPage(req, 400, t.signIn.failed);
  const res = await fetch(new URL('/oauth2/token', signIn.domainUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: signIn.clientId, code, redirect_uri: callbackUrl(req), code_verifier: verifier }).toString(),
  });
  const tokens = TokenResponseSchema.safeParse(res.ok ? await res.json() : undefined);
  if (!tokens.success) {
    logger.warn('hosted UI code exchange failed', { status: res.status });
    return signInPage(req, 401, t.signIn.failed);
  }
  const verified = await req.rt.auth.authenticator.verify(tokens.data.access_token);
  if (!verified.ok) return signInPage(req, 403, t.signIn.failed);
  const cookies = [sessionCookie(tokens.data.access_token, tokens.data.expires_in, true), `${PKCE_COOKIE}=; Path=/console/callback; HttpOnly; Secure; SameSite=Lax; Max-Age=0`];
  // A page of our own, not a redirect: a SameSite=Strict cookie set at the end of a cross-site
  // redirect chain would not be sent on a redirect's next hop; this page's link is a same-site navigation.
  const next = safeReturnPath(asked && Buffer.from(asked, 'base64url').toString()) ?? CONSOLE_HOME;
  const body = consoleShell({
    locale: req.locale,
    config: req.rt.config,
    title: t.signIn.continuing,
    active: 'none',
    body: html`<p class="card"><a href="${next}">${t.signIn.continueLink}</a></p>`,
    here: next,
  }).replace('<head>', () => `<head>${html`<meta http-equiv="refresh" content="0;url=${next}">`}`);
  return page(req.rt, 200, body, req.locale, cookies);
}

/**
 * The operations console's pages (`GET /console/{proxy+}`): server-rendered, without script. Every
 * page but sign-in needs a session (the HttpOnly, SameSite=Strict cookie holding a verified access
 * token); without one it sends the person to sign in. What a person sees is limited to their groups'
 * departments, in the same use cases the agent API uses. Forms post to `consoleActions`
 * (handlers/console-actions.ts).
 */
export const handler = pageHandler(async (event) => {
  const req = parseRequest(event, runtime());
  const t = CONSOLE_TEXT[req.locale];
  if (req.path === '/console/login') {
    if (req.query.get('start') === '1') return hostedUiStart(req);
    const flash = req.query.get('out') === '1' ? t.signIn.loggedOut : req.query.get('expired') === '1' ? t.signIn.expired : undefined;
    return signInPage(req, 200, flash);
  }
  if (req.path === '/console/callback') return hostedUiCallback(req);
  const s = await session(req);
  if (!('principal' in s)) return signInRedirect(req, s.expired === true);
  return getPage(req, s);
});

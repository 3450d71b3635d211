import '../adapters/aws-runtime.ts';
import '../adapters/aws-cognito.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { pageHandler, readFormBody } from '../adapters/html.ts';
import type { HttpResult } from '../adapters/http.ts';
import { countMetric, logger } from '../adapters/observability.ts';
import { csrfMatches, csrfToken, readCookies, sameOrigin, sessionCookie, sessionToken } from '../adapters/request-auth.ts';
import { runtime, type Runtime } from '../adapters/runtime.ts';
import { canSeeCategory, canSeeDepartment, visibleCategories, type Principal } from '../domain/access.ts';
import { AlertingOverrideInputSchema, newOverride } from '../domain/alerting-override.ts';
import { ComplaintStatusSchema } from '../domain/complaint.ts';
import { LocaleSchema, SeveritySchema, type Locale } from '../domain/config.ts';
import { html, type Html } from '../domain/console/html.ts';
import { alertsBody, complaintBody, eventsBody, inboxBody, outboxBody, reportsBody, signInBody, slaBody, type PageContext } from '../domain/console/pages.ts';
import { reportsCsv, reportsView } from '../domain/console/reports.ts';
import { CONSOLE_CSS, consoleShell, type NavKey } from '../domain/console/shell.ts';
import { CONSOLE_TEXT } from '../domain/console/text.ts';
import { allowedEvents, ComplaintEventSchema, ComplaintEventTypeSchema } from '../domain/lifecycle.ts';
import { endSilenceEarly, newSilence, SilenceInputSchema } from '../domain/silence.ts';
import { acknowledgeIncidentById } from '../use-cases/acknowledge-alert.ts';
import { applyComplaintEvent } from '../use-cases/apply-complaint-event.ts';
import { AT_RISK_HOURS, loadAlerts, loadComplaint, loadInbox, loadReports, loadSlaBoard } from '../use-cases/console-queries.ts';

const LANG_COOKIE = 'console_lang';
const PKCE_COOKIE = 'console_pkce';
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

function page(rt: Runtime, status: number, body: string, locale: Locale, cookies: string[] = []): HttpResult {
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

function redirect(location: string, cookies: string[] = []): HttpResult {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, ...(cookies.length && { cookies }) };
}

interface Request {
  readonly event: APIGatewayProxyEventV2;
  readonly rt: Runtime;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly locale: Locale;
  readonly langCookie: string[];
  readonly secure: boolean;
  readonly host: string;
}

function parseRequest(event: APIGatewayProxyEventV2, rt: Runtime): Request {
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
function here(req: Request): string {
  const q = new URLSearchParams(req.query);
  q.delete('lang');
  q.delete('done');
  const s = q.toString();
  return `${req.path}${s ? `?${s}` : ''}`;
}

interface Session {
  readonly principal: Principal;
  readonly token: string;
  readonly csrf: string;
}

async function session(req: Request): Promise<Session | { expired: boolean }> {
  const token = sessionToken(req.event.headers, req.event.cookies);
  if (!token) return { expired: false };
  const result = await req.rt.auth.authenticator.verify(token);
  if (!result.ok) return { expired: result.reason === 'expired' };
  return { principal: result.principal, token, csrf: csrfToken(token) };
}

function render(req: Request, s: Session, status: number, title: string, active: NavKey, body: Html, flash?: { kind: 'ok' | 'error'; text: string | Html }): HttpResult {
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

function context(req: Request, s: Session): PageContext {
  return { locale: req.locale, config: req.rt.config, principal: s.principal, csrf: s.csrf, now: req.rt.clock.now() };
}

function notFound(req: Request, s: Session): HttpResult {
  const t = CONSOLE_TEXT[req.locale];
  return render(req, s, 404, t.errors.notFound, 'none', html`<p class="card"><a href="/console/inbox">${t.nav.inbox}</a></p>`);
}

const InboxQuerySchema = z.object({
  status: ComplaintStatusSchema.optional().catch(undefined),
  department: z.string().max(48).optional().catch(undefined),
  category: z.string().max(48).optional().catch(undefined),
  severity: SeveritySchema.optional().catch(undefined),
  overdue: z.literal('1').optional().catch(undefined),
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
  const query = { ...(q.status && { status: q.status }), ...(department && { department }), ...(category && { category }), ...(q.severity && { severity: q.severity }), ...(q.overdue && { overdue: true }), ...(q.q && { q: q.q }), ...(q.before && { before: q.before }), ...(q.cursor && { cursor: q.cursor }) };
  const result = await loadInbox(query, s.principal, req.rt);
  const base = new URLSearchParams(Object.entries({ status: q.status, department, category, severity: q.severity, overdue: q.overdue, q: q.q }).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const withPage = (extra: Record<string, string>) => {
    const p = new URLSearchParams(base);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return `/console/inbox?${p.toString()}`;
  };
  const body = inboxBody(context(req, s), {
    filters: { ...query, overdue: Boolean(q.overdue) },
    items: result.items,
    ...(result.next && { nextHref: withPage(result.next.before ? { before: result.next.before } : { cursor: result.next.cursor ?? '' }) }),
    ...((q.before || q.cursor) && { firstHref: `/console/inbox${base.size ? `?${base.toString()}` : ''}` }),
    ...(result.searchedBy && { searchedBy: result.searchedBy }),
  });
  return render(req, s, 200, t.inbox.title, 'inbox', body);
}

async function complaintPage(req: Request, s: Session, id: string, failure?: { status: number; flash: Html | string; draft?: { type: z.infer<typeof ComplaintEventTypeSchema>; note?: string; internal?: boolean } }): Promise<HttpResult> {
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

function reportsParams(req: Request) {
  const weeks = [4, 8, 12, 26, 52].includes(Number(req.query.get('weeks'))) ? Number(req.query.get('weeks')) : 12;
  const by: 'department' | 'category' = req.query.get('by') === 'category' ? 'category' : 'department';
  return { weeks, by };
}

async function reportsPage(req: Request, s: Session): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const { weeks, by } = reportsParams(req);
  const data = await loadReports(s.principal, weeks, req.rt);
  const view = reportsView(data, by, visibleCategories(s.principal, req.rt.config).map((c) => c.id), `/console/reports.csv?weeks=${weeks}&by=${by}`);
  return render(req, s, 200, t.reports.title, 'reports', reportsBody(context(req, s), view));
}

async function reportsCsvFile(req: Request, s: Session): Promise<HttpResult> {
  const { weeks, by } = reportsParams(req);
  const data = await loadReports(s.principal, weeks, req.rt);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="complaint-report-${by}-${data.from.toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: reportsCsv(data, by, visibleCategories(s.principal, req.rt.config).map((c) => c.id)),
  };
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
    case '/console/reports':
      return reportsPage(req, s);
    case '/console/reports.csv':
      return reportsCsvFile(req, s);
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

function signInPage(req: Request, status: number, flash?: string): HttpResult {
  const t = CONSOLE_TEXT[req.locale];
  const method = req.rt.auth.signIn.kind;
  const body = consoleShell({
    locale: req.locale,
    config: req.rt.config,
    title: t.signIn.title,
    active: 'none',
    body: signInBody(req.locale, req.rt.config, { method }),
    here: here(req),
    ...(flash && { flash: { kind: status >= 400 ? 'error' : 'ok', text: flash } }),
  });
  return page(req.rt, status, body, req.locale, req.langCookie);
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
  // Lax, not Strict: the hosted UI sends the browser back from another site, and this cookie must come along.
  return { statusCode: 302, headers: { location: url.toString(), 'cache-control': 'no-store' }, cookies: [`${PKCE_COOKIE}=${state}.${verifier}; Path=/console/callback; HttpOnly; Secure; SameSite=Lax; Max-Age=600`] };
}

const TokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });

async function hostedUiCallback(req: Request): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const signIn = req.rt.auth.signIn;
  if (signIn.kind !== 'hosted-ui') return signInPage(req, 404);
  const [state, verifier] = (readCookies(req.event.headers, req.event.cookies).get(PKCE_COOKIE) ?? '').split('.');
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
  const body = consoleShell({
    locale: req.locale,
    config: req.rt.config,
    title: t.signIn.continuing,
    active: 'none',
    body: html`<p class="card"><a href="/console/inbox">${t.signIn.continueLink}</a></p>`,
    here: '/console/inbox',
  }).replace('<head>', '<head><meta http-equiv="refresh" content="0;url=/console/inbox">');
  return page(req.rt, 200, body, req.locale, cookies);
}

async function localSignIn(req: Request): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const signIn = req.rt.auth.signIn;
  if (signIn.kind !== 'agent-token') return signInPage(req, 404);
  if (!sameOrigin(req.event.headers, req.host)) return signInPage(req, 403, t.errors.csrf);
  const form = readFormBody(req.event);
  if (!form.ok) return form.response;
  const department = form.fields.get('department') || undefined;
  const issued = await signIn.signIn(form.fields.get('token') ?? '', department);
  if (!issued) {
    logger.info('console sign-in refused');
    return signInPage(req, 401, t.signIn.failed);
  }
  const maxAge = (issued.expiresAt.getTime() - Date.now()) / 1000;
  return redirect('/console/inbox', [sessionCookie(issued.token, maxAge, req.secure)]);
}

function logout(req: Request, s: Session | undefined): HttpResult {
  const clear = sessionCookie('', 0, req.secure);
  const signIn = req.rt.auth.signIn;
  if (signIn.kind === 'hosted-ui') {
    const url = new URL('/logout', signIn.domainUrl);
    url.search = new URLSearchParams({ client_id: signIn.clientId, logout_uri: `https://${req.host}/console/login` }).toString();
    return redirect(url.toString(), [clear]);
  }
  if (s) logger.info('console sign-out', { principal: s.principal.id });
  return redirect('/console/login?out=1', [clear]);
}

function formIssues(error: z.ZodError): Html {
  return html`<ul>${error.issues.map((i) => html`<li>${i.path.join('.') || '—'}: ${i.message}</li>`)}</ul>`;
}

/** `YYYY-MM-DDTHH:MM` from a datetime-local field, read as UTC. */
const utcField = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : (v ?? ''));

async function action(req: Request, s: Session, fields: URLSearchParams): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const { rt } = req;
  const events = /^\/console\/complaints\/([^/]+)\/events$/.exec(req.path);
  if (events) {
    const id = decodeURIComponent(events[1]!);
    const note = fields.get('note')?.trim() || undefined;
    const type = ComplaintEventTypeSchema.safeParse(fields.get('type'));
    const draft = type.success ? { type: type.data, ...(note && { note }), ...(fields.get('internal') === '1' && { internal: true }) } : undefined;
    const parsed = ComplaintEventSchema.safeParse({
      type: fields.get('type'),
      actor: s.principal.id,
      ...(note && { note }),
      ...(fields.get('expectedVersion') && { expectedVersion: Number(fields.get('expectedVersion')) }),
      ...(fields.get('type') === 'update' && { internal: fields.get('internal') === '1' }),
      ...(fields.get('type') === 'resolve' && { firstContactResolution: fields.get('firstContactResolution') === '1' }),
    });
    if (!parsed.success) return complaintPage(req, s, id, { status: 400, flash: html`${t.complaint.invalid}${formIssues(parsed.error)}`, ...(draft && { draft }) });
    const result = await applyComplaintEvent(id, parsed.data, rt, s.principal);
    switch (result.outcome) {
      case 'not_found':
        return complaintPage(req, s, id);
      case 'applied':
        return redirect(`/console/complaints/${encodeURIComponent(id)}?done=applied`);
      case 'rejected':
        return complaintPage(req, s, id, { status: 409, flash: t.complaint.rejected, ...(draft && { draft }) });
      case 'stale': {
        const last = result.latest?.timeline[result.latest.timeline.length - 1];
        const at = last ? new Date(last.at) : rt.clock.now();
        const when = at.toLocaleString(req.locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: rt.config.company.timeZone, dateStyle: 'short', timeStyle: 'short' });
        return complaintPage(req, s, id, { status: 409, flash: t.complaint.stale(last?.actor ?? '?', when, result.currentVersion), ...(draft && { draft }) });
      }
    }
  }
  const ack = /^\/console\/alerts\/([^/]+)\/([^/]+)\/ack$/.exec(req.path);
  if (ack) {
    const category = decodeURIComponent(ack[1]!);
    if (!canSeeCategory(s.principal, category, rt.config)) return render(req, s, 403, t.errors.forbidden, 'alerts', html``);
    const result = await acknowledgeIncidentById(category, decodeURIComponent(ack[2]!), `console:${s.principal.id}`, rt);
    if (result.outcome === 'not_found') return notFound(req, s);
    if (result.outcome === 'acknowledged') countMetric('AlertsAcknowledged');
    return redirect('/console/alerts?done=ack');
  }
  if (req.path === '/console/silences') {
    const category = fields.get('category') ?? '';
    const parsed = SilenceInputSchema.safeParse({ category, from: utcField(fields.get('from')), to: utcField(fields.get('to')), reason: fields.get('reason') ?? '', actor: s.principal.id });
    if (!parsed.success) return render(req, s, 400, t.alerts.newSilence, 'alerts', html`<p><a href="/console/alerts">${t.alerts.title}</a></p>`, { kind: 'error', text: html`${t.complaint.invalid}${formIssues(parsed.error)}` });
    if (!canSeeCategory(s.principal, category, rt.config)) return render(req, s, 403, t.errors.forbidden, 'alerts', html``);
    await rt.alertOps.addSilence(newSilence(parsed.data, rt.newId(), rt.clock.now()));
    return redirect('/console/alerts?done=silence');
  }
  const end = /^\/console\/silences\/([^/]+)\/end$/.exec(req.path);
  if (end) {
    const id = decodeURIComponent(end[1]!);
    const found = await rt.alertOps.findSilence(id);
    if (!found || !canSeeCategory(s.principal, found.category, rt.config)) return notFound(req, s);
    // Already ended, or changed meanwhile (another tab): the list shows how it stands now.
    const ended = endSilenceEarly(found, rt.clock.now(), s.principal.id);
    if (ended.ok) await rt.alertOps.replaceSilence(found, ended.silence);
    return redirect('/console/alerts?done=ended');
  }
  const override = /^\/console\/categories\/([^/]+)\/alerting(\/remove)?$/.exec(req.path);
  if (override) {
    const category = decodeURIComponent(override[1]!);
    if (!canSeeCategory(s.principal, category, rt.config)) return render(req, s, 403, t.errors.forbidden, 'alerts', html``);
    if (override[2]) {
      await rt.alertOps.deleteOverride(category);
      return redirect(`/console/alerts?category=${encodeURIComponent(category)}&done=removed`);
    }
    const parsed = AlertingOverrideInputSchema.safeParse({
      threshold: { count: Number(fields.get('count')), windowMinutes: Number(fields.get('windowMinutes')) },
      ...(fields.get('detector') && { detector: fields.get('detector') }),
      actor: s.principal.id,
    });
    if (!parsed.success) return render(req, s, 400, t.alerts.override, 'alerts', html`<p><a href="/console/alerts">${t.alerts.title}</a></p>`, { kind: 'error', text: html`${t.complaint.invalid}${formIssues(parsed.error)}` });
    await rt.alertOps.putOverride(newOverride(category, parsed.data, rt.clock.now()));
    return redirect(`/console/alerts?category=${encodeURIComponent(category)}&done=override`);
  }
  return notFound(req, s);
}

/**
 * The operations console (`GET /`, `GET|POST /console/{proxy+}`): server-rendered pages without
 * script. Every page needs a session (the HttpOnly, SameSite=Strict cookie holding a verified
 * access token); without one it sends the person to sign in. Every form carries the session's
 * CSRF token and must come from this origin. What a person sees and may do is limited to their
 * groups' departments, in the same use cases the agent API uses.
 */
export const handler = pageHandler(async (event) => {
  const rt = runtime();
  const req = parseRequest(event, rt);
  const method = event.requestContext.http.method;
  if (req.path === '/') return redirect('/console/inbox');
  const t = CONSOLE_TEXT[req.locale];

  if (req.path === '/console/login') {
    if (method === 'POST') return localSignIn(req);
    if (req.query.get('start') === '1') return hostedUiStart(req);
    const flash = req.query.get('out') === '1' ? t.signIn.loggedOut : req.query.get('expired') === '1' ? t.signIn.expired : undefined;
    return signInPage(req, 200, flash);
  }
  if (req.path === '/console/callback' && method === 'GET') return hostedUiCallback(req);

  const s = await session(req);
  if (req.path === '/console/logout' && method === 'POST') {
    if (!sameOrigin(event.headers, req.host)) return signInPage(req, 403, t.errors.csrf);
    const form = readFormBody(event);
    if (!form.ok) return form.response;
    if ('principal' in s && !csrfMatches(s.token, form.fields.get('csrf'))) return signInPage(req, 403, t.errors.csrf);
    return logout(req, 'principal' in s ? s : undefined);
  }
  if (!('principal' in s)) return redirect(`/console/login${s.expired ? '?expired=1' : ''}`, req.langCookie);

  if (method === 'GET') return getPage(req, s);
  const form = readFormBody(event);
  if (!form.ok) return form.response;
  if (!sameOrigin(event.headers, req.host) || !csrfMatches(s.token, form.fields.get('csrf'))) {
    logger.warn('console form refused: CSRF check failed', { path: req.path });
    return render(req, s, 403, t.errors.forbidden, 'none', html`<p class="card">${t.errors.csrf}</p>`, { kind: 'error', text: t.errors.csrf });
  }
  return action(req, s, form.fields);
});

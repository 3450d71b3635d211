import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-events.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { alertStore } from '../adapters/dynamodb-alert-store.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { volumeStore } from '../adapters/dynamodb-volume-store.ts';
import '../adapters/aws-cognito.ts';
import * as z from 'zod';
import { complaintPage, notFound, parseRequest, redirect, render, session, signInPage, type Request, type Session } from '../adapters/console-http.ts';
import { pageHandler, readFormBody } from '../adapters/html.ts';
import type { HttpResult } from '../adapters/http.ts';
import { countMetric, logger } from '../adapters/observability.ts';
import { csrfMatches, sameOrigin, sessionCookie } from '../adapters/request-auth.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeCategory, canSeeDepartment } from '../domain/access.ts';
import { CONSOLE_HOME, safeReturnPath } from '../domain/console-links.ts';
import { AlertingOverrideInputSchema, newOverride } from '../domain/alerting-override.ts';
import { html, type Html } from '../domain/console/html.ts';
import { CONSOLE_TEXT } from '../domain/console/text.ts';
import { complaintEventSchemaFor, ComplaintEventTypeSchema } from '../domain/complaint-event.ts';
import { endSilenceEarly, newSilence, SilenceInputSchema } from '../domain/silence.ts';
import { acknowledgeIncidentById } from '../use-cases/acknowledge-alert.ts';
import { applyComplaintEvent } from '../use-cases/apply-complaint-event.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, volume: volumeStore, alerts: alertStore, alertOps: alertOpsStore });

async function localSignIn(req: Request): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const signIn = req.rt.auth.signIn;
  if (signIn.kind !== 'agent-token') return signInPage(req, 404);
  if (!sameOrigin(req.event.headers, req.host)) return signInPage(req, 403, t.errors.csrf);
  const form = readFormBody(req.event);
  if (!form.ok) return form.response;
  const department = form.fields.get('department') || undefined;
  // The page asked for before signing in, kept by the form; anything but a console path is ignored.
  const next = safeReturnPath(form.fields.get('next'));
  const issued = await signIn.signIn(form.fields.get('token') ?? '', department);
  if (!issued) {
    logger.info('console sign-in refused');
    return signInPage(req, 401, t.signIn.failed, next);
  }
  const maxAge = (issued.expiresAt.getTime() - Date.now()) / 1000;
  return redirect(next ?? CONSOLE_HOME, [sessionCookie(issued.token, maxAge, req.secure)]);
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
    const parsed = complaintEventSchemaFor(rt.config).safeParse({
      type: fields.get('type'),
      actor: s.principal.id,
      ...(note && { note }),
      ...(fields.get('expectedVersion') && { expectedVersion: Number(fields.get('expectedVersion')) }),
      ...(fields.get('type') === 'update' ? { internal: fields.get('internal') === '1' } : fields.get('internal') === '1' && note && { internal: true }),
      ...(fields.get('type') === 'resolve' && { firstContactResolution: fields.get('firstContactResolution') === '1' }),
      ...(fields.get('type') === 'recategorize' && { category: fields.get('category') ?? '' }),
    });
    if (!parsed.success) return complaintPage(req, s, id, { status: 400, flash: html`${t.complaint.invalid}${formIssues(parsed.error)}`, ...(draft && { draft }) });
    const result = await applyComplaintEvent(id, parsed.data, rt, s.principal);
    switch (result.outcome) {
      case 'not_found':
        return complaintPage(req, s, id);
      case 'applied':
        // Moved to a department outside theirs: it is no longer theirs to see.
        if (!canSeeDepartment(s.principal, result.complaint.department)) return redirect('/console/inbox');
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
 * The operations console's forms (`POST /console/{proxy+}`): sign-in with the local agent token,
 * sign-out, complaint events, acknowledging an incident, silences and threshold overrides. Every form
 * but sign-in needs a session, carries the session's CSRF token and must come from this origin; a
 * form that fails shows its page again (with the person's draft) or redirects to it when done.
 */
export const handler = pageHandler(async (event) => {
  const req = parseRequest(event, runtime());
  const t = CONSOLE_TEXT[req.locale];
  if (req.path === '/console/login') return localSignIn(req);
  const s = await session(req);
  if (req.path === '/console/logout') {
    if (!sameOrigin(event.headers, req.host)) return signInPage(req, 403, t.errors.csrf);
    const form = readFormBody(event);
    if (!form.ok) return form.response;
    if ('principal' in s && !csrfMatches(s.token, form.fields.get('csrf'))) return signInPage(req, 403, t.errors.csrf);
    return logout(req, 'principal' in s ? s : undefined);
  }
  if (!('principal' in s)) return redirect(`/console/login${s.expired ? '?expired=1' : ''}`, req.langCookie);
  const form = readFormBody(event);
  if (!form.ok) return form.response;
  if (!sameOrigin(event.headers, req.host) || !csrfMatches(s.token, form.fields.get('csrf'))) {
    logger.warn('console form refused: CSRF check failed', { path: req.path });
    return render(req, s, 403, t.errors.forbidden, 'none', html`<p class="card">${t.errors.csrf}</p>`, { kind: 'error', text: t.errors.csrf });
  }
  return action(req, s, form.fields);
});

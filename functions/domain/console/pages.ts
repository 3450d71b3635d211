/**
 * The console's page bodies, rendered from view models with the one `html` template. Pure: the
 * time is a parameter and every word comes from `text.ts`.
 */
import type { Principal } from '../access.ts';
import type { AlertIncident } from '../alert.ts';
import { previewable } from '../attachment-preview.ts';
import type { Complaint, TimelineEntry } from '../complaint.ts';
import { ComplaintStatusSchema, customerSpokeLast, keptAttachments, noteAudience } from '../complaint.ts';
import { SeveritySchema, type Locale, type PipelineConfig } from '../config.ts';
import type { TimelineAttachment } from '../inbound-mail.ts';
import type { ComplaintEventType } from '../lifecycle.ts';
import type { Silence } from '../silence.ts';
import { formatLocalTime } from '../time.ts';
import { truncate } from '../escape.ts';
import { lineChart } from './charts.ts';
import { html, trusted, type Html } from './html.ts';
import { SEARCH_MAX_PER_DEPARTMENT, SEARCH_RECENT_DAYS } from './search.ts';
import { CONSOLE_TEXT, categoryLabel, departmentLabel, formatDuration } from './text.ts';

export interface PageContext {
  readonly locale: Locale;
  readonly config: PipelineConfig;
  readonly principal: Principal;
  readonly csrf: string;
  readonly now: Date;
}

const time = (ctx: PageContext, iso: string | undefined) => (iso ? formatLocalTime(new Date(iso), ctx.config.company.timeZone, ctx.locale).replace(/ \(.*\)$/, '') : '—');

/** A file size for people: bytes, KB or MB (1,024-based, one decimal). */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** An SLA warning or escalation in the reader's language, the contact's role as their department names it. */
function slaNote(ctx: PageContext, c: Complaint, sla: NonNullable<TimelineEntry['sla']>): string {
  const t = CONSOLE_TEXT[ctx.locale].slaNote;
  const phase = t.phases[sla.phase];
  if (sla.level === undefined || !sla.contact) return t.due(phase, time(ctx, sla.dueAt));
  const { name, role } = sla.contact;
  const chain = ctx.config.departments.find((d) => d.id === c.department)?.escalationChain ?? [];
  const roleName = chain.find((x) => x.name === name && x.role === role)?.roleNames?.[ctx.locale] ?? role;
  return t.overdue(phase, time(ctx, sla.dueAt), sla.level, `${roleName} ${name}`);
}

/** How a complaint is named to people: its short reference when it has one, else its id. */
export function complaintRef(c: { readonly id: string; readonly ref?: unknown }): string {
  return typeof c.ref === 'string' && c.ref ? c.ref : c.id;
}

/** The SLA clock of a complaint: time left, overdue by, paused or met. */
export function slaClock(ctx: PageContext, c: Complaint): { text: string; css: string } {
  const t = CONSOLE_TEXT[ctx.locale].sla;
  if (c.sla.phase === 'met' || !c.sla.dueAt) return { text: t.met, css: 'muted' };
  if (c.sla.pausedAt) return { text: t.paused, css: 'muted' };
  const left = Date.parse(c.sla.dueAt) - ctx.now.getTime();
  const phase = `${t.phase[c.sla.phase]}${ctx.locale === 'zh-CN' ? '：' : ': '}`;
  if (left < 0) return { text: `${phase}${t.overdue(formatDuration(-left, ctx.locale))}`, css: 'overdue' };
  return { text: `${phase}${t.left(formatDuration(left, ctx.locale))}`, css: left < 4 * 3_600_000 ? 'atrisk' : '' };
}

function options(values: readonly string[], selected: string | undefined, label: (v: string) => string, any: string): Html {
  return html`<option value="">${any}</option>${values.map((v) => html`<option value="${v}"${v === selected ? trusted(' selected') : ''}>${label(v)}</option>`)}`;
}

export interface InboxView {
  readonly filters: { status?: string; department?: string; category?: string; severity?: string; overdue?: boolean; replied?: boolean; q?: string };
  readonly items: readonly Complaint[];
  /** Link to the next page, when there is one. */
  readonly nextHref?: string;
  readonly firstHref?: string;
  readonly searchedBy?: string;
}

/** The status as a list shows it, marked when the customer spoke last ({@link customerSpokeLast}). */
function statusCell(t: (typeof CONSOLE_TEXT)[Locale], c: Complaint): Html {
  return html`${t.statuses[c.status]}${customerSpokeLast(c) ? html`<br><strong>${t.events.customer_replied}</strong>` : ''}`;
}

export function inboxBody(ctx: PageContext, view: InboxView): Html {
  const t = CONSOLE_TEXT[ctx.locale];
  const { config } = ctx;
  const f = view.filters;
  const departments = config.departments.map((d) => d.id).filter((d) => ctx.principal.admin || ctx.principal.departments.includes(d));
  const categories = config.categories.filter((c) => departments.includes(c.department)).map((c) => c.id);
  const row = (c: Complaint) => {
    const clock = slaClock(ctx, c);
    return html`<tr><td data-label="${t.inbox.columns.ref}"><a href="/console/complaints/${encodeURIComponent(c.id)}">${complaintRef(c)}</a></td><td data-label="${t.inbox.columns.title}">${c.title ?? truncate(c.description, 60)}</td><td data-label="${t.inbox.columns.category}">${categoryLabel(config, c.category, ctx.locale)}</td><td data-label="${t.inbox.columns.severity}" class="sev-${c.severity}">${t.severities[c.severity]}</td><td data-label="${t.inbox.columns.status}">${statusCell(t, c)}</td><td data-label="${t.inbox.columns.sla}" class="${clock.css}">${clock.text}</td><td data-label="${t.inbox.columns.department}">${departmentLabel(config, c.department, ctx.locale)}</td><td data-label="${t.inbox.columns.received}">${time(ctx, c.receivedAt)}</td></tr>`;
  };
  const searchedBy = view.searchedBy ? t.inbox.searchedBy[view.searchedBy as keyof typeof t.inbox.searchedBy] : undefined;
  return html`<form class="filters card" method="get" action="/console/inbox" role="search" aria-label="${t.inbox.filters}">
<div class="wide"><label for="q">${t.inbox.search}</label><input type="search" id="q" name="q" value="${f.q ?? ''}" placeholder="${t.inbox.searchLabel}" aria-describedby="reach"></div>
<div><label for="f-status">${t.inbox.status}</label><select id="f-status" name="status">${options(ComplaintStatusSchema.options, f.status, (v) => t.statuses[v as keyof typeof t.statuses], t.inbox.any)}</select></div>
<div><label for="f-department">${t.inbox.department}</label><select id="f-department" name="department">${options(departments, f.department, (v) => departmentLabel(config, v, ctx.locale), t.inbox.any)}</select></div>
<div><label for="f-category">${t.inbox.category}</label><select id="f-category" name="category">${options(categories, f.category, (v) => categoryLabel(config, v, ctx.locale), t.inbox.any)}</select></div>
<div><label for="f-severity">${t.inbox.severity}</label><select id="f-severity" name="severity">${options(SeveritySchema.options, f.severity, (v) => t.severities[v as keyof typeof t.severities], t.inbox.any)}</select></div>
<div><label class="check"><input type="checkbox" name="overdue" value="1"${f.overdue ? trusted(' checked') : ''}> ${t.inbox.overdue}</label></div>
<div><label class="check"><input type="checkbox" name="replied" value="1"${f.replied ? trusted(' checked') : ''}> ${t.inbox.replied}</label></div>
<div><button type="submit">${t.inbox.apply}</button> <a href="/console/inbox">${t.inbox.reset}</a></div>
<p id="reach" class="wide muted">${t.inbox.reach(SEARCH_RECENT_DAYS, SEARCH_MAX_PER_DEPARTMENT)}${searchedBy ? html` · ${searchedBy}` : ''}</p>
</form>
${
  view.items.length
    ? html`<table class="rtable"><caption class="vh">${t.inbox.title}</caption><thead><tr><th scope="col">${t.inbox.columns.ref}</th><th scope="col">${t.inbox.columns.title}</th><th scope="col">${t.inbox.columns.category}</th><th scope="col">${t.inbox.columns.severity}</th><th scope="col">${t.inbox.columns.status}</th><th scope="col">${t.inbox.columns.sla}</th><th scope="col">${t.inbox.columns.department}</th><th scope="col">${t.inbox.columns.received}</th></tr></thead><tbody>${view.items.map(row)}</tbody></table>`
    : html`<p class="card">${t.inbox.empty}</p>`
}
<div class="pager">${view.firstHref ? html`<a href="${view.firstHref}">${t.inbox.first}</a>` : ''}${view.nextHref ? html`<a href="${view.nextHref}" rel="next">${t.inbox.next}</a>` : ''}</div>`;
}

export interface ComplaintView {
  readonly complaint: Complaint;
  readonly repeatOf?: { readonly id: string; readonly title?: string; readonly ref?: unknown };
  readonly repeatedBy: ReadonlyArray<{ readonly id: string; readonly title?: string; readonly receivedAt: string; readonly ref?: unknown }>;
  readonly allowed: readonly ComplaintEventType[];
  /** What the person typed, kept when a save failed. */
  readonly draft?: { readonly type: ComplaintEventType; readonly note?: string; readonly internal?: boolean };
  /** The version the forms submit as expected (the one the person saw). */
  readonly formVersion: number;
}

export function complaintBody(ctx: PageContext, view: ComplaintView): Html {
  const t = CONSOLE_TEXT[ctx.locale];
  const c = view.complaint;
  const { config } = ctx;
  const clock = slaClock(ctx, c);
  const customer = [c.customer.name, c.customer.id, c.customer.email, c.customer.phone].filter(Boolean).join(' · ');
  // The customer's time now, where their clock shows another time than the company's (before calling them, say).
  const customerTime = c.customer.timeZone ? formatLocalTime(ctx.now, c.customer.timeZone, ctx.locale) : undefined;
  const shownCustomerTime = customerTime && customerTime.replace(/ \(.*\)$/, '') !== time(ctx, ctx.now.toISOString()) ? customerTime : undefined;
  const link = (x: { id: string; title?: string; ref?: unknown }) => html`<a href="/console/complaints/${encodeURIComponent(x.id)}">${complaintRef(x)}</a>${x.title ? html` — ${x.title}` : ''}`;
  // Kept files are numbered in timeline order, as /console/attachments/<id>/<n> counts them.
  const fileIndex = new Map(keptAttachments(c).map((a, i) => [a.key, i]));
  // A kept file links to its download; a kept photo is shown too, linked to itself at full size (the
  // route checks its bytes before serving it as an image). Files not kept have no key.
  const file = (a: TimelineAttachment) => {
    const n = a.key === undefined ? undefined : fileIndex.get(a.key);
    if (n === undefined) return { name: html`${a.name}`, picture: '' };
    const href = `/console/attachments/${encodeURIComponent(c.id)}/${n}`;
    const src = `${href}?view=inline`;
    return {
      name: html`<a href="${href}" download>${a.name}</a>`,
      picture: previewable(a) ? html`<a href="${src}" target="_blank" rel="noopener"><img class="thumb" src="${src}" alt="${a.name}" loading="lazy"></a>` : '',
    };
  };
  const audienceLabel = { customer: t.complaint.publicNote, internal: t.complaint.internal, from_customer: t.complaint.fromCustomer, from_survey: t.complaint.fromSurvey };
  const timeline = c.timeline.map(
    (e) =>
      html`<li class="${e.internal ? 'internal' : ''}"><strong>${t.events[e.event] ?? e.event}</strong> · ${time(ctx, e.at)} · ${e.actor}<br><span class="muted">${t.statuses[e.status]}</span>${
        e.recategorized ? html`<br>${categoryLabel(config, e.recategorized.from.category, ctx.locale)} → ${categoryLabel(config, e.recategorized.to.category, ctx.locale)}` : ''
      }${
        e.note ? html`<br>${e.sla ? slaNote(ctx, c, e.sla) : e.withheld ? t.withheld(e.withheld.channel, e.withheld.reason, e.withheld.limit) : e.note} <span class="muted">(${audienceLabel[noteAudience(e)]})</span>` : ''
      }${e.attachments?.length ? html`<br>${t.files.title}<ul class="files">${e.attachments.map((a) => {
        const f = file(a);
        return html`<li>${f.name} <span class="muted">· ${a.contentType} · ${fileSize(a.size)} · ${a.notKept ? t.files.notKept[a.notKept] : t.files.kept}</span>${f.picture}</li>`;
      })}${
        e.attachmentsNotListed ? html`<li class="muted">${t.files.notListed(e.attachmentsNotListed)}</li>` : ''
      }</ul>` : ''}</li>`,
  );
  const answer = c.surveyAnswer;
  const forms = view.allowed.map((type) => {
    const draft = view.draft?.type === type ? view.draft : undefined;
    const id = `a-${type}`;
    return html`<form class="card" method="post" action="/console/complaints/${encodeURIComponent(c.id)}/events" aria-labelledby="${id}-h">
<h3 id="${id}-h">${t.actions[type]}</h3>
<input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="type" value="${type}"><input type="hidden" name="expectedVersion" value="${view.formVersion}">
${type === 'recategorize' ? html`<label for="${id}-cat">${t.complaint.newCategory}</label><select id="${id}-cat" name="category" required>${config.categories.filter((x) => x.id !== c.category).map((x) => html`<option value="${x.id}">${categoryLabel(config, x.id, ctx.locale)}</option>`)}</select>` : ''}
${
      type === 'recategorize'
        ? html`<label for="${id}-note">${t.complaint.note}</label><textarea id="${id}-note" name="note" maxlength="2000">${draft?.note ?? ''}</textarea>`
        : html`<label for="${id}-note">${type === 'update' ? t.complaint.note : t.complaint.noteWithStep}</label><textarea id="${id}-note" name="note" maxlength="2000"${type === 'update' ? trusted(' required') : ''}>${draft?.note ?? ''}</textarea>
<label class="check"><input type="checkbox" name="internal" value="1"${draft?.internal ? trusted(' checked') : ''}> ${type === 'update' ? t.complaint.internalNote : t.complaint.internalStepNote}</label>`
    }
${type === 'resolve' ? html`<label class="check"><input type="checkbox" name="firstContactResolution" value="1"> ${t.complaint.fcr}</label>` : ''}
<p><button type="submit">${t.actions[type]}</button></p></form>`;
  });
  return html`<div class="grid2"><section class="card" aria-labelledby="rec"><h2 id="rec">${t.complaint.record}</h2><dl class="facts">
<dt>${t.inbox.columns.title}</dt><dd>${c.title ?? '—'}</dd>
<dt>${t.inbox.columns.status}</dt><dd>${t.statuses[c.status]}</dd>
<dt>${t.inbox.columns.severity}</dt><dd class="sev-${c.severity}">${t.severities[c.severity]}</dd>
<dt>${t.inbox.columns.category}</dt><dd>${categoryLabel(config, c.category, ctx.locale)}</dd>
<dt>${t.inbox.columns.department}</dt><dd>${departmentLabel(config, c.department, ctx.locale)}</dd>
<dt>${t.complaint.channel}</dt><dd>${t.channels[c.channel] ?? c.channel}</dd>
<dt>${t.complaint.customer}</dt><dd>${customer}</dd>
${shownCustomerTime ? html`<dt>${t.complaint.customerTime}</dt><dd>${shownCustomerTime}</dd>` : ''}
${c.orderId ? html`<dt>${t.complaint.order}</dt><dd>${c.orderId}</dd>` : ''}
<dt>${t.complaint.received}</dt><dd>${time(ctx, c.receivedAt)}</dd>
<dt>${t.inbox.columns.sla}</dt><dd class="${clock.css}">${clock.text}</dd>
<dt>${t.complaint.firstResponseDue}</dt><dd>${time(ctx, c.firstResponseDueAt)}</dd>
<dt>${t.complaint.resolutionDue}</dt><dd>${time(ctx, c.resolutionDueAt)}</dd>
<dt>${t.complaint.escalation}</dt><dd>${c.escalationLevel}</dd>
<dt>${t.complaint.version}</dt><dd>${c.version}</dd>
<dt>${t.complaint.description}</dt><dd>${c.description}</dd>
</dl></section>
<section class="card" aria-labelledby="tl"><h2 id="tl">${t.complaint.timeline}</h2><ol class="timeline">${timeline}</ol></section>
<section class="card" aria-labelledby="rp"><h2 id="rp">${t.complaint.repeats}</h2>${
    view.repeatOf || view.repeatedBy.length
      ? html`<ul>${view.repeatOf ? html`<li>${t.complaint.repeatOf}: ${link(view.repeatOf)}</li>` : ''}${view.repeatedBy.map((r) => html`<li>${t.complaint.repeatedBy}: ${link(r)}</li>`)}</ul>`
      : html`<p class="muted">${t.complaint.noRepeats}</p>`
  }</section>
<section class="card" aria-labelledby="sv"><h2 id="sv">${t.complaint.survey}</h2>${
    answer
      ? html`<dl class="facts"><dt>${t.complaint.rating}</dt><dd>${'★'.repeat(answer.rating)}${'☆'.repeat(5 - answer.rating)} (${answer.rating}/5)</dd><dt>${t.complaint.solved}</dt><dd>${answer.solved ? t.complaint.yes : t.complaint.no}</dd>${answer.comment ? html`<dt>${t.complaint.comment}</dt><dd>${answer.comment}</dd>` : ''}<dt>${t.complaint.received}</dt><dd>${time(ctx, answer.answeredAt)}</dd></dl>`
      : html`<p class="muted">${t.complaint.surveyNone}</p>`
  }</section></div>
<h2>${t.complaint.actions}</h2>${forms.length ? html`<div class="actions">${forms}</div>` : html`<p class="card">${t.complaint.noActions}</p>`}`;
}

export interface AlertsView {
  readonly live: ReadonlyArray<{
    category: string;
    department: string;
    windowMinutes: number;
    count: number;
    threshold: number;
    configured: { count: number; windowMinutes: number };
    detector: string;
    bound?: number;
    override?: { threshold?: { count: number; windowMinutes: number }; detector?: string; updatedBy: string; updatedAt: string };
    incident?: AlertIncident;
  }>;
  readonly incidents: readonly AlertIncident[];
  readonly silences: ReadonlyArray<Silence & { state: 'active' | 'planned' | 'ended' }>;
  readonly chart?: { category: string; days: readonly string[]; counts: readonly number[]; shaded: ReadonlyArray<{ from: number; to: number }> };
  readonly days: number;
  /** Default times for the new-silence form (UTC, `YYYY-MM-DDTHH:MM`). */
  readonly silenceDefaults: { from: string; to: string };
}

export function alertsBody(ctx: PageContext, view: AlertsView): Html {
  const t = CONSOLE_TEXT[ctx.locale];
  const a = t.alerts;
  const { config } = ctx;
  const cat = (id: string) => categoryLabel(config, id, ctx.locale);
  const hidden = html`<input type="hidden" name="csrf" value="${ctx.csrf}">`;
  const liveRows = view.live.map(
    (l) =>
      html`<tr><td data-label="${a.columns.category}">${cat(l.category)}</td><td data-label="${a.columns.department}">${departmentLabel(config, l.department, ctx.locale)}</td><td data-label="${a.columns.count}" class="num${l.count >= l.threshold ? ' overdue' : ''}">${l.count}</td><td data-label="${a.columns.threshold}" class="num">${l.threshold} <span class="muted">(${a.window(l.windowMinutes)})</span></td><td data-label="${a.columns.bound}" class="num">${l.bound ?? a.none}</td><td data-label="${a.columns.detector}">${a.detectors[l.detector] ?? l.detector}</td><td data-label="${a.columns.state}">${l.incident ? a.states[l.incident.state] : a.none}</td></tr>`,
  );
  const chartCat = view.chart?.category;
  const chart = view.chart
    ? lineChart({
        id: `daily-${view.chart.category}`,
        title: a.chartTitle(cat(view.chart.category), view.days),
        xLabel: a.xDay,
        yLabel: a.yCount,
        xPoints: view.chart.days.map((d) => d.slice(5)),
        series: [{ name: cat(view.chart.category), values: view.chart.counts }],
        shaded: view.chart.shaded,
        shadedLabel: a.incidentShade,
        bars: true,
      })
    : '';
  const visibleCats = view.live.map((l) => l.category);
  const incidentRows = view.incidents.map(
    (i) =>
      html`<tr><td data-label="${a.incCols.id}">${i.id}</td><td data-label="${a.incCols.category}">${cat(i.category)}</td><td data-label="${a.incCols.opened}">${time(ctx, i.openedAt)}</td><td data-label="${a.incCols.count}" class="num">${i.count} / ${i.peak}</td><td data-label="${a.incCols.state}">${a.states[i.state]}</td><td data-label="${a.incCols.by}">${(i.acknowledgedBy ?? '').replace(/^(head|L\d+|console):/, '') || a.none}</td><td data-label="${a.incCols.action}">${
        i.state === 'open'
          ? html`<form method="post" action="/console/alerts/${encodeURIComponent(i.category)}/${encodeURIComponent(i.id)}/ack" class="inline">${hidden}<button type="submit">${a.ack}</button></form>`
          : a.none
      }</td></tr>`,
  );
  const silenceRows = view.silences.map(
    (s) =>
      html`<tr><td data-label="${a.silCols.category}">${cat(s.category)}</td><td data-label="${a.silCols.from}">${time(ctx, s.from)}</td><td data-label="${a.silCols.to}">${time(ctx, s.to)}</td><td data-label="${a.silCols.reason}">${s.reason}</td><td data-label="${a.silCols.by}">${s.createdBy ?? a.none}</td><td data-label="${a.silCols.suppressed}" class="num">${s.suppressedBreaches}</td><td data-label="${a.silCols.active}">${s.state === 'active' ? a.silActive : s.state === 'planned' ? a.silPlanned : a.silEnded}</td><td data-label="${a.silCols.action}">${
        s.state !== 'ended'
          ? html`<form method="post" action="/console/silences/${encodeURIComponent(s.id)}/end" class="inline">${hidden}<button type="submit" class="secondary" aria-label="${a.endSilence}: ${cat(s.category)}">${a.endSilence}</button></form>`
          : a.none
      }</td></tr>`,
  );
  const selected = view.live.find((l) => l.category === chartCat) ?? view.live[0];
  const catOptions = (sel: string | undefined) => visibleCats.map((c) => html`<option value="${c}"${c === sel ? trusted(' selected') : ''}>${cat(c)}</option>`);
  return html`<h2>${a.live}</h2><table class="rtable"><thead><tr><th scope="col">${a.columns.category}</th><th scope="col">${a.columns.department}</th><th scope="col">${a.columns.count}</th><th scope="col">${a.columns.threshold}</th><th scope="col">${a.columns.bound}</th><th scope="col">${a.columns.detector}</th><th scope="col">${a.columns.state}</th></tr></thead><tbody>${liveRows}</tbody></table>
<h2>${view.chart ? a.chartTitle(cat(view.chart.category), view.days) : a.chartFor}</h2>
<form class="filters card" method="get" action="/console/alerts"><div><label for="c-cat">${a.chartFor}</label><select id="c-cat" name="category">${catOptions(chartCat)}</select></div><div><label for="c-days">${a.daysLabel}</label><select id="c-days" name="days"><option value="7"${view.days === 7 ? trusted(' selected') : ''}>${a.days(7)}</option><option value="30"${view.days === 30 ? trusted(' selected') : ''}>${a.days(30)}</option></select></div><div><button type="submit">${a.show}</button></div></form>
${chart}
<h2>${a.incidents}</h2>${view.incidents.length ? html`<table class="rtable"><thead><tr><th scope="col">${a.incCols.id}</th><th scope="col">${a.incCols.category}</th><th scope="col">${a.incCols.opened}</th><th scope="col">${a.incCols.count}</th><th scope="col">${a.incCols.state}</th><th scope="col">${a.incCols.by}</th><th scope="col">${a.incCols.action}</th></tr></thead><tbody>${incidentRows}</tbody></table>` : html`<p class="card">${a.noIncidents}</p>`}
<h2>${a.silences}</h2>${view.silences.length ? html`<table class="rtable"><thead><tr><th scope="col">${a.silCols.category}</th><th scope="col">${a.silCols.from}</th><th scope="col">${a.silCols.to}</th><th scope="col">${a.silCols.reason}</th><th scope="col">${a.silCols.by}</th><th scope="col">${a.silCols.suppressed}</th><th scope="col">${a.silCols.active}</th><th scope="col">${a.silCols.action}</th></tr></thead><tbody>${silenceRows}</tbody></table>` : html`<p class="card">${a.noSilences}</p>`}
<div class="grid2"><form class="card" method="post" action="/console/silences" aria-labelledby="ns-h"><h3 id="ns-h">${a.newSilence}</h3>${hidden}
<label for="ns-cat">${a.silCols.category}</label><select id="ns-cat" name="category">${catOptions(chartCat)}</select>
<label for="ns-from">${a.from}</label><input type="datetime-local" id="ns-from" name="from" value="${view.silenceDefaults.from}" required>
<label for="ns-to">${a.to}</label><input type="datetime-local" id="ns-to" name="to" value="${view.silenceDefaults.to}" required>
<label for="ns-reason">${a.reason}</label><input type="text" id="ns-reason" name="reason" maxlength="500" required>
<p><button type="submit">${a.create}</button></p></form>
${
  selected
    ? html`<section class="card" aria-labelledby="ov-h"><h3 id="ov-h">${a.override}: ${cat(selected.category)}</h3><p>${selected.override ? html`${a.overrideBy(selected.override.updatedBy, time(ctx, selected.override.updatedAt))}` : a.overrideNone}</p><p class="muted">${a.configured(selected.configured.count, selected.configured.windowMinutes)}</p>
<form method="post" action="/console/categories/${encodeURIComponent(selected.category)}/alerting">${hidden}
<label for="ov-count">${a.overrideCount}</label><input type="number" id="ov-count" name="count" min="1" max="1000000" value="${selected.threshold}" required>
<label for="ov-window">${a.overrideWindow}</label><input type="number" id="ov-window" name="windowMinutes" min="1" max="1440" value="${selected.windowMinutes}" required>
<label for="ov-det">${a.overrideDetector}</label><select id="ov-det" name="detector">${['static', 'adaptive', 'both'].map((d) => html`<option value="${d}"${d === selected.detector ? trusted(' selected') : ''}>${a.detectors[d]}</option>`)}</select>
<p><button type="submit">${a.save}</button></p></form>${
        selected.override
          ? html`<form method="post" action="/console/categories/${encodeURIComponent(selected.category)}/alerting/remove">${hidden}<button type="submit" class="secondary">${a.remove}</button></form>`
          : ''
      }</section>`
    : ''
}</div>`;
}

export interface SlaView {
  readonly items: readonly Complaint[];
  readonly atRiskHours: number;
  readonly department?: string;
}

export function slaBody(ctx: PageContext, view: SlaView): Html {
  const t = CONSOLE_TEXT[ctx.locale];
  const { config } = ctx;
  const now = ctx.now.getTime();
  const departments = config.departments.map((d) => d.id).filter((d) => ctx.principal.admin || ctx.principal.departments.includes(d));
  const filter = html`<form class="filters card" method="get" action="/console/sla"><div><label for="s-dep">${t.inbox.department}</label><select id="s-dep" name="department">${options(departments, view.department, (v) => departmentLabel(config, v, ctx.locale), t.inbox.any)}</select></div><div><button type="submit">${t.alerts.show}</button></div></form>`;
  if (!view.items.length) return html`${filter}<p class="card">${t.slaBoard.empty}</p>`;
  const groups = new Map<string, Complaint[]>();
  for (const c of view.items) groups.set(c.department, [...(groups.get(c.department) ?? []), c]);
  const sections = [...groups].map(([dep, list]) => {
    const overdue = list.filter((c) => Date.parse(c.sla.dueAt ?? '') < now);
    const atRisk = list.filter((c) => Date.parse(c.sla.dueAt ?? '') >= now);
    const levels = [...new Set(overdue.map((c) => c.escalationLevel))].sort((a, b) => b - a);
    const rows = (cs: Complaint[]) =>
      cs.map((c) => {
        const clock = slaClock(ctx, c);
        return html`<tr><td data-label="${t.inbox.columns.ref}"><a href="/console/complaints/${encodeURIComponent(c.id)}">${complaintRef(c)}</a></td><td data-label="${t.inbox.columns.title}">${c.title ?? truncate(c.description, 50)}</td><td data-label="${t.inbox.columns.severity}" class="sev-${c.severity}">${t.severities[c.severity]}</td><td data-label="${t.inbox.columns.status}">${statusCell(t, c)}</td><td data-label="${t.inbox.columns.sla}" class="${clock.css}">${clock.text}</td></tr>`;
      });
    const table = (caption: string, cs: Complaint[]) =>
      html`<table class="rtable"><caption>${caption} (${cs.length})</caption><thead><tr><th scope="col">${t.inbox.columns.ref}</th><th scope="col">${t.inbox.columns.title}</th><th scope="col">${t.inbox.columns.severity}</th><th scope="col">${t.inbox.columns.status}</th><th scope="col">${t.inbox.columns.sla}</th></tr></thead><tbody>${rows(cs)}</tbody></table>`;
    return html`<section class="card" aria-labelledby="d-${dep}"><h2 id="d-${dep}">${departmentLabel(config, dep, ctx.locale)} · <span class="overdue">${t.slaBoard.overdue} ${overdue.length}</span> · <span class="atrisk">${t.slaBoard.atRisk(view.atRiskHours)} ${atRisk.length}</span></h2>${levels.map((lv) =>
      table(`${t.slaBoard.overdue} · ${t.slaBoard.level(lv)}`, overdue.filter((c) => c.escalationLevel === lv)),
    )}${atRisk.length ? table(t.slaBoard.atRisk(view.atRiskHours), atRisk) : ''}</section>`;
  });
  return html`${filter}${sections}`;
}

export interface ReportsView {
  readonly weeks: number;
  readonly by: 'department' | 'category';
  readonly from: string;
  readonly to: string;
  readonly total: {
    kpis: { received: number; firstResponseMedianMinutes: number | null; firstResponseOnTimeRate: number | null; resolutionOnTimeRate: number | null; firstContactResolutionRate: number | null; escalationRate: number | null; repeatRate: number | null };
    csat: { csat: number | null; responseRate: number | null };
  };
  readonly perWeek: ReadonlyArray<{ start: string; received: Record<string, number>; onTime: Record<string, number | null>; csat: Record<string, number | null> }>;
  readonly keys: readonly string[];
  readonly csvHref: string;
}

const pct = (v: number | null, locale: Locale) => (v === null ? CONSOLE_TEXT[locale].reports.noData : `${Math.round(v * 1000) / 10}%`);

export function reportsBody(ctx: PageContext, view: ReportsView): Html {
  const t = CONSOLE_TEXT[ctx.locale];
  const r = t.reports;
  const { config } = ctx;
  const label = (k: string) => (view.by === 'department' ? departmentLabel(config, k, ctx.locale) : categoryLabel(config, k, ctx.locale));
  const k = view.total.kpis;
  const tiles: Array<[string, string]> = [
    [r.tiles.received, String(k.received)],
    [r.tiles.frMedian, k.firstResponseMedianMinutes === null ? r.noData : r.minutes(k.firstResponseMedianMinutes)],
    [r.tiles.frOnTime, pct(k.firstResponseOnTimeRate, ctx.locale)],
    [r.tiles.resOnTime, pct(k.resolutionOnTimeRate, ctx.locale)],
    [r.tiles.fcr, pct(k.firstContactResolutionRate, ctx.locale)],
    [r.tiles.escalation, pct(k.escalationRate, ctx.locale)],
    [r.tiles.repeat, pct(k.repeatRate, ctx.locale)],
    [r.tiles.csat, pct(view.total.csat.csat, ctx.locale)],
    [r.tiles.response, pct(view.total.csat.responseRate, ctx.locale)],
  ];
  const x = view.perWeek.map((w) => w.start.slice(2));
  const series = (pick: (w: ReportsView['perWeek'][number]) => Record<string, number | null>, scale = 1) =>
    view.keys.map((key) => ({ name: label(key), values: view.perWeek.map((w) => { const v = pick(w)[key]; return v === undefined || v === null ? null : Math.round(v * scale * 10) / 10; }) }));
  const rateFmt = (v: number) => `${v}%`;
  return html`<form class="filters card" method="get" action="/console/reports"><div><label for="r-weeks">${r.weeks}</label><select id="r-weeks" name="weeks">${[4, 8, 12, 26, 52].map((n) => html`<option value="${n}"${n === view.weeks ? trusted(' selected') : ''}>${n}</option>`)}</select></div><div><label for="r-by">${r.scope}</label><select id="r-by" name="by"><option value="department"${view.by === 'department' ? trusted(' selected') : ''}>${r.byDepartment}</option><option value="category"${view.by === 'category' ? trusted(' selected') : ''}>${r.byCategory}</option></select></div><div><button type="submit">${r.show}</button></div><div><a href="${view.csvHref}" download>${r.csv}</a></div></form>
<p class="muted">${r.range(view.from, view.to)}</p>
<div class="tiles">${tiles.map(([name, value]) => html`<div class="tile"><div>${name}</div><div class="v">${value}</div></div>`)}</div>
<h2>${r.chartReceived}</h2>${lineChart({ id: 'received', title: r.chartReceived, xLabel: r.xWeek, yLabel: r.yCount, xPoints: x, series: series((w) => w.received) })}
<h2>${r.chartOnTime}</h2>${lineChart({ id: 'ontime', title: r.chartOnTime, xLabel: r.xWeek, yLabel: r.yRate, xPoints: x, series: series((w) => w.onTime, 100), yMax: 100, yFormat: rateFmt })}
<h2>${r.chartCsat}</h2>${lineChart({ id: 'csat', title: r.chartCsat, xLabel: r.xWeek, yLabel: r.yRate, xPoints: x, series: series((w) => w.csat, 100), yMax: 100, yFormat: rateFmt })}`;
}

export interface OutboxEntryView {
  readonly id: string;
  readonly channel: string;
  readonly to: string;
  readonly subject?: string;
  readonly body: string;
  readonly kind: string;
  readonly at: string;
  readonly complaintId?: string;
  readonly viaTopic?: string;
}

/** The local outbox and events pages show this many, newest first: a long run would make them endless. */
export const LOCAL_PAGE_LIMIT = 50;

/** The newest `LOCAL_PAGE_LIMIT` of a list kept oldest first, newest first, with the line saying so when some are left out. */
function newestFirst<T>(all: readonly T[], note: (shown: number, total: number) => string): { items: T[]; note: Html } {
  const items = all.slice(-LOCAL_PAGE_LIMIT).reverse();
  return { items, note: all.length > items.length ? html`<p class="muted">${note(items.length, all.length)}</p>` : html`` };
}

export function outboxBody(ctx: PageContext, entries: readonly OutboxEntryView[]): Html {
  const t = CONSOLE_TEXT[ctx.locale].outbox;
  if (!entries.length) return html`<p class="card">${t.empty}</p>`;
  const newest = newestFirst(entries, t.newest);
  return html`${newest.note}${newest.items.map(
    (m) =>
      html`<article class="message${m.channel === 'sms' ? ' sms' : ''}" aria-label="${m.channel === 'email' ? t.email : m.channel === 'sms' ? t.sms : t.webhook} ${m.to}"><div><strong>${m.channel === 'email' ? t.email : m.channel === 'sms' ? t.sms : t.webhook}</strong> · ${t.to}: ${m.to} · ${time(ctx, m.at)}${m.viaTopic ? html` · ${t.viaTopic} ${m.viaTopic}` : ''}${m.complaintId ? html` · <a href="/console/complaints/${encodeURIComponent(m.complaintId)}">${m.complaintId}</a>` : ''}</div>${m.subject ? html`<div><strong>${t.subject}:</strong> ${m.subject}</div>` : ''}${m.channel === 'email' ? html`<div><a href="/local/outbox/${encodeURIComponent(m.id)}.html">${t.view}</a></div>` : ''}<pre>${m.body}</pre></article>`,
  )}`;
}

export function eventsBody(ctx: PageContext, events: ReadonlyArray<{ detailType: string; time: string; detail: unknown }>): Html {
  const t = CONSOLE_TEXT[ctx.locale].domainEvents;
  if (!events.length) return html`<p class="card">${t.empty}</p>`;
  const facts = (detail: unknown): Html => {
    if (!detail || typeof detail !== 'object') return html``;
    // Envelope fields (event id, schema version) mean nothing to a reader.
    const rows = Object.entries(detail as Record<string, unknown>).filter(([k, v]) => k !== 'eventId' && k !== 'schemaVersion' && v !== undefined && v !== null && typeof v !== 'object');
    return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>`;
  };
  const newest = newestFirst(events, t.newest);
  return html`${newest.note}${newest.items.map((e) => html`<article class="message"><div><strong>${e.detailType}</strong> · ${time(ctx, e.time)}</div>${facts(e.detail)}</article>`)}`;
}

export interface SignInView {
  readonly method: 'agent-token' | 'hosted-ui';
  readonly error?: boolean;
  /** The console page signing in leads to (a checked return path); the inbox when absent. */
  readonly next?: string;
}

export function signInBody(locale: Locale, config: PipelineConfig, view: SignInView): Html {
  const t = CONSOLE_TEXT[locale].signIn;
  if (view.method === 'hosted-ui') return html`<div class="card"><p><a href="/console/login?start=1${view.next ? `&next=${encodeURIComponent(view.next)}` : ''}">${t.hostedUi}</a></p></div>`;
  return html`<form class="card" method="post" action="/console/login"><p class="muted">${t.hint}</p>${view.next ? html`<input type="hidden" name="next" value="${view.next}">` : ''}
<label for="token">${t.token}</label><input type="password" id="token" name="token" autocomplete="current-password" required>
<label for="department">${t.department}</label><select id="department" name="department"><option value="">${t.departmentAll}</option>${config.departments.map((d) => html`<option value="${d.id}">${departmentLabel(config, d.id, locale)}</option>`)}</select>
<p><button type="submit">${t.submit}</button></p></form>`;
}

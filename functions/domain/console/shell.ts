/**
 * The console's page shell: one stylesheet (allowed by its hash in the CSP), a skip link, the
 * navigation, the signed-in person with a sign-out form, and a language switch. No script anywhere.
 */
import type { Principal } from '../access.ts';
import type { Locale, PipelineConfig } from '../config.ts';
import { html, trusted, type Html } from './html.ts';
import { CONSOLE_TEXT, departmentLabel } from './text.ts';

export const CONSOLE_CSS = [
  ':root{color-scheme:light;--ink:#111827;--muted:#4b5563;--line:#d1d5db;--bg:#f9fafb;--brand:#1d4ed8;--bad:#b91c1c;--warn:#92400e;--ok:#166534}',
  '*{box-sizing:border-box}',
  'body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg)}',
  'a{color:var(--brand)}',
  '.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:2}',
  'header.top{background:#0f172a;color:#fff;padding:8px 12px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}',
  'header.top a{color:#fff}',
  '.brand{font-weight:700;margin-right:8px}',
  'nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px}',
  'nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}',
  '.who{margin-left:auto;display:flex;flex-wrap:wrap;gap:8px;align-items:center;font-size:14px}',
  '.who form{margin:0}',
  '.who button{background:transparent;color:#fff;border:1px solid #94a3b8;padding:2px 10px}',
  'main{max-width:1240px;margin:0 auto;padding:16px 12px}',
  'h1{font-size:1.5rem;margin:4px 0 12px;overflow-wrap:anywhere}.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}h2{font-size:1.15rem;margin:20px 0 8px}',
  '.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px;margin:0 0 12px}.card h2,.card h3{margin-top:0}',
  '.flash{border-radius:8px;padding:10px 12px;margin:0 0 12px;border:2px solid var(--ok);background:#f0fdf4}',
  '.flash.error{border-color:var(--bad);background:#fef2f2}',
  'table{width:100%;border-collapse:collapse;background:#fff}',
  'th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}',
  'th{background:#f3f4f6;font-weight:600}',
  '.num{text-align:right;font-variant-numeric:tabular-nums}',
  '.overdue{color:var(--bad);font-weight:600}.atrisk{color:var(--warn);font-weight:600}.muted{color:var(--muted)}',
  '.sev-critical,.sev-high{font-weight:700;color:var(--bad)}',
  'form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;align-items:end}',
  'form.filters .wide{grid-column:1/-1}',
  'label{display:block;font-weight:600;font-size:14px}',
  'input,select,textarea,button{font:inherit}',
  'input[type=text],input[type=search],input[type=password],input[type=number],input[type=datetime-local],select,textarea{width:100%;padding:6px 8px;border:1px solid #6b7280;border-radius:6px;background:#fff;color:var(--ink)}',
  'textarea{min-height:70px}',
  'button{background:var(--brand);color:#fff;border:0;border-radius:6px;padding:7px 14px;cursor:pointer;min-height:36px}',
  'button.secondary{background:#fff;color:var(--brand);border:1px solid var(--brand)}',
  'button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}',
  '.check{display:flex;gap:6px;align-items:center;font-weight:400}',
  '.actions{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}',
  '.grid2{display:grid;grid-template-columns:1fr;gap:12px;margin-top:12px}',
  'dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}',
  'ol.timeline{list-style:none;margin:0;padding:0}ol.timeline li{border-left:3px solid var(--line);padding:0 0 10px 12px}ol.timeline li.internal{border-left-color:#f59e0b}',
  'ul.files{margin:4px 0 0;padding-left:18px;overflow-wrap:anywhere}ul.files li{border:0;padding:0}',
  '.thumb{display:block;max-width:100%;max-height:12rem;margin:4px 0 8px;border:1px solid #d1d5db;border-radius:6px}',
  '.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}',
  '.tile{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px}.tile .v{font-size:1.5rem;font-weight:700}',
  '.chart-box{margin:0 0 16px;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px;overflow-x:auto}',
  'svg.chart{width:100%;min-width:540px;max-width:820px;height:auto;display:block}',
  'ul.legend{list-style:none;margin:4px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}ul.legend svg{vertical-align:middle}',
  '.pager{display:flex;gap:12px;margin:12px 0}',
  '.message{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:0 0 10px;overflow-wrap:anywhere}',
  '.message pre{white-space:pre-wrap;font:inherit;margin:6px 0 0}',
  '.sms{max-width:420px;background:#e0f2fe}',
  '.inline{display:inline}',
  '@media (min-width:900px){.grid2{grid-template-columns:1fr 1fr}}',
  '@media (max-width:720px){table.rtable thead{position:absolute;left:-9999px}table.rtable,table.rtable tbody,table.rtable tr,table.rtable td{display:block;width:100%}',
  'table.rtable tr{border:1px solid var(--line);border-radius:8px;margin:0 0 10px;background:#fff}',
  'table.rtable td{border:0;padding:3px 10px;display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:8px}',
  'table.rtable td::before{content:attr(data-label);font-weight:600;color:var(--muted)}.who{margin-left:0}}',
].join('');

export type NavKey = 'inbox' | 'alerts' | 'sla' | 'reports' | 'outbox' | 'events' | 'none';

export interface ShellView {
  readonly locale: Locale;
  readonly config: PipelineConfig;
  readonly title: string;
  readonly active: NavKey;
  readonly body: Html;
  /** Signed in: the person, and the CSRF token of the sign-out form. */
  readonly session?: { readonly principal: Principal; readonly csrf: string };
  /** The local runtime adds the outbox and events pages. */
  readonly localPages?: boolean;
  /** The current path and query without `lang`, for the language links. */
  readonly here: string;
  readonly flash?: { readonly kind: 'ok' | 'error'; readonly text: string | Html };
}

/** Query-string link to the same page in another language. */
function langHref(here: string, locale: Locale): string {
  return `${here}${here.includes('?') ? '&' : '?'}lang=${encodeURIComponent(locale)}`;
}

/** A whole console page. */
export function consoleShell(view: ShellView): string {
  const t = CONSOLE_TEXT[view.locale];
  const { config } = view;
  const navItems: Array<[NavKey, string, string]> = [
    ['inbox', '/console/inbox', t.nav.inbox],
    ['alerts', '/console/alerts', t.nav.alerts],
    ['sla', '/console/sla', t.nav.sla],
    ['reports', '/console/reports', t.nav.reports],
    ...(view.localPages
      ? ([
          ['outbox', '/console/outbox', t.nav.outbox],
          ['events', '/console/events', t.nav.events],
        ] as Array<[NavKey, string, string]>)
      : []),
  ];
  const p = view.session?.principal;
  const scope = p ? (p.admin ? t.allDepartments : p.departments.map((d) => departmentLabel(config, d, view.locale)).join('、')) : '';
  const other: Locale = view.locale === 'zh-CN' ? 'en' : 'zh-CN';
  const page = html`<!doctype html><html lang="${view.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="same-origin"><meta name="robots" content="noindex, nofollow"><title>${view.title} · ${t.appName}</title><style>${trusted(CONSOLE_CSS)}</style></head><body><a class="skip" href="#main">${t.skip}</a><header class="top"><span class="brand">${t.appName}</span>${
    view.session
      ? html`<nav aria-label="${t.appName}"><ul>${navItems.map(([key, href, label]) => html`<li><a href="${href}"${key === view.active ? trusted(' aria-current="page"') : ''}>${label}</a></li>`)}</ul></nav>`
      : ''
  }<div class="who">${p ? html`<span>${t.signedInAs(p.id, scope)}</span>` : ''}<a href="${langHref(view.here, other)}" lang="${other}" hreflang="${other}">${other === 'en' ? 'English' : '中文'}</a>${
    view.session
      ? html`<form method="post" action="/console/logout"><input type="hidden" name="csrf" value="${view.session.csrf}"><button type="submit">${t.logout}</button></form>`
      : ''
  }</div></header><main id="main">${view.flash ? html`<div class="flash${view.flash.kind === 'error' ? ' error' : ''}" role="${view.flash.kind === 'error' ? 'alert' : 'status'}">${view.flash.text}</div>` : ''}<h1>${view.title}</h1>${view.body}</main></body></html>`;
  return page.value;
}

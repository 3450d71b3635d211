/**
 * The customer-facing survey and unsubscribe pages: small, mobile-first HTML that works without
 * JavaScript (plain form POST) and carries no third-party assets. The one stylesheet is inline and
 * static, so the HTTP layer can allow exactly it in the Content-Security-Policy by its hash.
 *
 * Every value that may come from a customer (title, comment) is escaped here; links are relative, so
 * the pages work behind any base path.
 */
import type { Locale, PipelineConfig } from './config.ts';
import { escapeHtml } from './escape.ts';
import { companyName } from './names.ts';
import type { SurveyFormField } from './survey.ts';
import { surveyTexts, type SurveyPageTexts } from './templates/survey.ts';
import { formatNamedTime, formatWithin } from './time.ts';

/**
 * The pages' only stylesheet (contrast ≥ 4.5:1 throughout, visible focus, 44px touch targets). Pure, so
 * a bundle that imports this module for something else leaves the stylesheet out.
 */
export const PAGE_CSS = /* @__PURE__ */ [
  '*,*::before,*::after{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%}',
  'body{margin:0;font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;font-size:17px;line-height:1.5;color:#1f2937;background:#f3f4f6}',
  'header{display:flex;justify-content:flex-end;padding:8px 16px;background:#ffffff;border-bottom:1px solid #d1d5db}',
  'header ul{display:flex;gap:12px;margin:0;padding:0;list-style:none}',
  'a{color:#1d4ed8}',
  'header a{display:inline-block;padding:10px 4px;min-height:44px}',
  'header a[aria-current]{color:#1f2937;font-weight:600;text-decoration:none}',
  'main{max-width:36rem;margin:0 auto;padding:16px}',
  'h1{font-size:1.5rem;line-height:1.25;margin:8px 0 12px}',
  '.card{background:#ffffff;border:1px solid #d1d5db;border-radius:10px;padding:16px;margin:0 0 16px}',
  'fieldset{border:0;margin:0 0 20px;padding:0;min-width:0}',
  'legend{font-weight:600;margin:0 0 8px;padding:0}',
  '.choices{display:grid;gap:8px}',
  '.choices.two{grid-template-columns:1fr 1fr}',
  '.choice{display:flex;align-items:center;gap:10px;min-height:48px;padding:8px 12px;border:1px solid #6b7280;border-radius:8px;background:#ffffff;cursor:pointer}',
  '.choice input{width:22px;height:22px;margin:0;accent-color:#1d4ed8;flex:none}',
  '.choice:has(input:checked){border-color:#1d4ed8;background:#eff6ff}',
  'label.block{display:block;font-weight:600;margin:0 0 6px}',
  'textarea{display:block;width:100%;min-height:7rem;padding:10px;font:inherit;color:#1f2937;border:1px solid #6b7280;border-radius:8px;background:#ffffff}',
  'input[type=file]{display:block;width:100%;min-height:44px;padding:8px 0;font:inherit}',
  '.hint{color:#4b5563;font-size:.9rem;margin:4px 0 20px}',
  'button{display:block;width:100%;min-height:48px;padding:12px 16px;font:inherit;font-weight:600;color:#ffffff;background:#1d4ed8;border:0;border-radius:8px;cursor:pointer}',
  'button:hover{background:#1e40af}',
  'button:disabled{background:#6b7280;cursor:progress}',
  '.status:empty{margin:0}',
  ':focus-visible{outline:3px solid #b45309;outline-offset:2px}',
  '.choice:focus-within{outline:3px solid #b45309;outline-offset:2px}',
  '.error{color:#b91c1c;font-weight:600}',
  '.errors{border:2px solid #b91c1c;border-radius:8px;padding:12px;margin:0 0 16px;background:#fef2f2}',
  '.errors ul{margin:4px 0 0;padding-left:20px}',
  'h2{font-size:1.05rem;line-height:1.3;margin:0 0 8px}',
  '.asked{margin:0;padding:8px 12px;border-left:4px solid #6b7280;background:#f9fafb;overflow-wrap:anywhere}',
  '@media (min-width:40rem){main{padding:32px 16px}}',
].join('');

export interface Page {
  readonly status: number;
  readonly locale: Locale;
  readonly html: string;
  /** The page's one inline script, when it has one (the reply page's photo shrinking): the CSP allows exactly it by its hash. */
  readonly script?: string;
}

/** What the public pages' one shell needs (the survey, unsubscribe and reply pages share it). */
interface Shell {
  readonly locale: Locale;
  readonly title: string;
  readonly body: string;
  readonly config: PipelineConfig;
  /** Query string of the language links (keeps nothing but `lang`). */
  readonly langHref: (locale: Locale) => string;
  /** A static inline script, last in the body (allowed by its hash: see `Page.script`). */
  readonly script?: string;
}

/** The public pages' document: `lang`, the language links, the one inline stylesheet; `body` must be escaped already. */
export function pageShell({ locale, title, body, config, langHref, script }: Shell): string {
  const t = surveyTexts[locale].page;
  const switcher = config.locales
    .map((l) => {
      const name = escapeHtml(surveyTexts[l].page.languageName);
      return l === locale
        ? `<li><a href="${langHref(l)}" lang="${l}" hreflang="${l}" aria-current="page">${name}</a></li>`
        : `<li><a href="${langHref(l)}" lang="${l}" hreflang="${l}">${name}</a></li>`;
    })
    .join('');
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex, nofollow">' +
    `<title>${escapeHtml(title)} · ${escapeHtml(companyName(config, locale))}</title><style>${PAGE_CSS}</style></head>` +
    `<body><header><nav aria-label="${escapeHtml(t.languageSwitchLabel)}"><ul>${switcher}</ul></nav></header>` +
    `<main>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`
  );
}

/** The language links' target: the same page with `?lang=`. */
export const langLink = (l: Locale) => `?lang=${encodeURIComponent(l)}`;

/** A page with a heading and one paragraph: thanks, already answered, expired, not found. */
function notice(status: number, locale: Locale, config: PipelineConfig, title: string, text: string): Page {
  const body = `<h1>${escapeHtml(title)}</h1><div class="card"><p>${escapeHtml(text)}</p></div>`;
  return { status, locale, html: pageShell({ locale, title, body, config, langHref: langLink }) };
}

export interface SurveyFormView {
  readonly token: string;
  readonly locale: Locale;
  readonly reference: string;
  readonly title: string;
  /** Fields to flag after a failed submission, and what was entered (re-shown, escaped). */
  readonly errors?: readonly SurveyFormField[];
  readonly entered?: { rating?: string; solved?: string; comment?: string };
}

function radio(name: string, value: string, label: string, checked: boolean, required: boolean, describedBy?: string): string {
  const id = `${name}-${value}`;
  return (
    `<label class="choice" for="${id}"><input type="radio" id="${id}" name="${name}" value="${value}"` +
    `${checked ? ' checked' : ''}${required ? ' required' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}>` +
    `<span>${escapeHtml(label)}</span></label>`
  );
}

/** The survey form (200), or the form again with the problems named (400). */
export function surveyFormPage(view: SurveyFormView, config: PipelineConfig): Page {
  const t: SurveyPageTexts = surveyTexts[view.locale].page;
  const errors = new Set(view.errors ?? []);
  const entered = view.entered ?? {};
  const err = (field: SurveyFormField) => (errors.has(field) ? `${field}-error` : undefined);
  const errorLine = (field: SurveyFormField) => (errors.has(field) ? `<p class="error" id="${field}-error">${escapeHtml(t.errors[field])}</p>` : '');
  const summary = errors.size
    ? `<div class="errors" role="alert" tabindex="-1" id="errors"><p class="error">${escapeHtml(t.errorSummary)}</p><ul>${[...errors]
        .map((f) => `<li><a href="#${f === 'comment' ? 'comment' : `${f}-${f === 'rating' ? '1' : 'yes'}`}">${escapeHtml(t.errors[f])}</a></li>`)
        .join('')}</ul></div>`
    : '';
  const ratings = t.ratingLabels.map((label, i) => radio('rating', String(i + 1), label, entered.rating === String(i + 1), true, err('rating'))).join('');
  const solved = [radio('solved', 'yes', t.yes, entered.solved === 'yes', true, err('solved')), radio('solved', 'no', t.no, entered.solved === 'no', true, err('solved'))].join('');
  const body =
    `<h1>${escapeHtml(t.title)}</h1>${summary}` +
    `<p>${escapeHtml(t.intro({ reference: view.reference, title: view.title, company: companyName(config, view.locale) }))}</p>` +
    // Relative action: the page lives at <base>/s/<token>, and posts back to it.
    `<form class="card" method="post" action="./${escapeHtml(view.token)}" accept-charset="utf-8">` +
    `<input type="hidden" name="lang" value="${view.locale}">` +
    `<fieldset><legend>${escapeHtml(t.ratingLegend)}</legend>${errorLine('rating')}<div class="choices five">${ratings}</div></fieldset>` +
    `<fieldset><legend>${escapeHtml(t.solvedLegend)}</legend>${errorLine('solved')}<div class="choices two">${solved}</div></fieldset>` +
    `<label class="block" for="comment">${escapeHtml(t.commentLabel)}</label>${errorLine('comment')}` +
    `<textarea id="comment" name="comment" maxlength="2000" rows="5" aria-describedby="comment-hint${errors.has('comment') ? ' comment-error' : ''}">${escapeHtml(entered.comment ?? '')}</textarea>` +
    `<p class="hint" id="comment-hint">${escapeHtml(t.commentHint)}</p>` +
    `<button type="submit">${escapeHtml(t.submit)}</button></form>`;
  return { status: errors.size ? 400 : 200, locale: view.locale, html: pageShell({ locale: view.locale, title: t.title, body, config, langHref: langLink }) };
}

/** After a recorded answer. */
export function thankYouPage(locale: Locale, outcome: 'reopened' | 'closed' | 'none', config: PipelineConfig, promise?: ContactPromise): Page {
  const t = surveyTexts[locale].page;
  const text =
    outcome === 'reopened' && promise
      ? t.thanksReopenedBy(formatNamedTime(new Date(promise.dueAt), promise.timeZone, locale), formatWithin(Date.parse(promise.dueAt) - promise.now.getTime(), locale))
      : t.thanksBody[outcome];
  return notice(200, locale, config, t.thanksTitle, text);
}

/** When the reopened complaint's first response is due, in the customer's time zone: what the reopen email will promise too. */
export interface ContactPromise {
  readonly dueAt: string;
  readonly timeZone: string;
  readonly now: Date;
}

/** 410: the survey was answered before. */
export function alreadyAnsweredPage(locale: Locale, config: PipelineConfig): Page {
  const t = surveyTexts[locale].page;
  return notice(410, locale, config, t.answeredTitle, t.answeredBody);
}

/** 410: the link's answering period is over. */
export function expiredPage(locale: Locale, config: PipelineConfig): Page {
  const t = surveyTexts[locale].page;
  return notice(410, locale, config, t.expiredTitle, t.expiredBody);
}

/** 404: unknown, malformed or tampered link. */
export function notFoundPage(locale: Locale, config: PipelineConfig): Page {
  const t = surveyTexts[locale].page;
  return notice(404, locale, config, t.notFoundTitle, t.notFoundBody);
}

/** The unsubscribe page: one button (a GET never unsubscribes: link scanners prefetch GETs). */
export function unsubscribePage(token: string, locale: Locale, config: PipelineConfig): Page {
  const t = surveyTexts[locale].page;
  const body =
    `<h1>${escapeHtml(t.unsubscribeTitle)}</h1>` +
    `<form class="card" method="post" action="./${escapeHtml(token)}" accept-charset="utf-8">` +
    `<p>${escapeHtml(t.unsubscribeBody(companyName(config, locale)))}</p>` +
    `<input type="hidden" name="lang" value="${locale}">` +
    `<button type="submit">${escapeHtml(t.unsubscribeButton)}</button></form>`;
  return { status: 200, locale, html: pageShell({ locale, title: t.unsubscribeTitle, body, config, langHref: langLink }) };
}

/** After opting out. */
export function unsubscribedPage(locale: Locale, config: PipelineConfig): Page {
  const t = surveyTexts[locale].page;
  return notice(200, locale, config, t.unsubscribedTitle, t.unsubscribedBody(companyName(config, locale)));
}


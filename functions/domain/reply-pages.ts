/**
 * The reply page (`/r/{token}`): what the agent asked and one text box, for a customer reached only
 * by SMS. Mobile-first, no JavaScript (plain form POST), the survey pages' shell and stylesheet (so the
 * same strict CSP allows it); every value goes through the auto-escaping `html` template, and the
 * agent's note and the customer's own text sit in `<bdi>` with bidirectional controls removed.
 */
import type { Locale, PipelineConfig } from './config.ts';
import { html, userText, type SafeHtml } from './html.ts';
import { companyName } from './names.ts';
import { langLink, pageShell, type Page } from './survey-pages.ts';
import { replyPageTexts } from './templates/reply-page.ts';
import { REPLY_TEXT_MAX, type ReplyFormError } from './web-reply.ts';

export interface ReplyFormView {
  readonly token: string;
  readonly locale: Locale;
  /** The short reference the SMS named. */
  readonly reference: string;
  /** The public note of the latest request for information (of the resolution, when `reopen`); never an internal one. */
  readonly asked?: string;
  /** The complaint is resolved (the link of the "resolved" SMS): a reply reopens it. */
  readonly reopen?: boolean;
  /** After a refused submission: what was wrong, and the text as entered (shown again). */
  readonly error?: ReplyFormError;
  readonly entered?: string;
}

function page(status: number, locale: Locale, config: PipelineConfig, title: string, body: SafeHtml): Page {
  return { status, locale, html: pageShell({ locale, title, body: body.value, config, langHref: langLink }) };
}

/** The form (200), or the form again with the problem named and the text kept (400). */
export function replyFormPage(view: ReplyFormView, config: PipelineConfig): Page {
  const t = replyPageTexts[view.locale];
  const ctx = { company: companyName(config, view.locale), reference: view.reference };
  const error = view.error && t.errors[view.error];
  const words = view.reopen
    ? { title: t.reopen.title, intro: t.reopen.intro(ctx), label: t.reopen.resolvedLabel, textLabel: t.reopen.textLabel, submit: t.reopen.submit }
    : { title: t.title, intro: t.intro(ctx), label: t.askedLabel, textLabel: t.textLabel, submit: t.submit };
  // A resolution without a public note has nothing to show; a request without one asks in general terms.
  const asked = view.asked
    ? html`<section class="card" aria-labelledby="asked-h"><h2 id="asked-h">${words.label}</h2><p class="asked">${userText(view.asked)}</p></section>`
    : view.reopen
      ? ''
      : html`<section class="card" aria-labelledby="asked-h"><h2 id="asked-h">${words.label}</h2><p>${t.askedNothing}</p></section>`;
  const body = html`<h1>${words.title}</h1>${
    error ? html`<div class="errors" role="alert" id="errors"><p class="error">${t.errorSummary}</p><ul><li><a href="#text">${error}</a></li></ul></div>` : ''
  }<p>${words.intro}</p>${asked}<form class="card" method="post" action="./${view.token}" accept-charset="utf-8"><input type="hidden" name="lang" value="${view.locale}"><label class="block" for="text">${words.textLabel}</label>${
    error ? html`<p class="error" id="text-error">${error}</p>` : ''
  }<textarea id="text" name="text" maxlength="${REPLY_TEXT_MAX}" rows="6" required aria-describedby="text-hint${error ? ' text-error' : ''}"${
    error ? html` aria-invalid="true"` : ''
  }>${view.entered ?? ''}</textarea><p class="hint" id="text-hint">${t.textHint}</p><button type="submit">${words.submit}</button></form>`;
  return page(error ? 400 : 200, view.locale, config, words.title, body);
}

/**
 * After the reply was recorded, and again for the same link (a double submit, a retried request, a
 * later visit); `reopened` when the reply reopened the resolved complaint.
 */
export function replyThanksPage(locale: Locale, reference: string, config: PipelineConfig, reopened = false): Page {
  const t = replyPageTexts[locale];
  const ctx = { company: companyName(config, locale), reference };
  const [title, text] = reopened ? [t.reopen.thanksTitle, t.reopen.thanksBody(ctx)] : [t.thanksTitle, t.thanksBody(ctx)];
  return page(200, locale, config, title, html`<h1>${title}</h1><div class="card"><p>${text}</p></div>`);
}

/** 410: the complaint is resolved or closed; nothing was written. */
export function replyClosedPage(locale: Locale, reference: string, config: PipelineConfig): Page {
  const t = replyPageTexts[locale];
  return page(410, locale, config, t.closedTitle, html`<h1>${t.closedTitle}</h1><div class="card"><p>${t.closedBody({ company: companyName(config, locale), reference })}</p></div>`);
}

/** 404: a malformed, unknown or expired link, or a complaint that is gone; it shows nothing about any complaint. */
export function replyNotFoundPage(locale: Locale, config: PipelineConfig): Page {
  const t = replyPageTexts[locale];
  return page(404, locale, config, t.notFoundTitle, html`<h1>${t.notFoundTitle}</h1><div class="card"><p>${t.notFoundBody}</p></div>`);
}

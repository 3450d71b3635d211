/**
 * The reply page (`/r/{token}`): what the agent asked and one text box, for a customer reached only
 * by SMS. Mobile-first, a plain form POST (where it takes photos, one small script makes large ones
 * smaller first: `reply-photo-script.ts`), the survey pages' shell and stylesheet (so the same strict
 * CSP allows it, with the script's hash); every value goes through the auto-escaping `html` template, and the
 * agent's note and the customer's own text sit in `<bdi>` with bidirectional controls removed.
 */
import type { Complaint } from './complaint.ts';
import type { Locale, PipelineConfig } from './config.ts';
import { html, userText, type SafeHtml } from './html.ts';
import { companyName } from './names.ts';
import { langLink, pageShell, type Page } from './survey-pages.ts';
import { replyPageTexts, type ReplyPageTexts } from './templates/reply-page.ts';
import { REPLY_PHOTO_SCRIPT } from './reply-photo-script.ts';
import { REPLY_TEXT_MAX, type ReplyFileLimits, type ReplyFormError } from './web-reply.ts';

export interface ReplyFormView {
  readonly token: string;
  readonly locale: Locale;
  /** The short reference the SMS named. */
  readonly reference: string;
  /** The public note of the latest request for information (of the resolution, when `reopen`); never an internal one. */
  readonly asked?: string;
  /** The complaint is resolved (the link of the "resolved" SMS): a reply reopens it. */
  readonly reopen?: boolean;
  /** After a refused submission: what was wrong, the file it was about, and the text as entered (shown again). */
  readonly error?: ReplyFormError;
  readonly file?: string;
  readonly entered?: string;
  /** The files the page takes (a file input and its hint); none: a text-only page. */
  readonly files?: ReplyFileLimits;
}

const FILE_ERRORS: ReadonlySet<ReplyFormError> = new Set(['file_type', 'file_too_large', 'too_many_files', 'body_too_large']);

function errorText(t: ReplyPageTexts, view: ReplyFormView): string | undefined {
  const files = { maxCount: 0, maxBytes: 0, totalBytes: 0, allowedTypes: [], ...view.files, ...(view.file !== undefined && { file: view.file }) };
  switch (view.error) {
    case undefined:
      return undefined;
    case 'empty':
      return view.files ? t.errors.emptyWithFiles : t.errors.empty;
    case 'too_long':
      return t.errors.too_long;
    default:
      return t.errors[view.error](files);
  }
}

function page(status: number, locale: Locale, config: PipelineConfig, title: string, body: SafeHtml, script?: string): Page {
  return { status, locale, html: pageShell({ locale, title, body: body.value, config, langHref: langLink, ...(script && { script }) }), ...(script && { script }) };
}

/**
 * The form (200), or the form again with the problem named and the text kept (400; 413 when the
 * request was too large to read). With `files`, the form is sent as `multipart/form-data` and takes
 * photos beside the text, which may then stay empty.
 */
export function replyFormPage(view: ReplyFormView, config: PipelineConfig): Page {
  const t = replyPageTexts[view.locale];
  const ctx = { company: companyName(config, view.locale), reference: view.reference };
  const error = errorText(t, view);
  const fileError = error !== undefined && FILE_ERRORS.has(view.error!);
  const textError = error !== undefined && !fileError;
  const files = view.files;
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
    error ? html`<div class="errors" role="alert" id="errors"><p class="error">${t.errorSummary}</p><ul><li><a href="#${fileError ? 'files' : 'text'}">${error}</a></li></ul></div>` : ''
  }<p>${words.intro}</p>${asked}<form class="card" id="reply" method="post" action="./${view.token}" accept-charset="utf-8"${
    files
      ? html` enctype="multipart/form-data" data-total-bytes="${files.totalBytes}" data-max-bytes="${files.maxBytes}" data-hint="${t.filesHintShrinking(files)}" data-shrinking="${t.shrinkingPhotos}" data-too-large="${t.stillTooLarge(files)}"`
      : ''
  }><input type="hidden" name="lang" value="${view.locale}"><label class="block" for="text">${words.textLabel}</label>${
    textError ? html`<p class="error" id="text-error">${error}</p>` : ''
  }<textarea id="text" name="text" maxlength="${REPLY_TEXT_MAX}" rows="6"${files ? '' : html` required`} aria-describedby="text-hint${textError ? ' text-error' : ''}"${
    textError ? html` aria-invalid="true"` : ''
  }>${view.entered ?? ''}</textarea><p class="hint" id="text-hint">${t.textHint}</p>${
    files
      ? html`<label class="block" for="files">${t.filesLabel}</label>${fileError ? html`<p class="error" id="files-error">${error}</p>` : ''}<input type="file" id="files" name="files" multiple accept="${files.allowedTypes.join(',')}" aria-describedby="files-hint${fileError ? ' files-error' : ''}"${
          fileError ? html` aria-invalid="true"` : ''
        }><p class="hint status" id="files-status" role="status"></p><p class="hint" id="files-hint">${t.filesHint(files)}</p>`
      : ''
  }<button type="submit">${words.submit}</button></form>`;
  return page(view.error === 'body_too_large' ? 413 : error ? 400 : 200, view.locale, config, words.title, body, files && REPLY_PHOTO_SCRIPT);
}

/** What the thank-you page says about the reply: whether it reopened the complaint, and the names of the files it carried (as stored). */
export interface RecordedReply {
  readonly reopened: boolean;
  readonly files: readonly string[];
}

/** What a link's recorded reply was, from its timeline entry (the link's message id). */
export function recordedReply(complaint: Complaint, messageId: string): RecordedReply {
  const entry = complaint.timeline.find((e) => e.messageId === messageId);
  return { reopened: entry?.event === 'reopen', files: (entry?.attachments ?? []).filter((a) => !a.notKept).map((a) => a.name) };
}

/**
 * After the reply was recorded, and again for the same link (a double submit, a retried request, a
 * later visit): says it reached the team (or reopened the resolved complaint) and names the files
 * it carried, so a customer who sent photos sees they arrived.
 */
export function replyThanksPage(locale: Locale, reference: string, config: PipelineConfig, reply: RecordedReply = { reopened: false, files: [] }): Page {
  const t = replyPageTexts[locale];
  const ctx = { company: companyName(config, locale), reference };
  const [title, text] = reply.reopened ? [t.reopen.thanksTitle, t.reopen.thanksBody(ctx)] : [t.thanksTitle, t.thanksBody(ctx)];
  const files = reply.files.length ? html`<p>${t.filesReceived(reply.files.length)}</p><ul>${reply.files.map((name) => html`<li>${userText(name)}</li>`)}</ul>` : '';
  return page(200, locale, config, title, html`<h1>${title}</h1><div class="card"><p>${text}</p>${files}</div>`);
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

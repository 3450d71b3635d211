/**
 * The one rendering path for HTML people read: an auto-escaping `html` tagged template, user text
 * isolated with `<bdi>`, and one email shell (with `lang`) that fits a 390 px phone. Pure.
 */
import type { Locale } from './config.ts';
import { escapeHtml } from './escape.ts';
import { cleanUserText } from './text.ts';

/** HTML that is already safe to insert. Only `html`, `raw` and the helpers here make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | undefined | null | false | ReadonlyArray<HtmlValue>;

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Escapes every interpolated value unless it is {@link SafeHtml}; arrays are concatenated. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks trusted markup (constants only: never data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * Text someone outside the company wrote (titles, notes, comments, names): bidirectional controls
 * removed and the rest isolated, so it cannot reorder the sentence around it.
 */
export function userText(text: string): SafeHtml {
  return html`<bdi>${cleanUserText(text)}</bdi>`;
}

/** A real link whose text may wrap anywhere (long URLs never widen a phone screen). */
export function link(href: string, label: string | SafeHtml): SafeHtml {
  return html`<a href="${href}" style="color:#1d4ed8;overflow-wrap:anywhere;word-break:break-word">${label}</a>`;
}

/** Paragraphs from lines of text, each escaped. */
export function paragraphs(lines: ReadonlyArray<string | SafeHtml>): SafeHtml {
  return html`${lines.map((l) => html`<p>${l}</p>`)}`;
}

/** A real list. */
export function list(items: ReadonlyArray<string | SafeHtml>): SafeHtml {
  return html`<ul style="padding-left:1.2em;margin:0.5em 0">${items.map((i) => html`<li style="margin:0.25em 0">${i}</li>`)}</ul>`;
}

/**
 * The one email document: `lang` for screen readers and fonts, a viewport, and styles that keep
 * everything inside a 390 px screen (long words and links wrap).
 */
export function emailDocument(locale: Locale, title: string, body: SafeHtml): string {
  return html`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body style="margin:0;padding:16px;font-family:-apple-system,'Segoe UI','PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;font-size:16px;line-height:1.55;color:#111827;background:#ffffff;overflow-wrap:anywhere;word-break:break-word"><div style="max-width:600px;margin:0 auto">${body}</div></body></html>`.value;
}

/**
 * One rendering path for every message a person gets. A renderer states WHAT to say as blocks
 * (paragraphs, real lists, the one link to act) with texts from `templates/`; this module turns the
 * same blocks into the plain-text part and the HTML part (auto-escaped, user text isolated, in the
 * one email document with `lang`). SMS go through {@link smsFor}. Pure.
 */
import type { Locale } from './config.ts';
import { emailDocument, html, link, list as htmlList, userText, type SafeHtml } from './html.ts';
import type { EmailMessage, InlineImage, MessageKind, SmsMessage, TopicMessage } from './messages.ts';
import { gsmFriendly } from './sms.ts';
import { cleanUserText } from './text.ts';

/** A piece of a paragraph: our text, text someone outside wrote, emphasis, or a link. */
export type Inline =
  | string
  | { readonly user: string }
  | { readonly strong: string }
  | { readonly href: string; readonly label: string }
  /** A second line under the first (a list item's details), muted. */
  | { readonly detail: string };

export type Block =
  | { readonly kind: 'p'; readonly parts: readonly Inline[]; readonly muted?: boolean }
  | { readonly kind: 'list'; readonly items: ReadonlyArray<readonly Inline[]> }
  /** Someone's words set apart (an agent's note to the customer). */
  | { readonly kind: 'quote'; readonly parts: readonly Inline[] }
  /** The one link to act (acknowledge, open the complaint, open the list), shown as a button. */
  | { readonly kind: 'action'; readonly label: string; readonly href: string }
  /** A section title. */
  | { readonly kind: 'heading'; readonly text: string }
  /** A data table (figures): a header row, then rows of cells; `numeric` columns align right. */
  | { readonly kind: 'table'; readonly caption: string; readonly head: readonly string[]; readonly rows: ReadonlyArray<readonly (readonly Inline[])[]>; readonly numeric: readonly boolean[] }
  /** An image carried in the email (`cid:`), with the text a reader without images gets instead. */
  | { readonly kind: 'image'; readonly src: string; readonly alt: string; readonly width: number; readonly height: number };

export const p = (...parts: Inline[]): Block => ({ kind: 'p', parts });
export const muted = (...parts: Inline[]): Block => ({ kind: 'p', parts, muted: true });
export const ul = (items: ReadonlyArray<readonly Inline[]>): Block => ({ kind: 'list', items });
export const action = (label: string, href: string): Block => ({ kind: 'action', label, href });
export const quote = (...parts: Inline[]): Block => ({ kind: 'quote', parts });
export const detail = (text: string): Inline => ({ detail: text });
export const user = (text: string): Inline => ({ user: text });

/**
 * A template's paragraph with the user texts it quotes (a title, a comment) marked as such, so the
 * HTML isolates them: the paragraph split around each.
 */
export function quotingUser(paragraph: string, quoted: readonly string[]): Inline[] {
  for (const q of quoted) {
    const at = q ? paragraph.indexOf(q) : -1;
    if (at >= 0) return [...quotingUser(paragraph.slice(0, at), quoted), user(q), ...quotingUser(paragraph.slice(at + q.length), quoted)].filter((x) => x !== '');
  }
  return [paragraph];
}
export const strong = (text: string): Inline => ({ strong: text });
export const a = (label: string, href: string): Inline => ({ href, label });
export const heading = (text: string): Block => ({ kind: 'heading', text });
export const table = (caption: string, head: readonly string[], rows: ReadonlyArray<readonly (readonly Inline[])[]>, numeric: readonly boolean[]): Block => ({ kind: 'table', caption, head, rows, numeric });
export const image = (src: string, alt: string, width: number, height: number): Block => ({ kind: 'image', src, alt, width, height });

function inlineText(part: Inline): string {
  if (typeof part === 'string') return part;
  if ('user' in part) return cleanUserText(part.user);
  if ('strong' in part) return part.strong;
  if ('detail' in part) return ` ${part.detail}`;
  return part.label;
}

/** A paragraph or list item as plain text: the link labels in place, their addresses at the end. */
function partsText(parts: readonly Inline[]): string {
  const links = parts.flatMap((x) => (typeof x === 'object' && 'href' in x ? [x.href] : []));
  return [parts.map(inlineText).join(''), ...links].join(' ');
}

function inlineHtml(part: Inline): SafeHtml {
  if (typeof part === 'string') return html`${part}`;
  if ('user' in part) return userText(part.user);
  if ('strong' in part) return html`<strong>${part.strong}</strong>`;
  if ('detail' in part) return html`<span style="display:block;color:#374151;font-size:15px">${part.detail}</span>`;
  return link(part.href, part.label);
}

/** The plain-text part: paragraphs separated by a blank line, list items as `- `. */
export function blocksText(blocks: readonly Block[]): string {
  return blocks
    .map((b) => {
      if (b.kind === 'p') return partsText(b.parts);
      if (b.kind === 'quote') return `> ${partsText(b.parts)}`;
      if (b.kind === 'list') return b.items.map((item) => `- ${partsText(item)}`).join('\n');
      if (b.kind === 'heading') return `## ${b.text}`;
      if (b.kind === 'table') return [b.caption, ...b.rows.map((row) => `- ${row.map(partsText).join(' | ')}`)].join('\n');
      if (b.kind === 'image') return `[${b.alt}]`;
      return /[\p{Script=Han}\uFF00-\uFFEF\u3000-\u303F]$/u.test(b.label) ? `${b.label}：${b.href}` : `${b.label}: ${b.href}`;
    })
    .join('\n\n');
}

/** The HTML body: real paragraphs, real lists, real links. */
export function blocksHtml(blocks: readonly Block[]): SafeHtml {
  return html`${blocks.map((b) => {
    if (b.kind === 'p') return b.muted ? html`<p style="color:#4b5563;font-size:14px">${b.parts.map(inlineHtml)}</p>` : html`<p>${b.parts.map(inlineHtml)}</p>`;
    if (b.kind === 'list') return htmlList(b.items.map((item) => html`${item.map(inlineHtml)}`));
    if (b.kind === 'heading') return html`<h2 style="margin:1.4em 0 0.5em;font-size:18px;line-height:1.3;color:#111827">${b.text}</h2>`;
    if (b.kind === 'table') return tableHtml(b);
    if (b.kind === 'image') return html`<p style="margin:0.8em 0"><img src="${b.src}" alt="${b.alt}" width="${b.width}" height="${b.height}" style="display:block;width:100%;max-width:${b.width}px;height:auto;border:0"></p>`;
    if (b.kind === 'quote') return html`<blockquote style="margin:0.8em 0;padding:0.6em 0.9em;border-left:4px solid #1d4ed8;background:#eff6ff">${b.parts.map(inlineHtml)}</blockquote>`;
    return html`<p style="margin:1.2em 0"><a href="${b.href}" style="display:inline-block;max-width:100%;box-sizing:border-box;padding:10px 16px;border-radius:6px;background:#1d4ed8;color:#ffffff;text-decoration:none;font-weight:600;overflow-wrap:anywhere">${b.label}</a></p>`;
  })}`;
}

/**
 * A table mail clients lay out alike (Outlook's Word engine included): attributes plus inline styles,
 * no CSS classes. Column headers and figures never wrap (no "Chan|ge"); the row labels in the first
 * column do, so a phone never scrolls sideways.
 */
function tableHtml(b: Extract<Block, { kind: 'table' }>): SafeHtml {
  const cell = 'padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top';
  const align = (i: number) => (b.numeric[i] ? 'right' : 'left');
  return html`<table width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;margin:0.5em 0 1em;font-size:14px;line-height:1.4"><caption style="text-align:left;font-weight:600;font-size:18px;line-height:1.3;padding:0.8em 0 0.5em;color:#111827">${b.caption}</caption><thead><tr>${b.head.map(
    (h, i) => html`<th scope="col" align="${align(i)}" style="${cell};text-align:${align(i)};background:#f3f4f6;color:#111827;font-weight:600;white-space:nowrap">${h}</th>`,
  )}</tr></thead><tbody>${b.rows.map(
    (row) => html`<tr>${row.map((parts, i) => (i === 0 ? html`<th scope="row" align="left" style="${cell};text-align:left;font-weight:400">${parts.map(inlineHtml)}</th>` : html`<td align="${align(i)}" style="${cell};text-align:${align(i)};white-space:nowrap">${parts.map(inlineHtml)}</td>`))}</tr>`,
  )}</tbody></table>`;
}

/** What every email says about itself. */
export interface EmailSpec {
  readonly id: string;
  readonly kind: MessageKind;
  readonly to: string;
  readonly locale: Locale;
  readonly subject: string;
  readonly blocks: readonly Block[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly complaintId?: string;
  readonly alertId?: string;
  /** Images the blocks show by `cid:`. */
  readonly inlineImages?: readonly InlineImage[];
}

/** An email whose text and HTML parts say the same thing. */
export function emailFor(spec: EmailSpec): EmailMessage {
  const subject = cleanUserText(spec.subject);
  return {
    id: spec.id,
    kind: spec.kind,
    channel: 'email',
    to: spec.to,
    subject,
    text: blocksText(spec.blocks),
    html: emailDocument(spec.locale, subject, blocksHtml(spec.blocks)),
    ...(spec.headers && { headers: spec.headers }),
    ...(spec.complaintId && { complaintId: spec.complaintId }),
    ...(spec.alertId && { alertId: spec.alertId }),
    ...(spec.inlineImages?.length && { inlineImages: spec.inlineImages }),
  };
}

/** SMS wording for a locale: English keeps to GSM-7 punctuation (one curly quote would make it UCS-2). */
export function smsWording(text: string, locale: Locale): string {
  return locale === 'en' ? gsmFriendly(text) : text;
}

export function smsFor(spec: { id: string; kind: MessageKind; to: string; locale: Locale; text: string; complaintId?: string; alertId?: string }): SmsMessage {
  return {
    id: spec.id,
    kind: spec.kind,
    channel: 'sms',
    to: spec.to,
    text: smsWording(spec.text, spec.locale),
    ...(spec.complaintId && { complaintId: spec.complaintId }),
    ...(spec.alertId && { alertId: spec.alertId }),
  };
}

export function topicFor(spec: { id: string; kind: MessageKind; department: string; subject: string; locale: Locale; text: string; alertId?: string }): TopicMessage {
  return {
    id: spec.id,
    kind: spec.kind,
    channel: 'topic',
    department: spec.department,
    subject: cleanUserText(spec.subject),
    text: smsWording(spec.text, spec.locale),
    ...(spec.alertId && { alertId: spec.alertId }),
  };
}

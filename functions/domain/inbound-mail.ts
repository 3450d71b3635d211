/**
 * Two-way email, the pure part: what an inbound message is, whether a machine sent it, which
 * complaint it answers, the new text in it, which attachments are kept, and what a reply does to its
 * complaint. Parsing MIME, storage and sending live in adapters; time comes in as an argument.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ComplaintInputSchema, type Complaint, type ComplaintInput, type TimelineEntry } from './complaint.ts';
import type { InboundSettings, Locale, PipelineConfig } from './config.ts';
import { applyEvent, type TransitionError } from './lifecycle.ts';
import type { OutboundMessage } from './messages.ts';
import { DAY_MS, HOUR_MS } from './time.ts';

/**
 * Key prefixes in the mail bucket: SES writes raw messages under `inbound/`; one that became part of a
 * complaint is moved to `messages/<complaint id>/`, where the customer's erasure finds it.
 */
export const MAIL_PREFIX = { inbound: 'inbound/', quarantine: 'quarantine/', attachments: 'attachments/', messages: 'messages/' } as const;

/** Where a raw message that became part of complaint `complaintId` is kept: `messages/<complaint id>/<SES message id>`. */
export function filedMessageKey(rawKey: string, complaintId: string): string {
  return `${MAIL_PREFIX.messages}${complaintId}/${rawKey.split('/').pop() ?? rawKey}`;
}

/** One attachment as the MIME parser hands it over. */
export const ParsedAttachmentSchema = z.object({
  filename: z.string().optional(),
  contentType: z.string(),
  size: z.number().int().min(0),
  content: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes'),
});
export type ParsedAttachment = z.infer<typeof ParsedAttachmentSchema>;

/** An inbound email after MIME parsing: only what the pipeline uses. */
export const ParsedEmailSchema = z.object({
  /** Message-ID without angle brackets. */
  messageId: z.string().optional(),
  from: z.object({ address: z.string(), name: z.string().optional() }).optional(),
  subject: z.string().optional(),
  /** The plain text body; derived from the HTML part when the message has only HTML. */
  text: z.string(),
  /** Message ids (without angle brackets) from In-Reply-To and References, newest last. */
  references: z.array(z.string()),
  /** Header values by lower-case name (the first occurrence). */
  headers: z.record(z.string(), z.string()),
  /** Media type of the top-level part, lower case (`multipart/report` for delivery reports). */
  contentType: z.string(),
  attachments: z.array(ParsedAttachmentSchema),
});
export type ParsedEmail = z.infer<typeof ParsedEmailSchema>;

/** An SES receipt verdict: spam, virus, SPF, DKIM, DMARC (`DISABLED` when nothing checked it). */
export const VerdictSchema = z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** SES's sender-authentication verdicts for one message (`receipt.spfVerdict.status` and so on). */
export interface SenderVerdicts {
  readonly spf: Verdict;
  readonly dkim: Verdict;
  readonly dmarc: Verdict;
}

/**
 * Whether the From address is authenticated well enough to thread a message into a complaint by its
 * References or In-Reply-To (ids anyone can copy from an email they saw): DMARC `PASS`, or, where the
 * From domain publishes no DMARC policy (`GRAY`), SPF or DKIM `PASS`. Without DMARC, SPF and DKIM
 * vouch for the envelope or signing domain, which need not be the From domain (the README's
 * "Email in and out" says what that leaves open). The reply address's token needs none of this:
 * it is itself the credential.
 */
export function senderAuthenticated(verdicts: SenderVerdicts): boolean {
  if (verdicts.dmarc === 'PASS') return true;
  return verdicts.dmarc === 'GRAY' && (verdicts.spf === 'PASS' || verdicts.dkim === 'PASS');
}

/** Why a message is not a person writing to us. */
export type AutomatedReason = 'auto_submitted' | 'precedence' | 'auto_reply_header' | 'delivery_report' | 'mailer_daemon' | 'null_sender' | 'own_sender' | 'mailing_list';

const MAILER_DAEMON = /^(mailer-daemon|postmaster|mail-daemon|noreply-dsn)$/i;
const AUTO_PRECEDENCE = /^(bulk|junk|list|auto_reply|auto-reply)$/i;

/**
 * Why this message was sent by a machine (auto-reply, bounce, delivery or read report, mailing list,
 * or one of our own addresses), or undefined when a person wrote it. Answering or filing such mail is
 * how mail loops start, so it is ignored.
 * @param own our own addresses (the sender identity and the complaints address)
 */
export function automatedReason(email: ParsedEmail, own: readonly string[]): AutomatedReason | undefined {
  const h = email.headers;
  const autoSubmitted = h['auto-submitted']?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return 'auto_submitted';
  if (h.precedence && AUTO_PRECEDENCE.test(h.precedence.trim())) return 'precedence';
  if (h['x-autoreply'] !== undefined || h['x-autorespond'] !== undefined || h['x-autoreply-from'] !== undefined) return 'auto_reply_header';
  if (email.contentType === 'multipart/report' || email.contentType === 'message/delivery-status' || email.contentType === 'message/disposition-notification') {
    return 'delivery_report';
  }
  if (h['return-path'] !== undefined && /^\s*<\s*>\s*$/.test(h['return-path'])) return 'null_sender';
  const from = email.from?.address.toLowerCase();
  if (from) {
    if (MAILER_DAEMON.test(from.split('@')[0] ?? '')) return 'mailer_daemon';
    const ownSet = own.map((a) => a.toLowerCase());
    if (ownSet.includes(from) || ownSet.some((a) => isPlusAddressOf(from, a))) return 'own_sender';
  }
  if (h['list-id'] !== undefined) return 'mailing_list';
  return undefined;
}

function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}

function isPlusAddressOf(candidate: string, base: string): boolean {
  const c = splitAddress(candidate);
  const b = splitAddress(base);
  return c.domain === b.domain && c.local.startsWith(`${b.local}+`);
}

/** Reply tokens: 20 random bytes in lower-case base32 (160 bits), safe in a case-folding mail system. */
export const REPLY_TOKEN_BYTES = 20;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const REPLY_TOKEN_SHAPE = /^[a-z2-7]{32}$/;

/** Encodes random bytes as a reply token. */
export function replyTokenFrom(random: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Whether a string can be a reply token at all; anything else is not looked up. */
export function isWellFormedReplyToken(token: string): boolean {
  return REPLY_TOKEN_SHAPE.test(token);
}

/** Tokens and addresses are stored only as their SHA-256. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `complaints+<token>@domain` for the configured complaints address. */
export function replyAddress(inbound: Pick<InboundSettings, 'address'>, token: string): string {
  const { local, domain } = splitAddress(inbound.address);
  return `${local}+${token}@${domain}`;
}

/** Which of our addresses a message was sent to. */
export type Addressed = { kind: 'new' } | { kind: 'reply'; token: string } | { kind: 'not_ours' };

/**
 * Reads the envelope recipients: a reply address wins over the plain complaints address (a customer
 * who copies both is still replying). Other addresses on the domain are not ours.
 */
export function addressedTo(recipients: readonly string[], inbound: Pick<InboundSettings, 'address'>): Addressed {
  const base = splitAddress(inbound.address);
  let plain = false;
  for (const recipient of recipients) {
    const r = splitAddress(recipient.trim());
    if (r.domain !== base.domain) continue;
    if (r.local === base.local) plain = true;
    else if (r.local.startsWith(`${base.local}+`)) return { kind: 'reply', token: r.local.slice(base.local.length + 1) };
  }
  return plain ? { kind: 'new' } : { kind: 'not_ours' };
}

/**
 * The thread id every customer email about a complaint carries in `References`. Mail clients copy
 * References into their replies, so it comes back even when a client drops the reply address
 * (SES replaces the Message-ID we would set, but keeps References).
 */
export function threadReference(complaintId: string, inbound: Pick<InboundSettings, 'address'>): string {
  return `complaint.${complaintId}@${splitAddress(inbound.address).domain}`;
}

/** The complaint id from our thread reference among a reply's In-Reply-To/References, if any. */
export function complaintFromReferences(references: readonly string[], inbound: Pick<InboundSettings, 'address'>): string | undefined {
  const domain = splitAddress(inbound.address).domain;
  for (const ref of [...references].reverse()) {
    const m = /^complaint\.([0-9A-HJKMNP-TV-Z]{26})@(.+)$/.exec(ref.trim());
    if (m && m[2]!.toLowerCase() === domain) return m[1];
  }
  return undefined;
}

/**
 * Customer emails with their reply address and thread reference, marked as automatically generated
 * (RFC 3834) so well-behaved auto-responders do not answer them. SMS pass through unchanged.
 */
export function withReplyAddress(messages: readonly OutboundMessage[], replyTo: string, complaintId: string, inbound: Pick<InboundSettings, 'address'>): OutboundMessage[] {
  return messages.map((m) =>
    m.channel === 'email'
      ? { ...m, replyTo, headers: { ...m.headers, References: `<${threadReference(complaintId, inbound)}>`, 'Auto-Submitted': 'auto-generated' } }
      : m,
  );
}

const QUOTE_HEADER_PATTERNS: readonly RegExp[] = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^在.{0,300}写道\s*[:：]\s*$/,
  /^.{0,300}于.{0,100}写道\s*[:：]\s*$/,
  /^-{2,}\s*(Original Message|Reply message|原始邮件|原始郵件)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
];
const FORWARD_PATTERNS: readonly RegExp[] = [/^-{2,}\s*(Forwarded message|转发的邮件|轉寄的郵件)\s*-{2,}\s*$/i, /^Begin forwarded message:\s*$/i];
const HEADER_BLOCK_START = /^\s*\*?(From|发件人|寄件者)\s*\*?\s*[:：]/i;
const HEADER_BLOCK_NEXT = /^\s*\*?(Sent|Date|To|Subject|发送时间|日期|收件人|主题|寄件日期|主旨)\s*\*?\s*[:：]/i;
const SIGNATURE_PATTERNS: readonly RegExp[] = [
  /^-- ?$/,
  /^(Sent from my|Sent from Mail for|Get Outlook for)\b/i,
  /^(发自我的|从我的|來自我的).{0,20}$/,
  /^(发自|来自)(网易|QQ|腾讯|手机|移动|Foxmail).{0,30}$/,
];

/**
 * The text a person wrote in this message: quoted history (`>` lines, "On … wrote:", "在…写道：",
 * Outlook's original-message and From/Sent header blocks) and the signature (`-- `, "Sent from my
 * iPhone", "发自我的iPhone") are cut. A forwarded message is kept when `keepForwarded` (a customer
 * forwarding an order mail to the complaints address wants it read), cut otherwise.
 */
export function newText(text: string, options: { keepForwarded: boolean }): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const trimmed = line.trim();
    const joined = `${trimmed} ${lines[i + 1]?.trim() ?? ''}`.trim();
    if (FORWARD_PATTERNS.some((p) => p.test(trimmed))) {
      if (!options.keepForwarded) break;
      kept.push(line);
      continue;
    }
    // "On Mon, 1 Dec 2026 at 10:00, Support <…>" may wrap before "wrote:".
    const wrappedOnWrote = /^On\b/i.test(trimmed) && /\bwrote:\s*$/i.test(joined) && joined.length <= 400;
    if (wrappedOnWrote || QUOTE_HEADER_PATTERNS.some((p) => p.test(trimmed))) break;
    if (HEADER_BLOCK_START.test(trimmed) && lines.slice(i + 1, i + 4).some((l) => HEADER_BLOCK_NEXT.test(l)) && !insideForward(kept)) break;
    if (SIGNATURE_PATTERNS.some((p) => p.test(trimmed))) break;
    if (/^>/.test(trimmed)) continue;
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function insideForward(kept: readonly string[]): boolean {
  return kept.some((l) => FORWARD_PATTERNS.some((p) => p.test(l.trim())));
}

/** The subject without reply and forward prefixes (Re:, Fwd:, 回复：, 转发：, …), or undefined when empty. */
export function cleanSubject(subject: string | undefined): string | undefined {
  if (!subject) return undefined;
  let s = subject.replace(/\s+/g, ' ').trim();
  const prefix = /^(re|fw|fwd|aw|sv|回复|答复|回覆|转发|轉寄)\s*(\[\d+\])?\s*[:：]\s*/i;
  while (prefix.test(s)) s = s.replace(prefix, '');
  return s || undefined;
}

/** The customer id of an email sender: derived from the address, so logs that carry it carry no address. */
export function emailCustomerId(address: string): string {
  return `email:${sha256Hex(address.trim().toLowerCase()).slice(0, 32)}`;
}

function guessLocale(text: string, config: PipelineConfig): Locale {
  const wanted: Locale = /[\u3400-\u9fff]/.test(text) ? 'zh-CN' : 'en';
  return config.locales.includes(wanted) ? wanted : config.defaultLocale;
}

/** The id a message is deduplicated by: its Message-ID, hashed when longer than an external id may be. */
export function inboundMessageKey(messageId: string): string {
  return messageId.length <= 128 ? messageId : `sha256:${sha256Hex(messageId)}`;
}

const MAX_DESCRIPTION = 5000;
const MAX_NOTE = 2000;

/**
 * The longest start of `text` that is at most `max` UTF-16 code units (what zod's `max` and
 * JavaScript's `length` count), cut between characters, never inside a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

/** Why an email cannot become a complaint: its From address is one the complaint schema refuses. */
export type UnusableEmail = 'unusable_sender';

/** Thrown when the input built from an email fails the schema for a reason other than the sender: a bug here, not bad mail. */
export class EmailInputError extends Error {
  override readonly name = 'EmailInputError';
}

/**
 * The intake input for a new email: channel `email`, the customer from `From` (name, address, a
 * language guessed from the text), the title from the subject, the description from the new text.
 *
 * Validated with `ComplaintInputSchema`, whose `customer` is the `CustomerSchema` the complaint store
 * reads with: a From address that schema refuses (`a@b@c`, `user@localhost`, a quoted or non-ASCII
 * local part, an address literal, over 254 characters, …) makes the email `unusable_sender`, so no
 * complaint that cannot be read back is ever written. Texts are cut to the schema's limits in UTF-16
 * code units, so nothing else the sender controls can fail it; if something does, that is a bug in
 * this function and it throws {@link EmailInputError}.
 */
export function emailComplaintInput(
  email: ParsedEmail & { from: { address: string } },
  messageKey: string,
  config: PipelineConfig,
): { ok: true; input: ComplaintInput } | { ok: false; reason: UnusableEmail } {
  const title = cleanSubject(email.subject);
  const body = newText(email.text, { keepForwarded: true });
  const description = clip(body || title || '(no text)', MAX_DESCRIPTION);
  const name = email.from.name?.replace(/\s+/g, ' ').trim();
  const timeZone = senderTimeZone(email.headers.date);
  const candidate = {
    channel: 'email',
    customer: {
      id: emailCustomerId(email.from.address),
      email: email.from.address.trim().toLowerCase(),
      ...(name && { name: clip(name, 200) }),
      locale: guessLocale(`${title ?? ''}\n${description}`, config),
      ...(timeZone && { timeZone }),
    },
    ...(title && { title: clip(title, 200) }),
    description,
    externalId: messageKey,
  };
  const parsed = ComplaintInputSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, input: parsed.data };
  if (parsed.error.issues.some((i) => i.path[0] === 'customer' && i.path[1] === 'email')) return { ok: false, reason: 'unusable_sender' };
  // Paths only: the values are the customer's.
  throw new EmailInputError(`email intake input fails the complaint schema at ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
}

/** RFC 5322's obsolete zone names that name a place, and the zone they stand for. */
const NAMED_ZONES: Readonly<Record<string, string>> = {
  UT: 'Etc/UTC',
  GMT: 'Etc/UTC',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
};

/**
 * Offsets that are not whole hours, and a zone that uses each (IANA's `Etc/GMT±h` zones exist for
 * whole hours only, and Node 20's Intl takes no bare offsets).
 */
const PART_HOUR_ZONES: Readonly<Record<string, string>> = {
  '-0930': 'Pacific/Marquesas',
  '-0330': 'America/St_Johns',
  '-0230': 'America/St_Johns',
  '+0330': 'Asia/Tehran',
  '+0430': 'Asia/Kabul',
  '+0530': 'Asia/Kolkata',
  '+0545': 'Asia/Kathmandu',
  '+0630': 'Asia/Yangon',
  '+0845': 'Australia/Eucla',
  '+0930': 'Australia/Darwin',
  '+1030': 'Australia/Adelaide',
  '+1245': 'Pacific/Chatham',
  '+1345': 'Pacific/Chatham',
};

/**
 * The sender's time zone as far as their `Date` header tells it: the mail program writes the
 * sender's local offset (`Wed, 2 Dec 2026 09:15:00 -0500`), so times we write back ("we will reply
 * by …") read in the sender's own clock instead of the company's. A whole-hour offset becomes
 * `Etc/GMT±h` (shown as "GMT-5"), exact for the offset written whatever the place; an offset of
 * half or three quarters of an hour, or a US zone name (`EST`), a zone that uses it. Undefined when
 * the header is missing or unreadable, for `-0000` (RFC 5322: no information about the local zone)
 * and military letters (unreliable, the RFC says to treat them as `-0000`).
 */
export function senderTimeZone(dateHeader: string | undefined): string | undefined {
  if (!dateHeader) return undefined;
  const text = dateHeader.replace(/\([^()]*\)\s*$/, '').trim();
  const numeric = /\d{1,2}:\d{2}(?::\d{2})?\s*([+-])(\d{2})(\d{2})$/.exec(text);
  if (numeric) {
    const [, sign, hh, mm] = numeric as unknown as [string, '+' | '-', string, string];
    const minutes = Number(hh) * 60 + Number(mm);
    if (minutes === 0) return sign === '-' ? undefined : 'Etc/UTC';
    if (Number(mm) >= 60) return undefined;
    if (Number(mm) !== 0) return PART_HOUR_ZONES[`${sign}${hh}${mm}`];
    const hours = Number(hh);
    // Etc/GMT+h is h hours behind UTC (the sign is POSIX's): it exists for -14 to +12.
    if (sign === '+' ? hours > 14 : hours > 12) return undefined;
    return `Etc/GMT${sign === '+' ? '-' : '+'}${hours}`;
  }
  const named = /\d{1,2}:\d{2}(?::\d{2})?\s+([A-Za-z]{2,3})$/.exec(text);
  return named ? NAMED_ZONES[named[1]!.toUpperCase()] : undefined;
}

/** The longest media type listed (RFC 6838 allows 127 characters each side of the slash; none we keep comes near). */
const MAX_CONTENT_TYPE = 100;

/**
 * How many attachments that were not kept one email's timeline entry lists by name; the rest are only
 * counted (`attachmentsNotListed`). Kept ones are always listed (at most `attachments.maxCount`, 50 at
 * the most), so one entry's list stays under about 45 KB (names of at most 100 characters, types of
 * 100) whatever the message carries, and the complaint item far below DynamoDB's 400 KB.
 */
export const MAX_LISTED_NOT_KEPT = 10;

/** The attachments an email's entry lists: every kept one and the first {@link MAX_LISTED_NOT_KEPT} others, in order, and how many others were left out. */
export function listedAttachments(attachments: readonly TimelineAttachment[]): { listed: TimelineAttachment[]; notListed: number } {
  let others = 0;
  const listed = attachments.filter((a) => a.key !== undefined || (others += 1) <= MAX_LISTED_NOT_KEPT);
  return { listed, notListed: attachments.length - listed.length };
}

/** An attachment as listed on the timeline: kept ones have their storage key, others say why not. */
export type TimelineAttachment = NonNullable<TimelineEntry['attachments']>[number];

/**
 * A file name safe to show and to use in a storage key: no path, no control characters, no
 * bidirectional controls (`invoice\u202Egnp.exe` would read as `invoiceexe.png`), at most 100 characters.
 */
export function safeFileName(name: string | undefined, index: number): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...base.replace(/[\u0000-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim()].slice(0, 100).join('');
  return clean || `attachment-${index + 1}`;
}

/** An attachment's media type as kept and compared: lower case, without parameters, bounded. */
export function attachmentContentType(contentType: string): string {
  return clip(contentType.toLowerCase().split(';')[0]!.trim(), MAX_CONTENT_TYPE);
}

/** Why an attachment is not kept. */
export type AttachmentRefusal = NonNullable<TimelineAttachment['notKept']>;

/**
 * Why an attachment is not kept (type not allowed, too large, or `kept` files already there), or
 * undefined when it is: the one rule for email attachments and files sent from the reply page.
 */
export function attachmentRefusal(
  a: Pick<ParsedAttachment, 'contentType' | 'size'>,
  kept: number,
  settings: InboundSettings['attachments'],
): AttachmentRefusal | undefined {
  if (!settings.allowedTypes.includes(attachmentContentType(a.contentType))) return 'type_not_allowed';
  if (a.size > settings.maxBytes) return 'too_large';
  if (kept >= settings.maxCount) return 'too_many';
  return undefined;
}

/**
 * Which attachments are kept (type allowed, size and count within limits) and where each goes:
 * `attachments/<complaint id>/<message hash>/<n>-<ASCII name>`.
 */
export function planAttachments(
  attachments: readonly ParsedAttachment[],
  complaintId: string,
  messageKey: string,
  settings: InboundSettings['attachments'],
): Array<{ entry: TimelineAttachment; content?: Uint8Array }> {
  const folder = `${MAIL_PREFIX.attachments}${complaintId}/${sha256Hex(messageKey).slice(0, 16)}`;
  let kept = 0;
  return attachments.map((a, i) => {
    const name = safeFileName(a.filename, i);
    const base = { name, contentType: attachmentContentType(a.contentType), size: a.size };
    const refused = attachmentRefusal(a, kept, settings);
    if (refused) return { entry: { ...base, notKept: refused } };
    kept += 1;
    const keyName = name.replace(/[^A-Za-z0-9._-]/g, '_');
    return { entry: { ...base, key: `${folder}/${i + 1}-${keyName}` }, content: a.content };
  });
}

/** What a reply does to its complaint. */
export type ReplyPlan =
  | { kind: 'apply'; event: 'customer_replied' | 'customer_email' | 'reopen' }
  | { kind: 'new_complaint'; repeatOf: string };

/**
 * Waiting on the customer: their reply resumes the SLA clock (`customer_replied`). Resolved within
 * `reopenWithinDays`: it reopens. Closed, or resolved longer ago: a new complaint linked as a repeat.
 * Otherwise: a timeline entry (`customer_email`) that changes no status.
 */
export function planReply(complaint: Complaint, now: Date, settings: Pick<InboundSettings, 'reopenWithinDays'>): ReplyPlan {
  switch (complaint.status) {
    case 'waiting_on_customer':
      return { kind: 'apply', event: 'customer_replied' };
    case 'resolved': {
      const resolvedAt = Date.parse(complaint.resolvedAt ?? complaint.receivedAt);
      return now.getTime() - resolvedAt <= settings.reopenWithinDays * DAY_MS ? { kind: 'apply', event: 'reopen' } : { kind: 'new_complaint', repeatOf: complaint.id };
    }
    case 'closed':
      return { kind: 'new_complaint', repeatOf: complaint.id };
    default:
      return { kind: 'apply', event: 'customer_email' };
  }
}

/** The actor of entries a customer's email made. */
export const EMAIL_ACTOR = 'customer:email';

/**
 * Applies a customer's email to their complaint: one timeline entry carrying the new text, the
 * message id (so a redelivered email adds nothing) and the attachments ({@link applyCustomerMessage}).
 */
export function applyCustomerEmail(
  complaint: Complaint,
  reply: { event: 'customer_replied' | 'customer_email' | 'reopen'; text: string; messageKey: string; attachments: readonly TimelineAttachment[] },
  now: Date,
  config: PipelineConfig,
): { ok: true; complaint: Complaint } | { ok: false; error: TransitionError } {
  return applyCustomerMessage(complaint, { actor: EMAIL_ACTOR, event: reply.event, text: reply.text, messageId: reply.messageKey, attachments: reply.attachments }, now, config);
}

/**
 * Applies something the customer sent (an email, or a reply from the reply page) to their
 * complaint as one timeline entry by `actor`: `customer_replied` and `reopen` through the lifecycle,
 * any other `event` as an entry that changes no status. The entry carries the text (at most
 * MAX_NOTE characters; none when empty), the message id (so a second delivery adds nothing) and
 * the attachments ({@link listedAttachments}: the list is bounded, so no message can push the
 * complaint past DynamoDB's item size).
 */
export function applyCustomerMessage(
  complaint: Complaint,
  message: { actor: string; event: 'customer_replied' | 'reopen' | 'customer_email' | 'customer_web_reply'; text: string; messageId: string; attachments: readonly TimelineAttachment[] },
  now: Date,
  config: PipelineConfig,
): { ok: true; complaint: Complaint } | { ok: false; error: TransitionError } {
  const note = [...message.text].slice(0, MAX_NOTE).join('') || undefined;
  const { listed, notListed } = listedAttachments(message.attachments);
  const extra = { messageId: message.messageId, ...(listed.length && { attachments: listed }), ...(notListed && { attachmentsNotListed: notListed }) };
  if (message.event !== 'customer_replied' && message.event !== 'reopen') {
    const entry: TimelineEntry = { at: now.toISOString(), actor: message.actor, event: message.event, status: complaint.status, ...(note && { note }), ...extra };
    return { ok: true, complaint: { ...complaint, version: complaint.version + 1, timeline: [...complaint.timeline, entry] } };
  }
  const applied = applyEvent(complaint, { type: message.event, actor: message.actor, ...(note && { note }) }, now, config);
  if (!applied.ok) return applied;
  const timeline = [...applied.complaint.timeline];
  timeline[timeline.length - 1] = { ...timeline[timeline.length - 1]!, ...extra };
  return { ok: true, complaint: { ...applied.complaint, timeline } };
}

/** Whether this email is already on the complaint (a redelivery). */
export function hasEmail(complaint: Complaint, messageKey: string): boolean {
  return complaint.timeline.some((e) => e.messageId === messageKey);
}

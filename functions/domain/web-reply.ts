/**
 * Replies on the web, the pure part: a customer who can only be reached by SMS gets a personal link
 * (`/r/<token>`) with the "waiting on you" and "resolved" messages, and the page behind it takes one
 * reply. What the link's state is, what the page quotes, how the submitted text is read, and what the
 * reply does to the complaint (as a reply by email does: `customer_replied` when the complaint waits
 * on the customer, `reopen` when it was resolved within the reopen window). Time comes in as an argument; the token's random bytes are made by the adapter.
 */
import * as z from 'zod';
import type { Complaint } from './complaint.ts';
import type { InboundSettings, PipelineConfig } from './config.ts';
import { applyCustomerMessage, attachmentRefusal, safeFileName, sha256Hex, type AttachmentRefusal, type ParsedAttachment, type TimelineAttachment } from './inbound-mail.ts';
import { publicNote } from './progress.ts';
import { DAY_MS } from './time.ts';

/** Days a reply link can be used: long enough for a customer who looks for a receipt over a weekend or a holiday. */
export const REPLY_LINK_TTL_DAYS = 30;

/** The actor of entries a reply on the web made (an email reply's is `customer:email`). */
export const WEB_ACTOR = 'customer:web';

/** The timeline event of a web reply that changes no status (the email path's is `customer_email`). */
export const WEB_REPLY_EVENT = 'customer_web_reply';

/** The longest reply, in UTF-16 code units (what the textarea's `maxlength` counts). */
export const REPLY_TEXT_MAX = 2000;

/**
 * The largest reply-page POST with files (`POST /r/{token}`), as received: Lambda takes at most 6 MB
 * in a synchronous invocation, and API Gateway hands a multipart body over base64-encoded (4/3 of
 * the bytes), so 4 MiB of files and text arrive as about 5.6 MB. The route's `maxBodyBytes` in
 * `functions/pipeline.ts` says the same.
 */
export const REPLY_BODY_MAX_BYTES = 4_194_304; // 4 MiB

/**
 * The message id a link's reply carries on its timeline entry: one reply per link, and a second
 * submission (a double click, a retried request) finds it there and writes nothing. The token's
 * SHA-256, never the token: the timeline is read by agents and exports.
 */
export function webReplyMessageId(token: string): string {
  return `web:${sha256Hex(token)}`;
}

/** The textarea as submitted: line breaks as the browser sends them (CRLF) count as one character, as `maxlength` does. */
const ReplyTextSchema = z
  .string()
  .transform((t) => t.replace(/\r\n?/g, '\n').trim())
  .pipe(z.string().max(REPLY_TEXT_MAX, { error: 'too_long' }));

/**
 * The files the reply page takes, where the mail store exists (the config has `inbound`): the email
 * attachments' types, count and size per file, the size per file also bounded by what one request
 * may carry (`totalBytes`). Undefined (a text-only page) without `inbound`, or when its attachment
 * settings keep nothing.
 */
export interface ReplyFileLimits {
  readonly maxCount: number;
  /** The largest file, in bytes: the smaller of `inbound.attachments.maxBytes` and `totalBytes`. */
  readonly maxBytes: number;
  /** The largest request body, files and text together, in bytes. */
  readonly totalBytes: number;
  readonly allowedTypes: readonly string[];
}

export function replyFileLimits(config: Pick<PipelineConfig, 'inbound'>, totalBytes: number): ReplyFileLimits | undefined {
  const a = config.inbound?.attachments;
  if (!a || a.maxCount === 0 || a.allowedTypes.length === 0) return undefined;
  return { maxCount: a.maxCount, maxBytes: Math.min(a.maxBytes, totalBytes), totalBytes, allowedTypes: a.allowedTypes };
}

/** The attachment settings the reply's files are planned and stored with (`planAttachments`). */
export function replyFileSettings(limits: ReplyFileLimits | undefined): InboundSettings['attachments'] {
  return limits ? { maxCount: limits.maxCount, maxBytes: limits.maxBytes, allowedTypes: [...limits.allowedTypes] } : { maxCount: 0, maxBytes: 0, allowedTypes: [] };
}

/**
 * What is wrong with a submission: no text and no file, text too long, a file of a type not taken,
 * a file too large, too many files, or a request larger than the page takes (`body_too_large`,
 * whose text could not be read).
 */
export type ReplyFormError = 'empty' | 'too_long' | 'file_type' | 'file_too_large' | 'too_many_files' | 'body_too_large';

const FILE_ERRORS: Readonly<Record<AttachmentRefusal, ReplyFormError>> = { type_not_allowed: 'file_type', too_large: 'file_too_large', too_many: 'too_many_files' };

/** A refused submission: what was wrong, the file it was about (a safe name) and the text as entered (to show it again). */
export interface ReplyFormProblem {
  readonly ok: false;
  readonly error: ReplyFormError;
  readonly file?: string;
  readonly entered: string;
}

/**
 * Reads the submitted reply: its text, trimmed (empty when files come with it: a photo alone answers
 * "send us a photo"), and its files; or what is wrong. Files are held to the email attachments'
 * rules (`attachmentRefusal`) and refused as a whole with a message rather than listed as not kept,
 * as an email's are: the customer is still on the page and can choose again, the agent would have to
 * ask again. A file input left empty sends a nameless part of 0 bytes: not a file. Without `limits`
 * (a text-only page) any file is refused.
 */
export function parseReplyForm(
  form: { readonly text: string; readonly files?: readonly ParsedAttachment[] },
  limits?: ReplyFileLimits,
): { ok: true; text: string; files: ParsedAttachment[] } | ReplyFormProblem {
  const entered = form.text;
  const parsed = ReplyTextSchema.safeParse(entered);
  if (!parsed.success) return { ok: false, error: 'too_long', entered };
  const files = (form.files ?? []).filter((f) => f.size > 0);
  const settings = replyFileSettings(limits);
  for (const [i, f] of files.entries()) {
    const refused = attachmentRefusal(f, i, settings);
    if (refused) return { ok: false, error: FILE_ERRORS[refused], ...(refused !== 'too_many' && { file: safeFileName(f.filename, i) }), entered };
  }
  if (!parsed.data && !files.length) return { ok: false, error: 'empty', entered };
  return { ok: true, text: parsed.data, files };
}

/** Days after its resolution a resolved complaint can be reopened by a reply, when the config has no `inbound` (whose `reopenWithinDays` applies to email and web replies alike). */
const DEFAULT_REOPEN_WITHIN_DAYS = 14;

/** How long after its resolution a customer's reply reopens a complaint: the same window for an email and a web reply. */
export function reopenWithinDays(config: Pick<PipelineConfig, 'inbound'>): number {
  return config.inbound?.reopenWithinDays ?? DEFAULT_REOPEN_WITHIN_DAYS;
}

/**
 * What a link opens to: `open` takes a reply (on a complaint resolved within the reopen window,
 * the reply reopens it: the "resolved" SMS carries a link too); `replied` already has this link's
 * reply; `closed`: the complaint is closed, or resolved longer ago than the window (a new complaint
 * or the survey is the way then); `not_found`: no complaint, or one whose personal data was erased.
 */
export type ReplyLinkState = 'open' | 'replied' | 'closed' | 'not_found';

export function replyLinkState(complaint: Complaint | undefined, messageId: string, now: Date, config: Pick<PipelineConfig, 'inbound'>): ReplyLinkState {
  if (!complaint || complaint.erasedAt !== undefined) return 'not_found';
  if (complaint.timeline.some((e) => e.messageId === messageId)) return 'replied';
  if (complaint.status === 'closed') return 'closed';
  if (complaint.status === 'resolved') {
    const resolvedAt = Date.parse(complaint.resolvedAt ?? complaint.receivedAt);
    return now.getTime() - resolvedAt <= reopenWithinDays(config) * DAY_MS ? 'open' : 'closed';
  }
  return 'open';
}

/**
 * What the page shows above the text box: for a resolved complaint, what the agent wrote when
 * resolving it; otherwise what the agent asked (the public note of the latest `wait_on_customer`
 * entry). An internal note (`noteInternal`) is never shown; neither is an older request once a newer
 * one has no public note.
 */
export function askedNote(complaint: Complaint): string | undefined {
  const request = complaint.timeline.findLast((e) => e.event === (complaint.status === 'resolved' ? 'resolve' : 'wait_on_customer'));
  return request && publicNote(request);
}

/**
 * Applies a web reply: waiting on the customer, `customer_replied` (back to `in_progress`, the SLA
 * clock resumes and the customer is thanked); resolved within the reopen window, `reopen` (new
 * first-response time; the customer hears it is reopened, the department head gets the reopen
 * notice, as for a reopen by email); any other open status, a `customer_web_reply` entry that
 * changes no status. Each carries the text (none for files alone), the link's message id and the
 * stored files as an email's entry lists them (`attachments`). A closed complaint, one resolved
 * longer ago, or a link already used, is not written.
 */
export function applyWebReply(
  complaint: Complaint,
  reply: { readonly text: string; readonly messageId: string; readonly attachments?: readonly TimelineAttachment[] },
  now: Date,
  config: PipelineConfig,
): { ok: true; complaint: Complaint; event: 'customer_replied' | 'reopen' | typeof WEB_REPLY_EVENT } | { ok: false; state: Exclude<ReplyLinkState, 'open'> } {
  const state = replyLinkState(complaint, reply.messageId, now, config);
  if (state !== 'open') return { ok: false, state };
  const event = complaint.status === 'resolved' ? 'reopen' : complaint.status === 'waiting_on_customer' ? 'customer_replied' : WEB_REPLY_EVENT;
  // As an email's entry: the message id, the files when there are any; no note for a photo alone.
  const applied = applyCustomerMessage(complaint, { actor: WEB_ACTOR, event, text: reply.text, messageId: reply.messageId, attachments: reply.attachments ?? [] }, now, config);
  // The lifecycle allows both from these statuses; anything else is a bug here.
  if (!applied.ok) throw new Error(`${event} refused in ${complaint.status}`);
  return { ok: true, complaint: applied.complaint, event };
}

import type { Complaint } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { planAttachments, type ParsedAttachment } from '../domain/inbound-mail.ts';
import { applyWebReply, replyFileSettings, replyLinkState, webReplyMessageId, WEB_REPLY_EVENT, type ReplyFileLimits } from '../domain/web-reply.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { MailStore } from '../ports/inbound-mail.ts';
import type { ReplyLinkStore } from '../ports/reply-links.ts';

export interface OpenReplyLinkDeps {
  readonly clock: Clock;
  /** `inbound.reopenWithinDays`: how long after its resolution a reply reopens a complaint. */
  readonly config: Pick<PipelineConfig, 'inbound'>;
  readonly complaints: Pick<ComplaintRepository, 'get'>;
  readonly replyLinks: Pick<ReplyLinkStore, 'find'>;
}

/** What a reply link opens to; the complaint only for a link that is known, unexpired and names one. */
export type OpenedReplyLink = { readonly state: 'not_found' } | { readonly state: 'open' | 'replied' | 'closed'; readonly complaint: Complaint; readonly messageId: string };

/**
 * Reads a reply link and its complaint: `not_found` for a malformed, unknown or expired token (its
 * hash matches nothing, or its time is over) and for a complaint deleted or erased; otherwise the
 * complaint and whether it takes the reply (`open`, a resolved one within the reopen window too),
 * has it already (`replied`) or is closed or resolved longer ago (`closed`).
 */
export async function openReplyLink(token: string, deps: OpenReplyLinkDeps): Promise<OpenedReplyLink> {
  const link = await deps.replyLinks.find(token);
  if (!link || Date.parse(link.expiresAt) <= deps.clock.now().getTime()) return { state: 'not_found' };
  const complaint = await deps.complaints.get(link.complaintId);
  const messageId = webReplyMessageId(token);
  const state = replyLinkState(complaint, messageId, deps.clock.now(), deps.config);
  return state === 'not_found' || !complaint ? { state: 'not_found' } : { state, complaint, messageId };
}

export interface SubmitWebReplyDeps extends Omit<OpenReplyLinkDeps, 'config'> {
  readonly config: PipelineConfig;
  readonly complaints: Pick<ComplaintRepository, 'get' | 'update'>;
  /** The mail store the reply's files go to (`attachments/` in the mail bucket); needed only for a reply with files. */
  readonly mail?: Pick<MailStore, 'putAttachment'>;
}

/** A reply as the page read it (`parseReplyForm`): the text (empty with files alone) and the files, held to `limits`. */
export interface WebReply {
  readonly text: string;
  readonly files?: readonly ParsedAttachment[];
  readonly limits?: ReplyFileLimits;
}

export type SubmitWebReplyResult =
  | { readonly outcome: 'recorded'; readonly complaint: Complaint; readonly event: 'customer_replied' | 'reopen' | typeof WEB_REPLY_EVENT }
  /** This link's reply is on the complaint already: nothing written now. */
  | { readonly outcome: 'duplicate'; readonly complaint: Complaint }
  | { readonly outcome: 'closed'; readonly complaint: Complaint }
  | { readonly outcome: 'not_found' };

/** Attempts at writing the complaint when someone changes it between our read and write. */
const MAX_ATTEMPTS = 4;

/**
 * Records a customer's reply from their reply link, once.
 *
 * Primary course: open the link (or take `opened`, the caller's own read of it: the page has opened
 * it already to choose what to show, and a stale read only makes the conditional write below read
 * again); store the reply's files under the complaint (`planAttachments`:
 * `attachments/<complaint id>/<hash of the link's message id>/<n>-<name>`, so a retried request
 * overwrites the same objects, and erasure finds them); apply the reply to the complaint as a reply
 * by email is (`customer_replied` while it waits on the customer, `reopen` when resolved within the
 * reopen window, else a `customer_web_reply` entry), the entry carrying the link's message id and the
 * files; write it conditionally on the version read. On a conflict (an agent's change, or a second
 * submission that won) read again and decide again: a complaint that now has this link's reply is a
 * `duplicate`, one closed meanwhile is `closed`. A link already used or closed stores nothing. The
 * customer's message, the head's reopen notice and the SLA clock follow from the complaint's stream
 * and its new status.
 * @throws Error when the complaint kept changing for every attempt (the customer can submit again)
 */
export async function submitWebReply(token: string, reply: WebReply, deps: SubmitWebReplyDeps, read?: OpenedReplyLink): Promise<SubmitWebReplyResult> {
  const opened = read ?? (await openReplyLink(token, deps));
  if (opened.state === 'open' && reply.files?.length) {
    const mail = deps.mail;
    if (!mail) throw new Error('a web reply with files needs the mail store (the config has no inbound, or the function no access)');
    // Planned once: the complaint id and the message id do not change between attempts.
    const planned = planAttachments(reply.files, opened.complaint.id, opened.messageId, replyFileSettings(reply.limits));
    for (const p of planned) {
      if (p.content && p.entry.key) await mail.putAttachment(p.entry.key, p.content, p.entry.contentType);
    }
    return record(token, { text: reply.text, attachments: planned.map((p) => p.entry) }, opened, deps);
  }
  return record(token, { text: reply.text }, opened, deps);
}

async function record(
  token: string,
  reply: Omit<Parameters<typeof applyWebReply>[1], 'messageId'>,
  first: OpenedReplyLink,
  deps: SubmitWebReplyDeps,
): Promise<SubmitWebReplyResult> {
  let opened = first;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (opened.state === 'not_found') return { outcome: 'not_found' };
    const { complaint, messageId } = opened;
    const applied = applyWebReply(complaint, { ...reply, messageId }, deps.clock.now(), deps.config);
    if (!applied.ok) return applied.state === 'not_found' ? { outcome: 'not_found' } : { outcome: applied.state === 'replied' ? 'duplicate' : 'closed', complaint };
    if (await deps.complaints.update(applied.complaint, complaint.version)) return { outcome: 'recorded', complaint: applied.complaint, event: applied.event };
    opened = await openReplyLink(token, deps);
  }
  throw new Error('the complaint kept changing while a web reply was recorded; the customer can submit again');
}

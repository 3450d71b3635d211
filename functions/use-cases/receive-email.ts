import type { Complaint, ComplaintInput } from '../domain/complaint.ts';
import type { InboundSettings } from '../domain/config.ts';
import {
  addressedTo,
  applyCustomerEmail,
  automatedReason,
  complaintFromReferences,
  emailComplaintInput,
  EMAIL_ACTOR,
  hasEmail,
  inboundMessageKey,
  newText,
  planAttachments,
  planReply,
  senderAuthenticated,
  type AutomatedReason,
  type ParsedEmail,
  type SenderVerdicts,
  type TimelineAttachment,
  type UnusableEmail,
  type Verdict,
} from '../domain/inbound-mail.ts';
import { replyRecipientHash } from '../domain/link-signing.ts';
import { UnparseableMessageError, type MailStore, type MimeParser, type ReplyTokenStore } from '../ports/inbound-mail.ts';
import { submitComplaint, type SubmitComplaintDeps } from './submit-complaint.ts';

export interface ReceiveEmailDeps extends SubmitComplaintDeps {
  readonly mail: MailStore;
  readonly replyTokens: ReplyTokenStore;
  readonly parseMime: MimeParser;
}

/** One message delivered to us: where its raw bytes are, who it was addressed to, what SES scanning said. */
export interface InboundDelivery {
  /** Key of the raw message in the mail store (`inbound/<SES message id>`). */
  readonly key: string;
  /** Envelope recipients. */
  readonly recipients: readonly string[];
  /** A fallback dedup id when the message has no Message-ID (the SES message id). */
  readonly deliveryId: string;
  readonly spamVerdict: Verdict;
  readonly virusVerdict: Verdict;
  /** SES's SPF, DKIM and DMARC verdicts: threading by References needs an authenticated sender. */
  readonly sender: SenderVerdicts;
}

export type ReceiveEmailResult =
  | { outcome: 'rejected' | 'quarantined'; reason: 'spam' | 'virus' }
  | { outcome: 'ignored'; reason: AutomatedReason | UnusableEmail | 'not_ours' | 'too_large' | 'unparseable' | 'missing' | 'no_sender' | 'inbound_disabled' }
  /**
   * `via`: `new` (plain new mail), `reply_to_closed`, `no_access` (a reply token that did not check
   * out), `unauthenticated` (References named the sender's complaint, but SES did not authenticate the sender).
   */
  | { outcome: 'created' | 'duplicate'; complaint: Complaint; via: NewVia }
  | { outcome: 'replied'; complaint: Complaint; event: 'customer_replied' | 'customer_email' | 'reopen'; duplicate: boolean };

type NewVia = 'new' | 'reply_to_closed' | 'no_access' | 'unauthenticated';

/** How many times a reply is retried when someone else changes the complaint between read and write. */
const MAX_ATTEMPTS = 5;

/**
 * Takes in one email.
 *
 * Primary course: honour SES's virus and spam verdicts (reject or quarantine, per config); read the
 * raw message (not when over the size limit) and parse it (a message the parser refuses is ignored
 * as `unparseable`); ignore machine mail (auto-replies,
 * bounces, reports, lists, our own addresses) so no loop can form; a From address the complaint
 * schema refuses is ignored before anything is written. A reply — its reply-address token, else our
 * thread reference in References from a sender SES authenticated (DMARC), naming a complaint whose
 * customer is the sender — becomes one timeline entry with the new text only (`customer_replied`
 * when the complaint waits on the customer, a reopen when recently resolved, a new complaint linked
 * as a repeat when closed). Any other mail to the complaints address, including a reply whose token
 * or sender does not check out,
 * goes through the same intake use case as the API as a new complaint of its sender, deduplicated by
 * Message-ID. Kept attachments are stored under the complaint and listed on its timeline. Last, the
 * raw message moves under the complaint (`messages/<complaint id>/`), where the customer's erasure
 * finds it; a retried invocation after that finds no message (`missing`).
 */
export async function receiveEmail(delivery: InboundDelivery, deps: ReceiveEmailDeps): Promise<ReceiveEmailResult> {
  const inbound = deps.config.inbound;
  if (!inbound) return { outcome: 'ignored', reason: 'inbound_disabled' };
  if (delivery.virusVerdict === 'FAIL') return screened('virus', inbound.onVirus, delivery.key, deps);
  if (delivery.spamVerdict === 'FAIL') return screened('spam', inbound.onSpam, delivery.key, deps);

  const addressed = addressedTo(delivery.recipients, inbound);
  if (addressed.kind === 'not_ours') return { outcome: 'ignored', reason: 'not_ours' };
  const stored = await deps.mail.readRaw(delivery.key, inbound.maxMessageBytes);
  if (!stored.found) return { outcome: 'ignored', reason: 'missing' };
  if (stored.tooLarge) return { outcome: 'ignored', reason: 'too_large' };
  let email: ParsedEmail;
  try {
    email = await deps.parseMime(stored.raw);
  } catch (err) {
    // Retrying cannot help: counted, left under inbound/ to expire, never retried into the failure queue.
    if (err instanceof UnparseableMessageError) return { outcome: 'ignored', reason: 'unparseable' };
    throw err;
  }
  const machine = automatedReason(email, [deps.config.sender.email, inbound.address]);
  if (machine) return { outcome: 'ignored', reason: machine };
  const from = email.from;
  if (!from) return { outcome: 'ignored', reason: 'no_sender' };
  const sender = { ...email, from };
  const messageKey = inboundMessageKey(email.messageId?.trim() || `ses:${delivery.deliveryId}`);
  // Checked before anything is read or written: a sender the complaint schema refuses could only
  // ever make a complaint the store cannot read back.
  const built = emailComplaintInput(sender, messageKey, deps.config);
  if (!built.ok) return { outcome: 'ignored', reason: built.reason };

  const found = await findRepliedComplaint(addressed, sender, delivery.sender, inbound, deps);
  const result = 'complaint' in found ? await reply(found.complaint, sender, built.input, messageKey, deps) : await newComplaint(sender, built.input, messageKey, found.via, deps);
  // Last, once the complaint holds what the message said: a retry before this reads it again.
  if ('complaint' in result) await deps.mail.fileMessage(delivery.key, result.complaint.id);
  return result;
}

async function screened(reason: 'spam' | 'virus', action: InboundSettings['onSpam'], key: string, deps: ReceiveEmailDeps): Promise<ReceiveEmailResult> {
  if (action === 'quarantine') {
    await deps.mail.quarantine(key);
    return { outcome: 'quarantined', reason };
  }
  return { outcome: 'rejected', reason };
}

/**
 * The complaint a reply answers, only when the sender is that complaint's customer: the token's
 * complaint (the token must also have been issued to the sender's address), else our thread
 * reference, and that only from a sender SES authenticated ({@link senderAuthenticated}): anyone can
 * copy a References header and write any From. A token for someone else's complaint, a forged or
 * expired one, an unknown sender or an unauthenticated one finds nothing, and says why.
 */
async function findRepliedComplaint(
  addressed: ReturnType<typeof addressedTo>,
  email: ParsedEmail & { from: { address: string } },
  verdicts: SenderVerdicts,
  inbound: InboundSettings,
  deps: ReceiveEmailDeps,
): Promise<{ complaint: Complaint } | { via: NewVia }> {
  const sender = email.from.address.trim().toLowerCase();
  const isCustomer = (c: Complaint | undefined): c is Complaint => c?.customer.email?.toLowerCase() === sender;
  if (addressed.kind === 'reply') {
    const record = await deps.replyTokens.find(addressed.token, sender);
    if (!record || Date.parse(record.expiresAt) <= deps.clock.now().getTime() || record.recipientHash !== replyRecipientHash(sender)) return { via: 'no_access' };
    const complaint = await deps.complaints.get(record.complaintId);
    return isCustomer(complaint) ? { complaint } : { via: 'no_access' };
  }
  const threaded = complaintFromReferences(email.references, inbound);
  if (!threaded) return { via: 'new' };
  // Not even read: an unauthenticated message is new mail, whosever complaint it names.
  if (!senderAuthenticated(verdicts)) return { via: 'unauthenticated' };
  const complaint = await deps.complaints.get(threaded);
  return isCustomer(complaint) ? { complaint } : { via: 'new' };
}

async function newComplaint(
  email: ParsedEmail,
  input: ComplaintInput,
  messageKey: string,
  via: NewVia,
  deps: ReceiveEmailDeps,
  repeatOf?: Complaint,
): Promise<ReceiveEmailResult> {
  const result = await submitComplaint(repeatOf ? { ...input, category: repeatOf.category } : input, deps, repeatOf ? { repeatOf: repeatOf.id } : {});
  if (result.outcome === 'rejected') throw new Error(`email intake rejected category '${result.error.category}'`);
  let complaint = result.complaint;
  if (email.attachments.length && !hasEmail(complaint, messageKey)) {
    // The complaint id is known only now; the attachments follow as their own entry (once).
    complaint = await appendWithRetry(complaint.id, messageKey, deps, async (current) => {
      const attachments = await storeAttachments(email, current.id, messageKey, deps);
      return applyCustomerEmail(current, { event: 'customer_email', text: '', messageKey, attachments }, deps.clock.now(), deps.config);
    });
  }
  return { outcome: result.outcome, complaint, via };
}

async function reply(target: Complaint, email: ParsedEmail, input: ComplaintInput, messageKey: string, deps: ReceiveEmailDeps): Promise<ReceiveEmailResult> {
  const inbound = deps.config.inbound!;
  const plan = planReply(target, deps.clock.now(), inbound);
  if (plan.kind === 'new_complaint') return newComplaint(email, input, messageKey, 'reply_to_closed', deps, target);
  if (hasEmail(target, messageKey)) return { outcome: 'replied', complaint: target, event: plan.event, duplicate: true };
  const text = newText(email.text, { keepForwarded: false });
  const attachments = await storeAttachments(email, target.id, messageKey, deps);
  let event = plan.event;
  let duplicate = false;
  const complaint = await appendWithRetry(
    target.id,
    messageKey,
    deps,
    async (current) => {
      // Re-planned on every attempt: an agent may have moved the complaint meanwhile.
      const again = planReply(current, deps.clock.now(), inbound);
      event = again.kind === 'apply' ? again.event : 'customer_email';
      return applyCustomerEmail(current, { event, text, messageKey, attachments }, deps.clock.now(), deps.config);
    },
    () => {
      duplicate = true;
    },
    target,
  );
  return { outcome: 'replied', complaint, event, duplicate };
}

async function storeAttachments(email: ParsedEmail, complaintId: string, messageKey: string, deps: ReceiveEmailDeps): Promise<TimelineAttachment[]> {
  const planned = planAttachments(email.attachments, complaintId, messageKey, deps.config.inbound!.attachments);
  for (const p of planned) {
    if (p.content && p.entry.key) await deps.mail.putAttachment(p.entry.key, p.content, p.entry.contentType);
  }
  return planned.map((p) => p.entry);
}

/**
 * Writes an email's entry conditionally on the version read, re-reading on a conflict; an entry
 * already carrying this message (a redelivery, or a concurrent run that won) is not written again.
 */
async function appendWithRetry(
  id: string,
  messageKey: string,
  deps: ReceiveEmailDeps,
  build: (current: Complaint) => Promise<ReturnType<typeof applyCustomerEmail>>,
  onDuplicate: () => void = () => undefined,
  first?: Complaint,
): Promise<Complaint> {
  let current = first ?? (await deps.complaints.get(id));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (!current) throw new Error(`complaint ${id} vanished while an email was being added`);
    if (hasEmail(current, messageKey)) {
      onDuplicate();
      return current;
    }
    const next = await build(current);
    if (!next.ok) throw new Error(`email entry not allowed on ${id}: ${next.error.event} in ${next.error.status}`);
    if (await deps.complaints.update(next.complaint, current.version)) return next.complaint;
    current = await deps.complaints.get(id);
  }
  throw new Error(`complaint ${id} kept changing; the email will be retried (actor ${EMAIL_ACTOR})`);
}

import type { Complaint } from '../domain/complaint.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { progressStepOf } from '../domain/lifecycle.ts';
import { REQUIRED_PROGRESS_STEPS } from '../domain/opt-out.ts';
import { complaintEvents, customerLocale, renderProgress, REPLY_LINK_STEPS } from '../domain/progress.ts';
import { recipientKey, type Recipient } from '../domain/mailbox.ts';
import { isWithheldReceipt } from '../domain/receipt-cap.ts';
import { renderReopenNotice } from '../domain/reopen-notice.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { OptOutStore } from '../ports/survey-store.ts';
import type { ReplyTokenStore } from '../ports/inbound-mail.ts';
import type { ReplyLinkStore } from '../ports/reply-links.ts';
import { REPLY_LINK_TTL_DAYS } from '../domain/web-reply.ts';
import { deliverOnce } from './deliver-once.ts';
import { withCustomerReplyAddress } from './reply-address.ts';

export interface NotifyProgressDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
  readonly optOuts: OptOutStore;
  /** Reply addresses for customer emails (two-way email); without it emails carry none. */
  readonly replyTokens?: ReplyTokenStore;
  /** Reply links for the "waiting on you" and "resolved" SMS (the `/r/{token}` page); without it the SMS carries none. */
  readonly replyLinks?: ReplyLinkStore;
  /** Where unsubscribe and reply links point; without it emails carry the opt-out wording but no link, and SMS no reply link. */
  publicBaseUrl(): string | undefined;
}

/**
 * Tells the customer about every customer-visible step a complaint change added, and publishes the
 * matching domain events.
 *
 * Primary course: the timeline entries after the old image's are new; each visible one becomes a
 * progress message on the customer's channel(s) in their language, sent once per entry and channel
 * (a redelivered stream record finds its message ids claimed and sends nothing, and mints no link). An
 * inbox or number that opted out hears only the steps the law requires (REQUIRED_PROGRESS_STEPS); the
 * customer's other address or number is not silenced by it. Every email carries a fresh unsubscribe
 * link for its own address and a reply address, minted once its message is claimed, and every SMS the
 * STOP wording; the "waiting on you" and "resolved" SMS also a reply link, minted once claimed. A reopen by the
 * customer themself (by email or on the reply page) also goes to the department head at once.
 * @param previous the old image (undefined for a new complaint)
 * @returns how many messages were sent now
 */
export async function notifyProgress(complaint: Complaint, previous: Complaint | undefined, deps: NotifyProgressDeps): Promise<number> {
  const from = previous?.timeline.length ?? 0;
  let sent = 0;
  const optedOut = optOutsOf(complaint, deps);
  for (let i = from; i < complaint.timeline.length; i += 1) {
    // The department hears at once when the customer reopens it (by email or the reply page), opted out or not.
    sent += await deliverOnce(renderReopenNotice(complaint, i, deps.config, deps.publicBaseUrl()), deps);
    const entry = complaint.timeline[i];
    const step = entry && progressStepOf(entry);
    if (!step) continue;
    const messages: OutboundMessage[] = [];
    for (const message of renderProgress(complaint, i, deps.config)) {
      // A receipt withheld at intake (recipient cap or SMS budget) is never sent (the timeline says why).
      if (isWithheldReceipt(complaint, i, message.channel)) continue;
      if (!REQUIRED_PROGRESS_STEPS.has(step) && message.channel !== 'topic' && (await optedOut(message))) continue;
      messages.push(message);
    }
    sent += await deliverOnce(messages, deps, (message) => (message.channel === 'sms' && REPLY_LINK_STEPS.has(step) ? finishReplySms(message, complaint, i, deps) : finishEmail(message, complaint, i, deps)));
  }
  const events = complaintEvents(complaint, from);
  if (events.length) await deps.events.publish(events);
  return sent;
}

/**
 * Whether a recipient of this complaint's messages opted out: its inbox or number, or (an opt-out
 * recorded before they were kept per address) the customer id. Read once per recipient and call.
 */
function optOutsOf(complaint: Complaint, deps: NotifyProgressDeps): (recipient: Recipient) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (recipient) => {
    const key = recipientKey(recipient);
    let answer = known.get(key);
    if (!answer) known.set(key, (answer = deps.optOuts.isOptedOut(complaint.customer.id, recipient)));
    return answer;
  };
}

/** A claimed progress email with its unsubscribe link and reply address, both minted for it now. */
async function finishEmail(message: OutboundMessage, complaint: Complaint, index: number, deps: NotifyProgressDeps): Promise<OutboundMessage> {
  if (message.channel !== 'email') return message;
  const base = deps.publicBaseUrl();
  // The link speaks for the address this email goes to, and only for it.
  const token = base && (await deps.optOuts.issueUnsubscribeLink(complaint.customer.id, { channel: 'email', to: message.to }, customerLocale(complaint, deps.config), deps.clock.now()));
  const unsubscribeUrl = token ? `${base}/u/${token}` : undefined;
  const rendered = unsubscribeUrl ? (renderProgress(complaint, index, deps.config, { unsubscribeUrl }).find((m) => m.id === message.id) ?? message) : message;
  const [finished] = await withCustomerReplyAddress([rendered], complaint, deps);
  return finished ?? rendered;
}

/**
 * A claimed "waiting on you" or "resolved" SMS with the customer's reply link, minted for it now: the
 * customer who gave only a phone number answers on that page, or says the problem is not solved
 * (an email customer replies to the email). A process
 * that dies after minting and before sending leaves a token nobody received; the delivery that takes
 * the claim over mints another, and the message ledger still lets only one SMS out, so the unused
 * token is harmless (it names the complaint only, and expires).
 */
async function finishReplySms(message: OutboundMessage, complaint: Complaint, index: number, deps: NotifyProgressDeps): Promise<OutboundMessage> {
  const base = deps.publicBaseUrl();
  if (!base || !deps.replyLinks) return message;
  const token = await deps.replyLinks.issue(complaint.id, deps.clock.now(), REPLY_LINK_TTL_DAYS);
  return renderProgress(complaint, index, deps.config, { replyUrl: `${base}/r/${token}` }).find((m) => m.id === message.id) ?? message;
}

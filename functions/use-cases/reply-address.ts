import type { Complaint } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { replyAddress, withReplyAddress } from '../domain/inbound-mail.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { ReplyTokenStore } from '../ports/inbound-mail.ts';

export interface ReplyAddressDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  /** Absent where two-way email is not wired; messages then go without a reply address. */
  readonly replyTokens?: ReplyTokenStore;
}

/**
 * Gives a complaint's customer emails a fresh reply address (`complaints+<token>@…`, the token issued
 * to the customer's address and stored hashed) and the complaint's thread reference, when the config
 * has `inbound`. Emails only: they are what a customer can reply to.
 */
export async function withCustomerReplyAddress(messages: readonly OutboundMessage[], complaint: Complaint, deps: ReplyAddressDeps): Promise<readonly OutboundMessage[]> {
  const inbound = deps.config.inbound;
  const email = complaint.customer.email;
  if (!inbound || !deps.replyTokens || !email || !messages.some((m) => m.channel === 'email')) return messages;
  const token = await deps.replyTokens.issue(complaint.id, email, deps.clock.now(), inbound.replyTokenTtlDays);
  return withReplyAddress(messages, replyAddress(inbound, token), complaint.id, inbound);
}

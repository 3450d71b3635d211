import type { OutboundMessage } from '../domain/messages.ts';

/** Sends email (SES), SMS (SNS to a phone) and department topic publications (SNS topic). */
export interface Notifier {
  send(message: OutboundMessage): Promise<void>;
}

/** A claim this delivery holds on one message id, until it is marked sent or released. */
export interface MessageClaim {
  readonly messageId: string;
  /** Identifies this holder: a release or a late mark by a holder whose claim was taken over cannot undo the new holder's. */
  readonly owner: string;
  /** When another delivery may take the claim over (ISO time). */
  readonly leaseUntil: string;
}

/**
 * What claiming a message id found: it is now ours; it was sent; or another delivery holds it and
 * its lease has not run out (that delivery may still be sending, so nobody else may).
 */
export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly claim: MessageClaim }
  | { readonly kind: 'sent' }
  | { readonly kind: 'in_progress'; readonly leaseUntil: string };

/**
 * Remembers which message ids are being sent or were sent, so a redelivered record sends nothing
 * twice and a delivery that died between claim and send does not block the message for ever.
 *
 * States: absent → `in_progress` (claimed, with a lease of at least the longest function timeout) →
 * `sent`. An `in_progress` claim whose lease has run out belongs to a process that is gone and is
 * taken over by the next delivery; a live one is left alone.
 */
export interface MessageLedger {
  claim(messageId: string, now: Date): Promise<ClaimOutcome>;
  /** The message went out: the id stays claimed for the ledger's retention. */
  markSent(claim: MessageClaim, now: Date): Promise<void>;
  /** Gives a claim back after a failed send, so the retry can send it (only if still ours). */
  release(claim: MessageClaim): Promise<void>;
}

import type { OutboundMessage } from '../domain/messages.ts';

/** Sends email (SES), SMS (SNS to a phone) and department topic publications (SNS topic). */
export interface Notifier {
  send(message: OutboundMessage): Promise<void>;
}

/** Remembers which message ids were sent, so a redelivered record sends nothing twice. */
export interface MessageLedger {
  /** Claims a message id; false when it was claimed before. */
  claim(messageId: string, now: Date): Promise<boolean>;
  /** Gives a claim back after a failed send, so the retry can send it. */
  release(messageId: string): Promise<void>;
}

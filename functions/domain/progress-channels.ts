import type { Complaint } from './complaint.ts';
import type { PipelineConfig } from './config.ts';
import { progressStepOf } from './lifecycle.ts';
import type { ReceiptRecipient } from './receipt-cap.ts';

/**
 * Who gets the customer's message for timeline entry `index`, by channel: nobody for internal or
 * system entries; otherwise the email address when the customer gave one and the phone when they gave
 * one, only the preferred channel (email) unless `customerNotifications.channels` is `all`.
 * `renderProgress` sends to exactly these; intake reserves a receipt's recipients with it without
 * loading the message templates (the inbound-mail bundle stays small).
 */
export function progressRecipients(complaint: Complaint, index: number, config: PipelineConfig): ReceiptRecipient[] {
  const entry = complaint.timeline[index];
  if (!entry || !progressStepOf(entry)) return [];
  return customerRecipients(complaint, config);
}

/**
 * Who a message to the customer goes to, progress or survey: the email address when they gave one and
 * the phone when they gave one, only the preferred channel (email) unless `customerNotifications.channels` is `all`.
 */
export function customerRecipients(complaint: Complaint, config: PipelineConfig): ReceiptRecipient[] {
  const { email, phone } = complaint.customer;
  const wantsBoth = config.customerNotifications.channels === 'all';
  return [...(email ? [{ channel: 'email' as const, to: email }] : []), ...(phone && (!email || wantsBoth) ? [{ channel: 'sms' as const, to: phone }] : [])];
}

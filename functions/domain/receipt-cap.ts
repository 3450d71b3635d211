/**
 * The per-recipient receipt cap: anyone can post a complaint naming any phone number or address, so
 * at most `protection.receiptsPerRecipientPerHour` receipts go to one recipient in any 60 minutes.
 * Beyond it the complaint is stored and counted as usual, but its receipt is withheld and its
 * timeline says why. Receipt SMS also draw on a company-wide hourly budget (`protection.receiptSmsPerHour`),
 * since a caller can name a new number each time. Pure: the caller passes the time and the recipient's window.
 */
import type { Complaint, TimelineEntry } from './complaint.ts';

/** The sliding window the cap counts over. */
export const RECEIPT_WINDOW_MS = 3_600_000;

/** A receipt channel. */
export type ReceiptChannel = 'email' | 'sms';

/** Who a receipt goes to. */
export interface ReceiptRecipient {
  readonly channel: ReceiptChannel;
  /** The address or E.164 number. */
  readonly to: string;
}

/** The receipts one recipient got in the window: complaint id -> epoch milliseconds of the reservation. */
export type ReceiptWindow = Readonly<Record<string, number>>;

/** The result of {@link admitReceipt}. */
export interface ReceiptDecision {
  readonly admitted: boolean;
  /** The window to store (entries older than the window dropped; this complaint added when admitted). */
  readonly next: ReceiptWindow;
  /** True when `next` differs from the window read, so it must be written. */
  readonly changed: boolean;
}

/**
 * Decides whether complaint `complaintId` may send a receipt to a recipient whose window is `window`.
 * Idempotent: a complaint already in the window is admitted again without counting twice, so a retried
 * reservation never uses up a second slot.
 * @param limit receipts allowed per window
 */
export function admitReceipt(window: ReceiptWindow, complaintId: string, now: Date, limit: number): ReceiptDecision {
  const cutoff = now.getTime() - RECEIPT_WINDOW_MS;
  const kept = Object.fromEntries(Object.entries(window).filter(([, at]) => at > cutoff));
  const pruned = Object.keys(kept).length !== Object.keys(window).length;
  if (complaintId in kept) return { admitted: true, next: kept, changed: pruned };
  if (Object.keys(kept).length >= limit) return { admitted: false, next: kept, changed: pruned };
  return { admitted: true, next: { ...kept, [complaintId]: now.getTime() }, changed: true };
}

/** The timeline event of a withheld receipt (an internal entry: the customer is not told). */
export const RECEIPT_WITHHELD_EVENT = 'receipt_withheld';

/** Why a receipt was withheld: its recipient's hourly cap, or the company's hourly receipt SMS budget. */
export type WithholdReason = 'recipient_cap' | 'sms_budget' | 'email_budget';

/** A receipt withheld at intake. */
export interface WithheldReceipt {
  readonly channel: ReceiptChannel;
  readonly reason: WithholdReason;
}

/** The limits the notes name. */
export interface ReceiptLimits {
  /** `protection.receiptsPerRecipientPerHour`. */
  readonly perRecipient: number;
  /** `protection.receiptSmsPerHour` (null: no budget). */
  readonly smsPerHour: number | null;
  /** `protection.receiptEmailsPerHour` (null: no budget). */
  readonly emailsPerHour: number | null;
}

/** Why a receipt was withheld, in English: the timeline note, and the English console's wording. */
export function withheldNoteText(channel: ReceiptChannel, reason: WithholdReason, limit: number): string {
  if (reason === 'sms_budget') {
    return `Receipt by SMS not sent: the ${limit} receipt SMS this hour allows company-wide were already sent (protection.receiptSmsPerHour). The complaint is stored and counted as usual.`;
  }
  if (reason === 'email_budget') {
    return `Receipt by email not sent: the ${limit} receipt emails this hour allows company-wide were already sent (protection.receiptEmailsPerHour). The complaint is stored and counted as usual.`;
  }
  return `Receipt by ${channel === 'sms' ? 'SMS' : 'email'} not sent: this ${channel === 'sms' ? 'phone number' : 'address'} already had ${limit} receipt${limit === 1 ? '' : 's'} within the last hour (protection.receiptsPerRecipientPerHour). The complaint is stored and counted as usual.`;
}

const withheldLimit = (w: WithheldReceipt, limits: ReceiptLimits) =>
  w.reason === 'sms_budget' ? (limits.smsPerHour ?? 0) : w.reason === 'email_budget' ? (limits.emailsPerHour ?? 0) : limits.perRecipient;

/**
 * Records on a new complaint that some of its receipts are withheld: `receiptWithheld` lists their
 * channels (the progress notifier skips those receipts) and one internal timeline entry per channel
 * says why.
 * @returns the complaint unchanged when nothing is withheld
 */
export function withholdReceipts(complaint: Complaint, withheld: readonly WithheldReceipt[], limits: ReceiptLimits): Complaint {
  if (withheld.length === 0) return complaint;
  const entries: TimelineEntry[] = withheld.map((w) => ({
    at: complaint.receivedAt,
    actor: 'system',
    event: RECEIPT_WITHHELD_EVENT,
    status: complaint.status,
    internal: true,
    note: withheldNoteText(w.channel, w.reason, withheldLimit(w, limits)),
    withheld: { channel: w.channel, reason: w.reason, limit: withheldLimit(w, limits) },
  }));
  return { ...complaint, receiptWithheld: withheld.map((w) => w.channel), timeline: [...complaint.timeline, ...entries] };
}

/** True when the message for timeline entry `index` on `channel` is a receipt the cap withheld. */
export function isWithheldReceipt(complaint: Complaint, index: number, channel: string): boolean {
  return complaint.timeline[index]?.event === 'receive' && (complaint.receiptWithheld ?? []).some((c) => c === channel);
}

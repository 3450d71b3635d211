import { admitReceipt, recipientKey, type ReceiptChannel, type ReceiptRecipient, type ReceiptWindow } from '../domain/receipt-cap.ts';
import type { ReceiptQuota } from '../ports/receipt-quota.ts';

/** The receipt quota in memory (replays and use-case tests), with the same decision as DynamoDB's. */
export class MemoryReceiptQuota implements ReceiptQuota {
  readonly #windows = new Map<string, ReceiptWindow>();
  /** Receipts taken per channel and clock hour (UTC), by `<channel> yyyy-mm-ddThh`. */
  readonly #taken = new Map<string, number>();

  async reserve(recipient: ReceiptRecipient, complaintId: string, now: Date, limit: number): Promise<boolean> {
    const key = recipientKey(recipient);
    const decision = admitReceipt(this.#windows.get(key) ?? {}, complaintId, now, limit);
    this.#windows.set(key, decision.next);
    return decision.admitted;
  }

  async release(recipient: ReceiptRecipient, complaintId: string): Promise<void> {
    const key = recipientKey(recipient);
    const { [complaintId]: _released, ...rest } = this.#windows.get(key) ?? {};
    this.#windows.set(key, rest);
  }

  async takeBudget(channel: ReceiptChannel, now: Date, limit: number): Promise<boolean> {
    const hour = `${channel} ${now.toISOString().slice(0, 13)}`;
    const taken = this.#taken.get(hour) ?? 0;
    if (taken >= limit) return false;
    this.#taken.set(hour, taken + 1);
    return true;
  }

  async returnBudget(channel: ReceiptChannel, takenAt: Date): Promise<void> {
    const hour = `${channel} ${takenAt.toISOString().slice(0, 13)}`;
    const taken = this.#taken.get(hour) ?? 0;
    if (taken > 0) this.#taken.set(hour, taken - 1);
  }
}

import { admitReceipt, recipientKey, type ReceiptRecipient, type ReceiptWindow } from '../domain/receipt-cap.ts';
import type { ReceiptQuota } from '../ports/receipt-quota.ts';

/** The receipt quota in memory (replays and use-case tests), with the same decision as DynamoDB's. */
export class MemoryReceiptQuota implements ReceiptQuota {
  readonly #windows = new Map<string, ReceiptWindow>();

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
}

import type { ReceiptChannel, ReceiptRecipient } from '../domain/receipt-cap.ts';

/** Counts receipts per recipient over a sliding hour (functions/domain/receipt-cap.ts). */
export interface ReceiptQuota {
  /**
   * Reserves a receipt to `recipient` for complaint `complaintId` when the recipient had fewer than
   * `limit` in the last hour. Idempotent per complaint: reserving again answers true without counting twice.
   * @returns false when the cap is reached (nothing was counted)
   */
  reserve(recipient: ReceiptRecipient, complaintId: string, now: Date, limit: number): Promise<boolean>;
  /** Gives a reservation back (the complaint was not stored after all). */
  release(recipient: ReceiptRecipient, complaintId: string): Promise<void>;
  /**
   * Takes one receipt of `channel` from the company-wide budget of the clock hour (UTC) `now` falls
   * in, when fewer than `limit` were taken in that hour. Not idempotent: a retried intake may take a
   * second unit, which errs on the side of sending fewer receipts.
   * @returns false when the hour's budget is spent (nothing was taken)
   */
  takeBudget(channel: ReceiptChannel, now: Date, limit: number): Promise<boolean>;
  /** Gives back a unit of `channel` taken at `takenAt` (the complaint was not stored after all). */
  returnBudget(channel: ReceiptChannel, takenAt: Date): Promise<void>;
}

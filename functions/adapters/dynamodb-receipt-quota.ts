import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { recipientKey } from '../domain/mailbox.ts';
import { admitReceipt, RECEIPT_WINDOW_MS, type ReceiptChannel, type ReceiptRecipient } from '../domain/receipt-cap.ts';
import type { ReceiptQuota } from '../ports/receipt-quota.ts';
import type { StoreFactory } from './runtime.ts';

/** Writers racing for one recipient retry this often; then the receipt is withheld (that race is the flood the cap is for). */
const MAX_ATTEMPTS = 8;

const WindowItemSchema = z.object({
  sent: z.record(z.string(), z.number()).default({}),
  version: z.number().int(),
});

/**
 * `RCPT#<sha256(recipientKey)>` / `RCPT` items in the state table: the receipts one recipient got
 * in the last hour, as complaint id -> reservation time. The address or number itself is never stored
 * (only its hash), and DynamoDB TTL removes an item an hour after its newest receipt.
 *
 * A reservation is a read, the pure decision of `admitReceipt`, and a write conditioned on the version
 * read (optimistic concurrency), so concurrent intakes for one recipient can never exceed the cap.
 */
export class DynamoReceiptQuota implements ReceiptQuota {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
  ) {}

  async reserve(recipient: ReceiptRecipient, complaintId: string, now: Date, limit: number): Promise<boolean> {
    const key = itemKey(recipient);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const res = await this.doc.send(new GetCommand({ TableName: this.stateTable, Key: key, ConsistentRead: true }));
      const stored = res.Item ? WindowItemSchema.parse(res.Item) : undefined;
      const decision = admitReceipt(stored?.sent ?? {}, complaintId, now, limit);
      if (!decision.changed) return decision.admitted;
      const newest = Math.max(now.getTime(), ...Object.values(decision.next));
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.stateTable,
            Item: { ...key, sent: decision.next, version: (stored?.version ?? 0) + 1, expiresAt: Math.ceil((newest + RECEIPT_WINDOW_MS) / 1000) },
            ConditionExpression: stored ? 'version = :v' : 'attribute_not_exists(pk)',
            ...(stored && { ExpressionAttributeValues: { ':v': stored.version } }),
          }),
        );
        return decision.admitted;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    return false;
  }

  async takeBudget(channel: ReceiptChannel, now: Date, limit: number): Promise<boolean> {
    const hourEnd = Math.floor(now.getTime() / RECEIPT_WINDOW_MS + 1) * RECEIPT_WINDOW_MS;
    // One atomic conditional ADD: racing intakes can never take more than `limit` in an hour.
    return this.#updateIf({
      Key: budgetKey(channel, now),
      UpdateExpression: 'ADD #taken :one SET expiresAt = :expires',
      ConditionExpression: 'attribute_not_exists(#taken) OR #taken < :limit',
      ExpressionAttributeNames: { '#taken': 'taken' },
      ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': Math.ceil((hourEnd + RECEIPT_WINDOW_MS) / 1000) },
    });
  }

  async returnBudget(channel: ReceiptChannel, takenAt: Date): Promise<void> {
    await this.#updateIf({
      Key: budgetKey(channel, takenAt),
      UpdateExpression: 'ADD #taken :minusOne',
      ConditionExpression: '#taken > :zero',
      ExpressionAttributeNames: { '#taken': 'taken' },
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    });
  }

  async release(recipient: ReceiptRecipient, complaintId: string): Promise<void> {
    await this.#updateIf({
      Key: itemKey(recipient),
      UpdateExpression: 'REMOVE #sent.#id ADD #version :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#sent': 'sent', '#id': complaintId, '#version': 'version' },
      ExpressionAttributeValues: { ':one': 1 },
    });
  }

  /** An update of a state-table item under its condition. @returns false when the condition failed (nothing written) */
  async #updateIf(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.stateTable, ...input }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}

/** `RCPTBUDGET#<channel>` / `<yyyy-mm-ddThh>`: one counter per channel and clock hour (UTC), removed by TTL an hour after it ends. */
function budgetKey(channel: ReceiptChannel, at: Date): { pk: string; sk: string } {
  return { pk: `RCPTBUDGET#${channel}`, sk: at.toISOString().slice(0, 13) };
}

function itemKey(recipient: ReceiptRecipient): { pk: string; sk: string } {
  return { pk: `RCPT#${createHash('sha256').update(recipientKey(recipient), 'utf8').digest('hex')}`, sk: 'RCPT' };
}

/** Receipts per recipient (the receipt cap) and the hourly receipt budgets. */
export const receiptStore: StoreFactory<'receipts'> = (ctx) => new DynamoReceiptQuota(ctx.doc, ctx.table('state'));

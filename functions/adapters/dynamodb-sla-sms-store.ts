import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LocaleSchema } from '../domain/config.ts';
import type { HeldSlaSms, SlaSmsStore } from '../ports/sla-sms-store.ts';
import { queryAll } from './dynamodb-query.ts';
import { dueKeyBound, queuedKey } from './time-queue.ts';
import type { StoreFactory } from './runtime.ts';

/** The partition of SLA SMS held for quiet hours (sort key `<send time>#<message id>`). */
export const HELD_PK = 'SLASMS#HELD';

/**
 * In the state table: `SLASMS#QUOTA#<phone>#<hour>` counters (with the ids they counted) and the
 * held items under one partition sorted by due time, so the sweeper Queries what is due.
 */
export class DynamoSlaSmsStore implements SlaSmsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
  ) {}

  async takeSmsQuota(phone: string, hour: string, messageId: string, limit: number): Promise<boolean> {
    const Key = { pk: `SLASMS#QUOTA#${phone}#${hour}`, sk: 'QUOTA' };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.stateTable,
          Key,
          UpdateExpression: 'ADD #n :one, #ids :id SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ConditionExpression: '(attribute_not_exists(#n) OR #n < :limit) AND (attribute_not_exists(#ids) OR NOT contains(#ids, :msg))',
          ExpressionAttributeNames: { '#n': 'count', '#ids': 'messageIds' },
          ExpressionAttributeValues: { ':one': 1, ':id': new Set([messageId]), ':msg': messageId, ':limit': limit, ':ttl': Math.floor(Date.parse(`${hour}:00:00Z`) / 1000) + 2 * 86_400 },
        }),
      );
      return true;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Either the ceiling is reached or this very SMS was counted before (a retried sweep).
      const item = await this.doc.send(new GetCommand({ TableName: this.stateTable, Key, ConsistentRead: true }));
      const ids = item.Item?.messageIds as Set<string> | undefined;
      return ids?.has(messageId) ?? false;
    }
  }

  async hold(messageId: string, held: Omit<HeldSlaSms, 'key'>): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.stateTable,
        Item: { pk: HELD_PK, sk: queuedKey(held.sendAt, messageId), ...held, expiresAt: Math.floor(Date.parse(held.sendAt) / 1000) + 7 * 86_400 },
      }),
    );
  }

  async dueHeld(now: Date): Promise<HeldSlaSms[]> {
    const items = await queryAll(this.doc, {
      TableName: this.stateTable,
      KeyConditionExpression: 'pk = :p AND sk <= :due',
      ExpressionAttributeValues: { ':p': HELD_PK, ':due': dueKeyBound(now) },
    });
    return items.map((i): HeldSlaSms => ({
      key: String(i.sk),
      sendAt: String(i.sendAt),
      to: String(i.to),
      locale: LocaleSchema.parse(i.locale),
      // Items held before `departments` existed name one `department`.
      departments: Array.isArray(i.departments) ? i.departments.map(String) : [String(i.department)],
      escalations: Number(i.escalations),
    }));
  }

  async removeHeld(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.stateTable, Key: { pk: HELD_PK, sk: key } }));
  }
}

/** The SLA sweeper's hourly SMS ceiling and what quiet hours hold. */
export const slaSmsStore: StoreFactory<'slaSms'> = (ctx) => new DynamoSlaSmsStore(ctx.doc, ctx.table('state'));

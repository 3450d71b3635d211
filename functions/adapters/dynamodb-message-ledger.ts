import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MessageLedger } from '../ports/notifier.ts';

/** Sent-message ids are remembered for 30 days, longer than any redelivery can come. */
const MESSAGE_TTL_SECONDS = 30 * 86_400;

/** `MSG#<message id>` items in the state table. */
export class DynamoMessageLedger implements MessageLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
  ) {}

  async claim(messageId: string, now: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.stateTable,
          Item: { pk: `MSG#${messageId}`, sk: 'MSG', claimedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + MESSAGE_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async release(messageId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.stateTable, Key: { pk: `MSG#${messageId}`, sk: 'MSG' } }));
  }
}

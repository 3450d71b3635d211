import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isWellFormedReplyToken, REPLY_TOKEN_BYTES, replyTokenFrom, sha256Hex } from '../domain/inbound-mail.ts';
import type { ReplyTokenRecord, ReplyTokenStore } from '../ports/inbound-mail.ts';
import type { StoreFactory } from './runtime.ts';

const ReplyItemSchema = z.object({ complaintId: z.string(), recipientHash: z.string(), tokenExpiresAt: z.string() });

const key = (token: string) => ({ pk: `REPLY#${sha256Hex(token)}`, sk: 'REPLY' });

/** `REPLY#<SHA-256 of the token>` items in the state table; DynamoDB TTL removes them after expiry. */
export class DynamoReplyTokenStore implements ReplyTokenStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
  ) {}

  async issue(complaintId: string, recipient: string, now: Date, ttlDays: number): Promise<string> {
    const token = replyTokenFrom(randomBytes(REPLY_TOKEN_BYTES));
    const expires = new Date(now.getTime() + ttlDays * 86_400_000);
    await this.doc.send(
      new PutCommand({
        TableName: this.stateTable,
        Item: { ...key(token), complaintId, recipientHash: sha256Hex(recipient.trim().toLowerCase()), tokenExpiresAt: expires.toISOString(), expiresAt: Math.floor(expires.getTime() / 1000) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return token;
  }

  async find(token: string): Promise<ReplyTokenRecord | undefined> {
    if (!isWellFormedReplyToken(token)) return undefined;
    const res = await this.doc.send(new GetCommand({ TableName: this.stateTable, Key: key(token), ConsistentRead: true }));
    const item = ReplyItemSchema.safeParse(res.Item);
    if (!res.Item || !item.success) return undefined;
    return { complaintId: item.data.complaintId, recipientHash: item.data.recipientHash, expiresAt: item.data.tokenExpiresAt };
  }
}

/** Reply addresses on customer emails. */
export const replyTokenStore: StoreFactory<'replyTokens'> = (ctx) => new DynamoReplyTokenStore(ctx.doc, ctx.table('state'));

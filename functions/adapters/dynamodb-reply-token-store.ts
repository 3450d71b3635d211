import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isWellFormedReplyToken, REPLY_TOKEN_BYTES, replyTokenFrom, sha256Hex } from '../domain/inbound-mail.ts';
import type { ReplyTokenRecord, ReplyTokenStore } from '../ports/inbound-mail.ts';
import type { ReplyLinkRecord, ReplyLinkStore } from '../ports/reply-links.ts';
import type { StoreFactory } from './runtime.ts';

const ReplyItemSchema = z.object({ complaintId: z.string(), recipientHash: z.string(), tokenExpiresAt: z.string() });
const ReplyLinkItemSchema = z.object({ complaintId: z.string(), tokenExpiresAt: z.string() });

/** Reply addresses of customer emails (`REPLY#`) and reply links in customer SMS (`REPLYLINK#`): one token kind, two key prefixes. */
type TokenPrefix = 'REPLY' | 'REPLYLINK';

const key = (prefix: TokenPrefix, token: string) => ({ pk: `${prefix}#${sha256Hex(token)}`, sk: prefix });

/**
 * Hashed single-purpose tokens in the state table: a fresh token (160 random bits) is stored only as
 * its SHA-256, with what it stands for and its expiry; DynamoDB TTL removes the item after it.
 */
class DynamoTokenItems {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
    private readonly prefix: TokenPrefix,
  ) {}

  async put(fields: Record<string, string>, now: Date, ttlDays: number): Promise<string> {
    const token = replyTokenFrom(randomBytes(REPLY_TOKEN_BYTES));
    const expires = new Date(now.getTime() + ttlDays * 86_400_000);
    await this.doc.send(
      new PutCommand({
        TableName: this.stateTable,
        Item: { ...key(this.prefix, token), ...fields, tokenExpiresAt: expires.toISOString(), expiresAt: Math.floor(expires.getTime() / 1000) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return token;
  }

  async get(token: string): Promise<Record<string, unknown> | undefined> {
    if (!isWellFormedReplyToken(token)) return undefined;
    const res = await this.doc.send(new GetCommand({ TableName: this.stateTable, Key: key(this.prefix, token), ConsistentRead: true }));
    return res.Item;
  }
}

/** `REPLY#<SHA-256 of the token>` items in the state table; DynamoDB TTL removes them after expiry. */
export class DynamoReplyTokenStore implements ReplyTokenStore {
  private readonly items: DynamoTokenItems;

  constructor(doc: DynamoDBDocumentClient, stateTable: string) {
    this.items = new DynamoTokenItems(doc, stateTable, 'REPLY');
  }

  async issue(complaintId: string, recipient: string, now: Date, ttlDays: number): Promise<string> {
    return this.items.put({ complaintId, recipientHash: sha256Hex(recipient.trim().toLowerCase()) }, now, ttlDays);
  }

  async find(token: string): Promise<ReplyTokenRecord | undefined> {
    const item = ReplyItemSchema.safeParse(await this.items.get(token));
    if (!item.success) return undefined;
    return { complaintId: item.data.complaintId, recipientHash: item.data.recipientHash, expiresAt: item.data.tokenExpiresAt };
  }
}

/**
 * `REPLYLINK#<SHA-256 of the token>` items in the state table: the complaint id and the expiry, nothing
 * about the customer (the page reads the complaint). DynamoDB TTL removes them after expiry.
 */
export class DynamoReplyLinkStore implements ReplyLinkStore {
  private readonly items: DynamoTokenItems;

  constructor(doc: DynamoDBDocumentClient, stateTable: string) {
    this.items = new DynamoTokenItems(doc, stateTable, 'REPLYLINK');
  }

  async issue(complaintId: string, now: Date, ttlDays: number): Promise<string> {
    return this.items.put({ complaintId }, now, ttlDays);
  }

  async find(token: string): Promise<ReplyLinkRecord | undefined> {
    const item = ReplyLinkItemSchema.safeParse(await this.items.get(token));
    if (!item.success) return undefined;
    return { complaintId: item.data.complaintId, expiresAt: item.data.tokenExpiresAt };
  }
}

/** Reply addresses on customer emails. */
export const replyTokenStore: StoreFactory<'replyTokens'> = (ctx) => new DynamoReplyTokenStore(ctx.doc, ctx.table('state'));

/** Reply links in "waiting on you" and "resolved" SMS (the `/r/{token}` page). */
export const replyLinkStore: StoreFactory<'replyLinks'> = (ctx) => new DynamoReplyLinkStore(ctx.doc, ctx.table('state'));

import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DAY_MS } from '../domain/time.ts';
import { isWellFormedReplyToken, REPLY_TOKEN_BYTES, replyTokenFrom, sha256Hex } from '../domain/inbound-mail.ts';
import { replyRecipientHash, signReplyToken, SIGNED_REPLY_TOKEN_LENGTH, verifyReplyToken, type LinkKeys } from '../domain/link-signing.ts';
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
    const expires = new Date(now.getTime() + ttlDays * DAY_MS);
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

/**
 * Reply address tokens: signed (nothing stored) where the function has link keys, the complaint id
 * is a ULID and the address still fits a 64-character local part; otherwise, and for every token
 * issued before signing, `REPLY#<SHA-256 of the token>` items in the state table, which DynamoDB TTL
 * removes after expiry.
 */
export class DynamoReplyTokenStore implements ReplyTokenStore {
  private readonly items: DynamoTokenItems;

  constructor(
    doc: DynamoDBDocumentClient,
    stateTable: string,
    private readonly linkKeys?: () => Promise<LinkKeys>,
    /** The complaints address's local part (config `inbound.address`): `<local>+<token>` must stay within 64 characters. */
    private readonly localPart?: string,
  ) {
    this.items = new DynamoTokenItems(doc, stateTable, 'REPLY');
  }

  async issue(complaintId: string, recipient: string, now: Date, ttlDays: number): Promise<string> {
    const fits = this.localPart !== undefined && this.localPart.length + 1 + SIGNED_REPLY_TOKEN_LENGTH <= 64;
    const signed = this.linkKeys && fits ? signReplyToken(await this.linkKeys(), complaintId, recipient, new Date(now.getTime() + ttlDays * DAY_MS)) : undefined;
    return signed ?? this.items.put({ complaintId, recipientHash: replyRecipientHash(recipient) }, now, ttlDays);
  }

  async find(token: string, sender: string): Promise<ReplyTokenRecord | undefined> {
    if (!isWellFormedReplyToken(token)) {
      const verified = this.linkKeys ? verifyReplyToken(await this.linkKeys(), token, sender) : undefined;
      return verified && { ...verified, recipientHash: replyRecipientHash(sender) };
    }
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
export const replyTokenStore: StoreFactory<'replyTokens'> = (ctx) => new DynamoReplyTokenStore(ctx.doc, ctx.table('state'), ctx.linkKeys, ctx.config.inbound?.address.split('@')[0]);

/** Reply links in "waiting on you" and "resolved" SMS (the `/r/{token}` page). */
export const replyLinkStore: StoreFactory<'replyLinks'> = (ctx) => new DynamoReplyLinkStore(ctx.doc, ctx.table('state'));

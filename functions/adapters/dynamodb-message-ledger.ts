import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { claimLeaseSeconds } from '../pipeline.ts';
import type { ClaimOutcome, MessageClaim, MessageLedger } from '../ports/notifier.ts';
import type { StoreFactory } from './runtime.ts';

/** Sent-message ids are remembered for 30 days, longer than any redelivery can come. */
const MESSAGE_TTL_SECONDS = 30 * 86_400;

const key = (messageId: string) => ({ pk: `MSG#${messageId}`, sk: 'MSG' });
const epochSeconds = (t: Date) => Math.floor(t.getTime() / 1000);

/**
 * `MSG#<message id>` items in the state table: `state` is `in_progress` (with `leaseUntil` and the
 * holder's `owner`) or `sent`. Items written before claims had a state (no `state` attribute) count
 * as sent.
 *
 * Why not Powertools Idempotency, whose INPROGRESS record with an expiry is the model here: it keys
 * a record on a hash of a function's input and stores its result, takes its in-progress expiry from
 * the Lambda context's remaining time and its clock from `Date.now()`. These claims are per message
 * id (a handler sends several messages, some of which may already be out), are shared by several
 * functions (alert raise, reminders and held SMS go through the same ids), and run on the simulated
 * clock locally, so expiry must follow the clock the use cases are given. The semantics are the same:
 * claim in progress with an expiry, take over an expired claim, release on error, mark done on success.
 */
export class DynamoMessageLedger implements MessageLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
    private readonly leaseSeconds: number = claimLeaseSeconds,
  ) {}

  async claim(messageId: string, now: Date): Promise<ClaimOutcome> {
    const claim: MessageClaim = { messageId, owner: randomUUID(), leaseUntil: new Date(now.getTime() + this.leaseSeconds * 1000).toISOString() };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.stateTable,
          Item: { ...key(messageId), state: 'in_progress', owner: claim.owner, claimedAt: now.toISOString(), leaseUntil: claim.leaseUntil, expiresAt: epochSeconds(now) + MESSAGE_TTL_SECONDS },
          // Free, or held by a delivery whose lease ran out (that process is gone).
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :inProgress AND leaseUntil <= :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress', ':now': now.toISOString() },
        }),
      );
      return { kind: 'claimed', claim };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    const held = await this.doc.send(new GetCommand({ TableName: this.stateTable, Key: key(messageId), ConsistentRead: true }));
    if (held.Item?.state === 'in_progress' && typeof held.Item.leaseUntil === 'string') return { kind: 'in_progress', leaseUntil: held.Item.leaseUntil };
    if (!held.Item) return this.claim(messageId, now);
    return { kind: 'sent' };
  }

  async markSent(claim: MessageClaim, now: Date): Promise<void> {
    // Unconditional: the message went out, whoever holds the claim now.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.stateTable,
        Key: key(claim.messageId),
        UpdateExpression: 'SET #state = :sent, sentAt = :now, #owner = :owner, expiresAt = :ttl REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString(), ':owner': claim.owner, ':ttl': epochSeconds(now) + MESSAGE_TTL_SECONDS },
      }),
    );
  }

  async release(claim: MessageClaim): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.stateTable,
          Key: key(claim.messageId),
          ConditionExpression: '#state = :inProgress AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress', ':owner': claim.owner },
        }),
      );
    } catch (err) {
      // Taken over (our lease ran out) or already sent: not ours to give back.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}

/** Message claims (deliver once), with this function's claim lease. */
export const ledgerStore: StoreFactory<'ledger'> = (ctx) => new DynamoMessageLedger(ctx.doc, ctx.table('state'), ctx.claimLeaseSeconds);

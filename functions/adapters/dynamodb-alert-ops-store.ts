import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ackTokenHash, AckLinkSchema, type AckLink } from '../domain/alert-ack.ts';
import { AlertingOverrideSchema, type AlertingOverride } from '../domain/alerting-override.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import { isSilenceActive, SilenceSchema, type Silence } from '../domain/silence.ts';
import type { AlertOpsStore, DeferredSms } from '../ports/alert-ops.ts';
import { CorruptItemError } from './dynamodb-complaint-repository.ts';
import { queryAll } from './dynamodb-query.ts';
import type { StoreFactory } from './runtime.ts';
import { dueKeyBound, queuedKey } from './time-queue.ts';

/** An expired ack link answers "expired" (410) this long after it expired; then TTL deletes it (404). */
const EXPIRED_LINK_GRACE_SECONDS = 30 * 86_400;
/** Silences stay listed this long after they end. */
const SILENCE_KEEP_SECONDS = 90 * 86_400;
/** Overrides are read at most this often per container. */
const OVERRIDE_CACHE_MS = 30_000;

const SILENCES_PK = 'SILENCES';
/** The partition of alert SMS held for quiet hours (sort key `<send time>#<message id>`). */
export const SMS_QUEUE_PK = 'SMSQ';

/**
 * State-table items (keys in functions/pipeline.ts `tables.state`):
 * - `ACK#<sha256(token)>` / `LINK`: an acknowledge link (the token itself is never stored);
 * - `SILENCES` / `<to>#<id>`: silences, sorted by end, so "in force now" reads only those not yet ended;
 * - `ALERTCFG#<category>` / `OVERRIDE`: a run-time threshold/detector override;
 * - `SMSQ` / `<sendAt>#<messageId>`: SMS held for quiet hours, read by due time.
 * Silences and held SMS are rare (a handful a day), so one partition each is far below any limit.
 */
export class DynamoAlertOpsStore implements AlertOpsStore {
  readonly #overrides = new Map<string, { at: number; value: AlertingOverride | undefined }>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async saveAckLink(token: string, link: AckLink): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.stateTable,
        Item: { pk: `ACK#${ackTokenHash(token)}`, sk: 'LINK', entity: 'ack-link', ...link, expiresAt: seconds(link.linkExpiresAt) + EXPIRED_LINK_GRACE_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findAckLink(token: string): Promise<AckLink | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.stateTable, Key: { pk: `ACK#${ackTokenHash(token)}`, sk: 'LINK' }, ConsistentRead: true }));
    if (!res.Item) return undefined;
    const parsed = AckLinkSchema.safeParse(res.Item);
    if (!parsed.success) throw new CorruptItemError(`ack link ${String(res.Item.pk)} does not match the schema`);
    return parsed.data;
  }

  async addSilence(silence: Silence): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.stateTable,
        Item: { pk: SILENCES_PK, sk: silenceSk(silence), entity: 'silence', ...silence, expiresAt: seconds(silence.to) + SILENCE_KEEP_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listSilences(limit = 100): Promise<Silence[]> {
    const res = await this.doc.send(
      new QueryCommand({ TableName: this.stateTable, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': SILENCES_PK }, ScanIndexForward: false, Limit: limit }),
    );
    return (res.Items ?? []).map(parseSilence);
  }

  async activeSilence(category: string, now: Date): Promise<Silence | undefined> {
    const out: Silence[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.stateTable,
          KeyConditionExpression: 'pk = :p AND sk > :now',
          FilterExpression: 'category = :c AND #from <= :now',
          ExpressionAttributeNames: { '#from': 'from' },
          ExpressionAttributeValues: { ':p': SILENCES_PK, ':now': now.toISOString(), ':c': category },
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(res.Items ?? []).map(parseSilence));
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    // `sk > now` also matches a silence ending exactly now (the id follows the time): `[from, to)` decides.
    return out.find((s) => isSilenceActive(s, now));
  }

  async findSilence(id: string): Promise<Silence | undefined> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.stateTable,
          KeyConditionExpression: 'pk = :p',
          FilterExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': 'id' },
          ExpressionAttributeValues: { ':p': SILENCES_PK, ':id': id },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      const found = res.Items?.[0];
      if (found) return parseSilence(found);
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }

  async replaceSilence(previous: Silence, next: Silence): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.stateTable,
                Key: { pk: SILENCES_PK, sk: silenceSk(previous) },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.stateTable,
                Item: { pk: SILENCES_PK, sk: silenceSk(next), entity: 'silence', ...next, expiresAt: seconds(next.to) + SILENCE_KEEP_SECONDS },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw err;
    }
  }

  async noteSuppressed(silence: Silence, count: number, now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.stateTable,
        Key: { pk: SILENCES_PK, sk: silenceSk(silence) },
        UpdateExpression: 'ADD suppressedBreaches :one SET lastSuppressedAt = :now, lastSuppressedCount = :c',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString(), ':c': count },
      }),
    );
  }

  async putOverride(override: AlertingOverride): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.stateTable, Item: { pk: `ALERTCFG#${override.category}`, sk: 'OVERRIDE', entity: 'alerting-override', ...override } }));
    this.#overrides.set(override.category, { at: this.nowMs(), value: override });
  }

  async getOverride(category: string): Promise<AlertingOverride | undefined> {
    const cached = this.#overrides.get(category);
    if (cached && this.nowMs() - cached.at < OVERRIDE_CACHE_MS) return cached.value;
    const res = await this.doc.send(new GetCommand({ TableName: this.stateTable, Key: { pk: `ALERTCFG#${category}`, sk: 'OVERRIDE' } }));
    let value: AlertingOverride | undefined;
    if (res.Item) {
      const parsed = AlertingOverrideSchema.safeParse(res.Item);
      if (!parsed.success) throw new CorruptItemError(`alerting override of ${category} does not match the schema`);
      value = parsed.data;
    }
    this.#overrides.set(category, { at: this.nowMs(), value });
    return value;
  }

  async deleteOverride(category: string): Promise<AlertingOverride | undefined> {
    const res = await this.doc.send(
      new DeleteCommand({ TableName: this.stateTable, Key: { pk: `ALERTCFG#${category}`, sk: 'OVERRIDE' }, ReturnValues: 'ALL_OLD' }),
    );
    this.#overrides.set(category, { at: this.nowMs(), value: undefined });
    if (!res.Attributes) return undefined;
    const parsed = AlertingOverrideSchema.safeParse(res.Attributes);
    if (!parsed.success) throw new CorruptItemError(`alerting override of ${category} does not match the schema`);
    return parsed.data;
  }

  async deferSms(message: OutboundMessage, category: string, sendAt: Date, heldAt?: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.stateTable,
        Item: { pk: SMS_QUEUE_PK, sk: queuedKey(sendAt.toISOString(), message.id), entity: 'deferred-sms', sendAt: sendAt.toISOString(), ...(heldAt && { heldAt: heldAt.toISOString() }), category, message, expiresAt: seconds(sendAt.toISOString()) + 7 * 86_400 },
      }),
    );
  }

  async dueSms(now: Date): Promise<DeferredSms[]> {
    const items = await queryAll(this.doc, {
      TableName: this.stateTable,
      KeyConditionExpression: 'pk = :p AND sk <= :due',
      ExpressionAttributeValues: { ':p': SMS_QUEUE_PK, ':due': dueKeyBound(now) },
    });
    return items.map((i): DeferredSms => ({
      key: String(i.sk),
      sendAt: String(i.sendAt),
      ...(typeof i.heldAt === 'string' && { heldAt: i.heldAt }),
      category: String(i.category),
      message: i.message as OutboundMessage,
    }));
  }

  async removeDeferred(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.stateTable, Key: { pk: SMS_QUEUE_PK, sk: key } }));
  }
}

function silenceSk(s: Pick<Silence, 'to' | 'id'>): string {
  return `${s.to}#${s.id}`;
}

function parseSilence(item: Record<string, unknown>): Silence {
  const parsed = SilenceSchema.safeParse(item);
  if (!parsed.success) throw new CorruptItemError(`silence ${String(item.sk)} does not match the schema`);
  return parsed.data;
}

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** Acknowledge links, silences, run-time overrides and held SMS. */
export const alertOpsStore: StoreFactory<'alertOps'> = (ctx) => new DynamoAlertOpsStore(ctx.doc, ctx.table('state'));

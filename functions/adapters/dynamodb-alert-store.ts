import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlertIncidentSchema, type AlertComplaint, type AlertIncident } from '../domain/alert.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import { CorruptItemError } from './dynamodb-complaint-repository.ts';
import { queryAll } from './dynamodb-query.ts';
import { bucketedIndexKeys, bucketValue, bucketValueAt, bucketValues } from './index-buckets.ts';
import type { StoreFactory } from './runtime.ts';

/** The state table's sparse index of open-incident pointers (see `tables` in functions/pipeline.ts). */
export const OPEN_INDEX = 'openAlerts';
const OPEN_INDEX_KEYS = bucketedIndexKeys(OPEN_INDEX);
/** Attributes an evaluation writes; count, peak and titles belong to the monitor. */
const LIFECYCLE_FIELDS = [
  'state',
  'surgeStep',
  'acknowledgedAt',
  'acknowledgedBy',
  'resolvedAt',
  'remindersSent',
  'escalationLevel',
  'escalatedAt',
  'belowSince',
  'checkedThrough',
  'version',
] as const;

/** Incidents keep their history for a year. */
const INCIDENT_TTL_SECONDS = 365 * 86_400;

/**
 * Alert incidents in the state table: `ALERT#<category>` / `INC#<id>` holds an incident, and
 * `ALERT#<category>` / `OPEN` points at the category's one open incident. Opening writes both in one
 * transaction conditioned on the pointer's absence, which is what makes "one incident" hold under
 * concurrent and replayed batches.
 */
export class DynamoAlertStore implements AlertStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
    /** Buckets of the sparse openAlerts index (config `scale.dueIndexBuckets`). */
    private readonly dueIndexBuckets: number,
  ) {}

  async openIncident(incident: AlertIncident): Promise<{ opened: boolean; incident: AlertIncident }> {
    const pk = alertKey(incident.category);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.stateTable,
                // The pointer carries the sparse `openAlerts` index key: the evaluator Queries it, never Scans.
                // Its bucket follows from the category, the pointer's identity.
                Item: {
                  pk,
                  sk: 'OPEN',
                  incidentId: incident.id,
                  category: incident.category,
                  [OPEN_INDEX_KEYS.partition]: bucketValue(OPEN_INDEX, incident.category, this.dueIndexBuckets),
                  [OPEN_INDEX_KEYS.sort]: incident.openedAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.stateTable,
                Item: { pk, sk: incidentKey(incident.id), entity: 'incident', ...incident, expiresAt: expiry(incident.openedAt) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { opened: true, incident };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      if (err.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw err;
      const open = await this.findOpen(incident.category);
      if (!open) throw new CorruptItemError(`open-incident pointer of ${incident.category} points at a missing incident`);
      return { opened: false, incident: open };
    }
  }

  async findOpen(category: string): Promise<AlertIncident | undefined> {
    const pointer = await this.doc.send(
      new GetCommand({ TableName: this.stateTable, Key: { pk: alertKey(category), sk: 'OPEN' }, ConsistentRead: true }),
    );
    return pointer.Item ? this.getIncident(category, String(pointer.Item.incidentId)) : undefined;
  }

  async raisePeak(incident: AlertIncident, count: number, now: Date, newest?: readonly AlertComplaint[]): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.stateTable,
          Key: { pk: alertKey(incident.category), sk: incidentKey(incident.id) },
          // `newestTitles` held rendered lines before `newest` kept the facts.
          UpdateExpression: newest ? 'SET #count = :c, peak = :c, newest = :t, updatedAt = :now REMOVE newestTitles' : 'SET #count = :c, peak = :c, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND peak < :c',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':c': count, ':now': now.toISOString(), ...(newest && { ':t': newest }) },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async markNotified(incident: AlertIncident, at: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.stateTable,
        Key: { pk: alertKey(incident.category), sk: incidentKey(incident.id) },
        UpdateExpression: 'SET notifiedAt = if_not_exists(notifiedAt, :at)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }

  async listOpen(categories?: readonly string[]): Promise<Array<{ category: string; incidentId: string }>> {
    // A pointer's bucket follows from its category, so only those categories' buckets can hold theirs
    // (7 categories fill at most 7 of 16); bucket 0 also keeps pointers written before buckets existed.
    const buckets =
      categories === undefined
        ? bucketValues(OPEN_INDEX, this.dueIndexBuckets)
        : [...new Set([bucketValueAt(OPEN_INDEX, 0, this.dueIndexBuckets), ...categories.map((c) => bucketValue(OPEN_INDEX, c, this.dueIndexBuckets))])];
    // Those buckets in parallel, merged oldest opening first (the order one partition gave).
    const pages = await Promise.all(
      buckets.map((bucket) =>
        queryAll(this.doc, {
          TableName: this.stateTable,
          IndexName: OPEN_INDEX,
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': OPEN_INDEX_KEYS.partition },
          ExpressionAttributeValues: { ':v': bucket },
        }),
      ),
    );
    return pages
      .flat()
      .filter((i) => categories === undefined || categories.includes(String(i.category)))
      .map((i) => ({ item: i, openedAt: String(i[OPEN_INDEX_KEYS.sort]) }))
      .sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : 0))
      .map(({ item: i }) => ({ category: String(i.category), incidentId: String(i.incidentId) }));
  }

  async updateLifecycle(before: AlertIncident, after: AlertIncident): Promise<boolean> {
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':v': before.version };
    LIFECYCLE_FIELDS.forEach((field, i) => {
      names[`#f${i}`] = field;
      const value = after[field];
      if (value === undefined) remove.push(`#f${i}`);
      else {
        set.push(`#f${i} = :f${i}`);
        values[`:f${i}`] = value;
      }
    });
    names['#version'] = 'version';
    const update = {
      TableName: this.stateTable,
      Key: { pk: alertKey(before.category), sk: incidentKey(before.id) },
      UpdateExpression: [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].join(' ').trim(),
      // Items written before lifecycle tracking have no version: that reads as 0.
      ConditionExpression:
        before.version === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :v)' : 'attribute_exists(pk) AND #version = :v',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    try {
      if (after.state === 'resolved' && before.state !== 'resolved') {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: update },
              {
                Delete: {
                  TableName: this.stateTable,
                  Key: { pk: alertKey(before.category), sk: 'OPEN' },
                  ConditionExpression: 'incidentId = :id',
                  ExpressionAttributeValues: { ':id': before.id },
                },
              },
            ],
          }),
        );
      } else {
        await this.doc.send(new UpdateCommand(update));
      }
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw err;
    }
  }

  async listRecent(category: string, limit: number): Promise<AlertIncident[]> {
    // Incident ids carry the opening minute, so `INC#` keys sort by opening time.
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.stateTable,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': alertKey(category), ':s': 'INC#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map(parseIncident);
  }

  async getIncident(category: string, incidentId: string): Promise<AlertIncident | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.stateTable, Key: { pk: alertKey(category), sk: incidentKey(incidentId) }, ConsistentRead: true }),
    );
    return res.Item ? parseIncident(res.Item) : undefined;
  }
}

/** Parses a stored incident item with the schema. @throws CorruptItemError */
export function parseIncident(item: Record<string, unknown>): AlertIncident {
  const parsed = AlertIncidentSchema.safeParse(item);
  if (!parsed.success) throw new CorruptItemError(`incident ${String(item.sk)} does not match the schema: ${parsed.error.message}`);
  return parsed.data;
}

/** Partition of a category's incidents. */
export function alertKey(category: string): string {
  return `ALERT#${category}`;
}

/** Sort key of an incident. */
export function incidentKey(id: string): string {
  return `INC#${id}`;
}

function expiry(openedAt: string): number {
  return Math.floor(Date.parse(openedAt) / 1000) + INCIDENT_TTL_SECONDS;
}

/** Alert incidents. */
export const alertStore: StoreFactory<'alerts'> = (ctx) => new DynamoAlertStore(ctx.doc, ctx.table('state'), ctx.config.scale.dueIndexBuckets);

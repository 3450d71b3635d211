import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlertIncidentSchema, type AlertIncident } from '../domain/alert.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import { CorruptItemError } from './dynamodb-complaint-repository.ts';

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
                Item: { pk, sk: 'OPEN', incidentId: incident.id },
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

  async recordPeak(incident: AlertIncident, count: number, newestTitles: readonly string[], now: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.stateTable,
          Key: { pk: alertKey(incident.category), sk: incidentKey(incident.id) },
          UpdateExpression: 'SET #count = :c, peak = :c, newestTitles = :t, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND peak < :c',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':c': count, ':t': newestTitles, ':now': now.toISOString() },
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

  async getIncident(category: string, incidentId: string): Promise<AlertIncident | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.stateTable, Key: { pk: alertKey(category), sk: incidentKey(incidentId) }, ConsistentRead: true }),
    );
    return res.Item ? parseIncident(res.Item) : undefined;
  }
}

function parseIncident(item: Record<string, unknown>): AlertIncident {
  const parsed = AlertIncidentSchema.safeParse(item);
  if (!parsed.success) throw new CorruptItemError(`incident ${String(item.sk)} does not match the schema: ${parsed.error.message}`);
  return parsed.data;
}

function alertKey(category: string): string {
  return `ALERT#${category}`;
}

function incidentKey(id: string): string {
  return `INC#${id}`;
}

function expiry(openedAt: string): number {
  return Math.floor(Date.parse(openedAt) / 1000) + INCIDENT_TTL_SECONDS;
}

import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertIncident } from '../domain/alert.ts';
import type { Complaint } from '../domain/complaint.ts';
import type { ErasureRecord } from '../domain/personal-data.ts';
import type { CustomerDataStore, PersonalItem } from '../ports/customer-data.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import { alertKey, incidentKey, parseIncident } from './dynamodb-alert-store.ts';
import { queryAll } from './dynamodb-query.ts';
import type { StoreFactory } from './runtime.ts';

/** What an export shows of each kind of state item: no token hashes, no internal pointers. */
const EXPORTED_FIELDS: Record<PersonalItem['kind'], readonly string[]> = {
  survey_link: ['surveyId', 'complaintId', 'reference', 'locale', 'title', 'sentAt', 'linkExpiresAt', 'answeredAt'],
  unsubscribe_link: ['locale', 'channel'],
  external_id: ['complaintId'],
  // `channel` only on an opt-out of one inbox or number; one without it (recorded before) silences the whole customer id.
  opt_out: ['channel', 'optedOutAt', 'source'],
  survey_throttle: ['lastSentAt', 'surveyId'],
};

function kindOf(pk: string): PersonalItem['kind'] | undefined {
  if (pk.startsWith('SURVEY#')) return 'survey_link';
  if (pk.startsWith('UNSUB#')) return 'unsubscribe_link';
  if (pk.startsWith('EXT#')) return 'external_id';
  if (pk.startsWith('OPTOUTTO#')) return 'opt_out';
  return undefined;
}

function personalItem(kind: PersonalItem['kind'], item: Record<string, unknown>): PersonalItem {
  const fields: Record<string, unknown> = Object.fromEntries(EXPORTED_FIELDS[kind].filter((f) => item[f] !== undefined).map((f) => [f, item[f]]));
  if (kind === 'external_id') {
    // `EXT#<channel>#<externalId>`: the channel's own reference is part of what is stored.
    const [, channel, ...rest] = String(item.pk).split('#');
    Object.assign(fields, { channel, externalId: rest.join('#') });
  }
  return { kind, fields, ref: { pk: String(item.pk), sk: String(item.sk) } };
}

/**
 * A customer's data across both tables, found through the two `byCustomer` indexes and keyed reads,
 * never a Scan: complaints (complaints table), survey and unsubscribe links, external-id claims and
 * opt-outs of the inboxes their links were sent to (`OPTOUTTO#`; state table, sparse index on
 * `customerId`), `SURVEYED#` and an `OPTOUT#` of the whole customer id from before (keyed by the customer id),
 * alert incidents per category (their newest titles). Erasure records: `ERASURE#<customer id>` /
 * `<erased at>`, kept without TTL.
 */
export class DynamoCustomerDataStore implements CustomerDataStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { complaints: () => string; state: () => string },
    private readonly complaints: () => Pick<ComplaintRepository, 'get'>,
  ) {}

  async complaintsOf(customerId: string): Promise<Complaint[]> {
    const keys = await queryAll(this.doc, {
      TableName: this.tables.complaints(),
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customerId = :c',
      ExpressionAttributeValues: { ':c': customerId },
      ProjectionExpression: 'id',
    });
    // The index is eventually consistent: re-read each complaint for its current version.
    const found = await Promise.all(keys.map((k) => this.complaints().get(String(k.id))));
    return found.filter((c): c is Complaint => c !== undefined && c.customer.id === customerId);
  }

  async personalItemsOf(customerId: string): Promise<PersonalItem[]> {
    const state = this.tables.state();
    const indexed = await queryAll(this.doc, {
      TableName: state,
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customerId = :c',
      ExpressionAttributeValues: { ':c': customerId },
    });
    const items: PersonalItem[] = [];
    for (const item of indexed) {
      const kind = kindOf(String(item.pk));
      if (kind) items.push(personalItem(kind, item));
    }
    const keyed = [
      { kind: 'opt_out' as const, key: { pk: `OPTOUT#${customerId}`, sk: 'OPTOUT' } },
      { kind: 'survey_throttle' as const, key: { pk: `SURVEYED#${customerId}`, sk: 'LAST' } },
    ];
    for (const { kind, key } of keyed) {
      const res = await this.doc.send(new GetCommand({ TableName: state, Key: key, ConsistentRead: true }));
      if (res.Item) items.push(personalItem(kind, res.Item));
    }
    return items;
  }

  async incidentsOf(category: string): Promise<AlertIncident[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tables.state(),
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': alertKey(category), ':s': 'INC#' },
    });
    return items.map(parseIncident);
  }

  async replaceIncidentTexts(incident: AlertIncident): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.state(),
        Key: { pk: alertKey(incident.category), sk: incidentKey(incident.id) },
        UpdateExpression: 'SET newest = :newest, topTerms = :terms REMOVE newestTitles',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':newest': incident.newest, ':terms': incident.topTerms },
      }),
    );
  }

  async deleteItems(items: readonly PersonalItem[]): Promise<void> {
    const state = this.tables.state();
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = items.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.ref.pk, sk: item.ref.sk } } }));
      for (let attempt = 0; pending?.length; attempt += 1) {
        if (attempt === 5) throw new Error(`could not delete ${pending.length} personal item(s) after 5 attempts (throttled)`);
        const res = await this.doc.send(new BatchWriteCommand({ RequestItems: { [state]: pending } }));
        pending = res.UnprocessedItems?.[state] as Record<string, unknown>[] | undefined;
      }
    }
  }

  async recordErasure(record: ErasureRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tables.state(), Item: { pk: `ERASURE#${record.customerId}`, sk: record.erasedAt, entity: 'erasure', ...record } }));
  }

  async erasuresOf(customerId: string): Promise<ErasureRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tables.state(),
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `ERASURE#${customerId}` },
    });
    return items.map((i) => ({
      customerId: String(i.customerId),
      erasedAt: String(i.erasedAt),
      erasedBy: String(i.erasedBy),
      complaints: Number(i.complaints),
      incidents: Number(i.incidents),
      otherItems: Number(i.otherItems),
      // Records written before files were deleted have no count.
      files: Number(i.files ?? 0),
      // Records written before raw emails were kept under complaints have no count.
      messages: Number(i.messages ?? 0),
    }));
  }
}

/** A customer's data across both tables (export and erasure); reads complaints through the runtime's repository. */
export const customerDataStore: StoreFactory<'customerData'> = (ctx) =>
  new DynamoCustomerDataStore(ctx.doc, { complaints: () => ctx.table('complaints'), state: () => ctx.table('state') }, ctx.complaints);

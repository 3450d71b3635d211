import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ComplaintSchema, type Complaint } from '../domain/complaint.ts';
import { tables as tableDefinitions } from '../pipeline.ts';
import { batchGetOrdered, queryAll, queryBucketsMerged, type BucketPosition } from './dynamodb-query.ts';
import { bucketedIndexKeys, bucketValue, bucketValueAt, bucketValues, type BucketedIndex } from './index-buckets.ts';
import type { KpiComplaint } from '../domain/kpis.ts';
import {
  InvalidCursorError,
  ReferenceTakenError,
  type ComplaintFilter,
  type ComplaintRepository,
  type ComplaintSummary,
  type ContactKind,
  type CreateResult,
  type DepartmentFilter,
  type Page,
} from '../ports/complaint-repository.ts';
import { countMetric, logger } from './observability.ts';
import { MissingResourceError, type StoreContext, type StoreFactory } from './runtime.ts';

/** Thrown when stored data does not match the schema: never silently passed on. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

/** What creating, reading and replacing a complaint needs: the intake paths, without the listing queries. */
export type ComplaintRecords = Pick<ComplaintRepository, 'create' | 'get' | 'getByRef' | 'update' | 'recentByCustomer'>;

/**
 * Complaints in the complaints table, keyed by `id`; external-id and reference claims in the state
 * table. The listing queries are in {@link DynamoComplaintRepository}, so a bundle that only files
 * and updates complaints (`complaintRecordStore`) leaves them out.
 */
export class DynamoComplaintRecordStore implements ComplaintRecords {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tables: { complaints: string; state: string },
    /** Buckets of the sparse due indexes (config `scale.dueIndexBuckets`). */
    protected readonly dueIndexBuckets: number,
  ) {}

  async create(complaint: Complaint, nextRef?: () => string): Promise<CreateResult> {
    const created = await this.createComplaint(complaint);
    if (!created.created || complaint.ref === undefined) return created;
    return { created: true, complaint: await this.settleRef(complaint, nextRef) };
  }

  /**
   * Claims the complaint's reference after the complaint is stored (a write to the state table before
   * the first write to the complaints table makes the local stream poller fail on DynamoDB Local).
   * A taken reference (about one in 10^12 / stored complaints) is replaced: a fresh one is claimed and
   * written onto the complaint, conditional on the old one still being there.
   * @throws ReferenceTakenError when no fresh reference could be claimed
   */
  private async settleRef(complaint: Complaint, nextRef: (() => string) | undefined): Promise<Complaint> {
    let ref = complaint.ref!;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.claimRef(ref, complaint.id, complaint.expiresAt);
        break;
      } catch (err) {
        if (!(err instanceof ReferenceTakenError) || !nextRef || attempt >= 5) throw err;
        ref = nextRef();
      }
    }
    if (ref === complaint.ref) return complaint;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.complaints,
        Key: { id: complaint.id },
        UpdateExpression: 'SET #ref = :new',
        ConditionExpression: '#ref = :old',
        ExpressionAttributeNames: { '#ref': 'ref' },
        ExpressionAttributeValues: { ':new': ref, ':old': complaint.ref },
      }),
    );
    return { ...complaint, ref };
  }

  private async createComplaint(complaint: Complaint): Promise<CreateResult> {
    const put = {
      TableName: this.tables.complaints,
      Item: toItem(complaint, this.dueIndexBuckets),
      ConditionExpression: 'attribute_not_exists(id)',
    };
    if (complaint.externalId === undefined) {
      await this.doc.send(new PutCommand(put));
      return { created: true, complaint };
    }
    const claimKey = { pk: externalIdKey(complaint.channel, complaint.externalId), sk: 'EXT' };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.state,
                // customerId: the state table's byCustomer index finds the claim for an export or erasure.
                Item: { ...claimKey, complaintId: complaint.id, customerId: complaint.customer.id, expiresAt: complaint.expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: put },
          ],
        }),
      );
      return { created: true, complaint };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException) || err.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw err;
      const claim = await this.doc.send(new GetCommand({ TableName: this.tables.state, Key: claimKey, ConsistentRead: true }));
      const first = await this.get(String(claim.Item?.complaintId));
      if (!first) throw new CorruptItemError(`external id ${claimKey.pk} points at a missing complaint`);
      return { created: false, complaint: first };
    }
  }

  private async claimRef(ref: string, complaintId: string, expiresAt: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tables.state,
          Item: { pk: refKey(ref), sk: 'REF', complaintId, expiresAt },
          // A retried create of the same complaint may claim its own reference again.
          ConditionExpression: 'attribute_not_exists(pk) OR complaintId = :id',
          ExpressionAttributeValues: { ':id': complaintId },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ReferenceTakenError(`reference ${ref} is taken`);
      throw err;
    }
  }

  async getByRef(ref: string): Promise<Complaint | undefined> {
    const claim = await this.doc.send(new GetCommand({ TableName: this.tables.state, Key: { pk: refKey(ref), sk: 'REF' }, ConsistentRead: true }));
    if (typeof claim.Item?.complaintId !== 'string') return undefined;
    const complaint = await this.get(claim.Item.complaintId);
    return complaint?.ref === ref ? complaint : undefined;
  }

  async get(id: string): Promise<Complaint | undefined> {
    // A key DynamoDB cannot hold cannot exist; asking would fail with a ValidationException.
    if (!id || Buffer.byteLength(id, 'utf8') > MAX_PARTITION_KEY_BYTES) return undefined;
    const res = await this.doc.send(new GetCommand({ TableName: this.tables.complaints, Key: { id }, ConsistentRead: true }));
    return res.Item ? fromItem(res.Item) : undefined;
  }

  async update(next: Complaint, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tables.complaints,
          Item: toItem(next, this.dueIndexBuckets),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async recentByCustomer(customerId: string, since: Date): Promise<Array<{ id: string; category: string; receivedAt: string }>> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tables.complaints,
        IndexName: 'byCustomer',
        KeyConditionExpression: 'customerId = :c AND receivedAt >= :since',
        ExpressionAttributeValues: { ':c': customerId, ':since': since.toISOString() },
        ProjectionExpression: 'id, category, receivedAt',
        ScanIndexForward: false,
        Limit: 50,
      }),
    );
    return (res.Items ?? []).map((i) => ({ id: String(i.id), category: String(i.category), receivedAt: String(i.receivedAt) }));
  }
}

/** The whole repository: the records, and every listing query (inbox, SLA sweep, reports, contact search). */
export class DynamoComplaintRepository extends DynamoComplaintRecordStore implements ComplaintRepository {
  async receivedBetween(department: string, from: Date, to: Date): Promise<KpiComplaint[]> {
    const found = await queryAll(this.doc, {
      TableName: this.tables.complaints,
      IndexName: 'byDepartment',
      // receivedAt < to: BETWEEN is inclusive, so the upper bound is filtered out here.
      KeyConditionExpression: 'department = :d AND receivedAt BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':d': department, ':from': from.toISOString(), ':to': to.toISOString() },
      ProjectionExpression: 'id, receivedAt',
    });
    const inRange = found.filter((i) => String(i.receivedAt) < to.toISOString());
    return (await fetchFound(this.doc, this.tables.complaints, inRange, KPI_ATTRIBUTES)) as KpiComplaint[];
  }

  async list(filter: ComplaintFilter, limit: number, cursor?: string): Promise<Page<Complaint>> {
    if (filter.overdueAt) return this.listOverdue(filter, filter.overdueAt, limit, cursor);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filters: string[] = [];
    const useFilter = (attr: 'status' | 'department' | 'category', value: string | undefined) => {
      if (value === undefined) return;
      names[`#${attr}`] = attr;
      values[`:${attr}`] = value;
      filters.push(`#${attr} = :${attr}`);
    };
    // The most selective index available answers; the other criteria filter its pages.
    const [attr, rest] = filter.department !== undefined
      ? (['department', ['status', 'category']] as const)
      : filter.category !== undefined
        ? (['category', ['status']] as const)
        : (['status', []] as const);
    const index = { department: 'byDepartment', category: 'byCategory', status: 'byStatus' }[attr];
    names['#k'] = attr;
    values[':k'] = filter[attr];
    const key = '#k = :k';
    for (const r of rest) useFilter(r, filter[r]);
    const startKey = cursor ? decodeCursor(cursor, index, String(values[':k'])) : undefined;
    let res;
    try {
      res = await this.doc.send(
        new QueryCommand({
          TableName: this.tables.complaints,
          IndexName: index,
          KeyConditionExpression: key,
          ...(filters.length && { FilterExpression: filters.join(' AND ') }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: limit,
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
    } catch (err) {
      // Backstop for a well-formed cursor DynamoDB still refuses (e.g. a key value it finds invalid).
      if (startKey && isValidationError(err)) throw new InvalidCursorError('cursor is not one this API issued');
      throw err;
    }
    return {
      items: readable(await fetchFound(this.doc, this.tables.complaints, res.Items ?? [])),
      ...(res.LastEvaluatedKey && { cursor: encodeCursor(res.LastEvaluatedKey) }),
    };
  }

  /**
   * Overdue complaints, oldest due first, over every bucket of `byDueAt`. The cursor holds each
   * bucket's position; a page may hold fewer than `limit` items and still have a cursor when the
   * filters leave little in what was read (as a single filtered Query page does).
   */
  private async listOverdue(filter: ComplaintFilter, overdueAt: Date, limit: number, cursor: string | undefined): Promise<Page<Complaint>> {
    const names: Record<string, string> = { '#bucket': DUE_AT.partition, '#time': DUE_AT.sort };
    const values: Record<string, unknown> = { ':now': overdueAt.toISOString() };
    const filters: string[] = [];
    for (const attr of ['status', 'department', 'category'] as const) {
      if (filter[attr] === undefined) continue;
      names[`#${attr}`] = attr;
      values[`:${attr}`] = filter[attr];
      filters.push(`#${attr} = :${attr}`);
    }
    const from = cursor ? decodeOverdueCursor(cursor, this.dueIndexBuckets) : undefined;
    let res;
    try {
      res = await queryBucketsMerged(this.doc, {
        input: {
          TableName: this.tables.complaints,
          IndexName: 'byDueAt',
          KeyConditionExpression: '#bucket = :bucket AND #time <= :now',
          ...(filters.length && { FilterExpression: filters.join(' AND ') }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: true,
        },
        buckets: bucketValues('byDueAt', this.dueIndexBuckets),
        sortAttr: DUE_AT.sort,
        keyAttrs: ['id', DUE_AT.partition, DUE_AT.sort],
        limit,
        ...(from && { from }),
        // One round of pages plus as many again: a filtered listing answers in bounded time.
        maxRequests: 2 * this.dueIndexBuckets,
      });
    } catch (err) {
      if (from && isValidationError(err)) throw new InvalidCursorError('cursor is not one this API issued');
      throw err;
    }
    const more = res.positions.some((p) => !p.done);
    const items = readable(await fetchFound(this.doc, this.tables.complaints, res.items));
    return { items, ...(more && { cursor: encodeOverdueCursor(res.positions) }) };
  }

  async dueForSweep(now: Date, limit: number): Promise<{ items: Complaint[]; itemsRead: number }> {
    return queryDueComplaints(this.doc, { table: this.tables.complaints, index: 'bySweepAt', buckets: this.dueIndexBuckets }, now, limit);
  }

  async newestInDepartment(department: string, filter: DepartmentFilter, before: string | undefined, limit: number, maxRead: number): Promise<Complaint[]> {
    const names: Record<string, string> = { '#d': 'department', '#r': 'receivedAt' };
    const values: Record<string, unknown> = { ':d': department, ':before': before ?? '\uffff', ':since': filter.since?.toISOString() ?? '0000' };
    const filters: string[] = [];
    for (const attr of ['status', 'category', 'severity'] as const) {
      if (filter[attr] === undefined) continue;
      names[`#${attr}`] = attr;
      values[`:${attr}`] = filter[attr];
      filters.push(`#${attr} = :${attr}`);
    }
    const out: Record<string, unknown>[] = [];
    let read = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tables.complaints,
          IndexName: 'byDepartment',
          KeyConditionExpression: '#d = :d AND #r BETWEEN :since AND :before',
          ...(filters.length && { FilterExpression: filters.join(' AND ') }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: Math.min(200, maxRead - read),
          ExclusiveStartKey: startKey,
        }),
      );
      read += res.ScannedCount ?? 0;
      // BETWEEN is inclusive: the item the previous page ended on is left out here.
      out.push(...(res.Items ?? []).filter((i) => before === undefined || String(i.receivedAt) < before));
      startKey = res.LastEvaluatedKey;
    } while (startKey && out.length < limit && read < maxRead);
    return readable(await fetchFound(this.doc, this.tables.complaints, out.slice(0, limit)));
  }

  async findByContact(kind: ContactKind, value: string, limit: number): Promise<Complaint[]> {
    const index = { customer: ['byCustomer', 'customerId'], email: ['byEmail', 'customerEmail'], phone: ['byPhone', 'customerPhone'] }[kind];
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tables.complaints,
        IndexName: index[0],
        KeyConditionExpression: '#k = :v',
        ExpressionAttributeNames: { '#k': index[1]! },
        ExpressionAttributeValues: { ':v': kind === 'email' ? value.toLowerCase() : value },
        ScanIndexForward: false,
        Limit: limit,
        ProjectionExpression: 'id',
      }),
    );
    // The contact indexes project keys only (functions/pipeline.ts): each complaint is read from the
    // table, current rather than as the eventually consistent index saw it.
    return (await fetchFound(this.doc, this.tables.complaints, res.Items ?? [], undefined, true)).map(fromItem);
  }

  async newestInCategory(category: string, limit: number): Promise<ComplaintSummary[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tables.complaints,
        IndexName: 'byCategory',
        KeyConditionExpression: 'category = :c',
        ExpressionAttributeValues: { ':c': category },
        ProjectionExpression: 'id',
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const found = await fetchFound(this.doc, this.tables.complaints, res.Items ?? [], ['title', 'description', 'receivedAt', 'classification', 'escalationRisk']);
    return found.map((i) => {
      const classification = ComplaintSchema.shape.classification.safeParse(i.classification);
      return {
        id: String(i.id),
        ...(typeof i.title === 'string' && { title: i.title }),
        description: String(i.description ?? ''),
        receivedAt: String(i.receivedAt),
        ...(classification.success && classification.data && { classification: classification.data }),
        ...((i.escalationRisk as { marked?: unknown } | undefined)?.marked === true && { escalationRisk: { marked: true } }),
      };
    });
  }
}

const DUE_AT = bucketedIndexKeys('byDueAt');
const SWEEP_AT = bucketedIndexKeys('bySweepAt');
const SURVEY_DUE_AT = bucketedIndexKeys('bySurveyDue');

/**
 * The stored item: the complaint plus the index keys derived from it. The sparse index keys are set
 * only while they apply, and a Put replaces the whole item, so a complaint leaves those indexes as
 * soon as nothing is pending for it. Their partition values are the complaint's bucket (see
 * index-buckets.ts), the same on every write of the complaint.
 * @param dueIndexBuckets config `scale.dueIndexBuckets`
 */
export function toItem(c: Complaint, dueIndexBuckets: number): Record<string, unknown> {
  const running = c.sla.phase !== 'met' && !c.sla.pausedAt && c.sla.dueAt !== undefined;
  const surveyDueAt = c.survey && !c.survey.sentAt && !c.survey.skipped ? (c.survey.sending?.until ?? c.survey.dueAt) : undefined;
  return {
    ...c,
    customerId: c.customer.id,
    // Sparse contact indexes for the console's search (only complaints that carry the contact).
    ...(c.customer.email && { customerEmail: c.customer.email.toLowerCase() }),
    ...(c.customer.phone && { customerPhone: c.customer.phone }),
    ...(running && { [DUE_AT.partition]: bucketValue('byDueAt', c.id, dueIndexBuckets), [DUE_AT.sort]: c.sla.dueAt }),
    ...(c.sla.nextActionAt && { [SWEEP_AT.partition]: bucketValue('bySweepAt', c.id, dueIndexBuckets), [SWEEP_AT.sort]: c.sla.nextActionAt }),
    // Sparse bySurveyDue: only while the survey waits to be sent (see functions/domain/survey.ts).
    // While a dispatcher holds it, it is due again when that claim runs out.
    ...(surveyDueAt !== undefined && { [SURVEY_DUE_AT.partition]: bucketValue('bySurveyDue', c.id, dueIndexBuckets), [SURVEY_DUE_AT.sort]: surveyDueAt }),
  };
}

/** A sparse "what is due" index of the complaints table, sharded into `buckets` partition values. */
export interface DueIndex {
  readonly table: string;
  readonly index: Exclude<BucketedIndex, 'openAlerts'>;
  readonly buckets: number;
}

/**
 * Complaints whose due time in a sparse index has come, oldest first, at most `limit`, over every
 * bucket in parallel; with the index entries the queries read (what is due plus at most one page per
 * bucket, never the table). The indexes project keys only, so each complaint returned is then read
 * from the table once (BatchGetItem): reads stay proportional to what is due.
 */
export async function queryDueComplaints(doc: DynamoDBDocumentClient, due: DueIndex, now: Date, limit: number): Promise<{ items: Complaint[]; itemsRead: number }> {
  const keys = bucketedIndexKeys(due.index);
  const res = await queryBucketsMerged(doc, {
    input: {
      TableName: due.table,
      IndexName: due.index,
      KeyConditionExpression: '#bucket = :bucket AND #time <= :now',
      ExpressionAttributeNames: { '#bucket': keys.partition, '#time': keys.sort },
      ExpressionAttributeValues: { ':now': now.toISOString() },
    },
    buckets: bucketValues(due.index, due.buckets),
    sortAttr: keys.sort,
    keyAttrs: ['id', keys.partition, keys.sort],
    limit,
  });
  return { items: readable(await fetchFound(doc, due.table, res.items)), itemsRead: res.itemsRead };
}

/** What the KPI reports read of each complaint (`KpiComplaint`). */
const KPI_ATTRIBUTES = [
  'department',
  'category',
  'receivedAt',
  'firstResponseDueAt',
  'resolutionDueAt',
  'firstRespondedAt',
  'resolvedAt',
  'firstContactResolution',
  'escalationLevel',
  'repeatOf',
];

/**
 * The complaints an index Query found, read from the table in the Query's order. The complaint
 * indexes project keys and at most a few small filter attributes (functions/pipeline.ts), so a
 * complaint update does not rewrite a full copy in each; readers pay one item read per complaint
 * they return instead. A complaint deleted since the index saw it (TTL, erasure) is left out.
 * @param attributes only these attributes (and `id`); absent: the whole complaint
 * @param consistentRead read what the last write left, not what the index saw @default false
 */
async function fetchFound(
  doc: DynamoDBDocumentClient,
  table: string,
  found: readonly Record<string, unknown>[],
  attributes?: readonly string[],
  consistentRead = false,
): Promise<Record<string, unknown>[]> {
  const items = await batchGetOrdered(doc, {
    table,
    keys: found.map((i) => ({ id: i.id })),
    keyAttrs: ['id'],
    ...(attributes && { attributes }),
    consistentRead,
  });
  return items.filter((i): i is Record<string, unknown> => i !== undefined);
}

/**
 * The complaints of a listing or a due-index page that match the schema. One that does not (written
 * by hand, or by code that skipped validation) is left out, logged with its id and counted
 * (`UnreadableItems`, which alarms), so one bad item cannot empty an agent's inbox or stop the SLA
 * sweep and the survey dispatch for every other complaint. Reads of one complaint, and the contact
 * lookup that export and erasure rely on, still throw: there, leaving it out would hide it.
 */
function readable(items: readonly Record<string, unknown>[]): Complaint[] {
  const out: Complaint[] = [];
  for (const item of items) {
    const parsed = ComplaintSchema.safeParse(item);
    if (parsed.success) {
      out.push(parsed.data);
      continue;
    }
    logger.error('unreadable complaint left out', { complaintId: String(item.id), paths: parsed.error.issues.map((i) => i.path.join('.')) });
    countMetric('UnreadableItems');
  }
  return out;
}

function fromItem(item: Record<string, unknown>): Complaint {
  const parsed = ComplaintSchema.safeParse(item);
  if (!parsed.success) throw new CorruptItemError(`complaint ${String(item.id)} does not match the schema: ${parsed.error.message}`);
  return parsed.data;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * The overdue listing's cursor: per bucket of `byDueAt`, `0` when it is read to the end, `null` when
 * it is not started, or `[dueAt, id]` of the item to continue after (the partition value follows from
 * the bucket's place, so it is not repeated).
 */
function encodeOverdueCursor(positions: readonly BucketPosition[]): string {
  const compact = positions.map((p) => (p.done ? 0 : p.after ? [p.after[DUE_AT.sort], p.after.id] : null));
  return Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
}

/**
 * Reads an overdue cursor back into bucket positions; anything this API did not issue for this
 * number of buckets (forged, truncated, from another listing, or from before the bucket count
 * changed) is refused.
 * @throws InvalidCursorError
 */
function decodeOverdueCursor(cursor: string, buckets: number): BucketPosition[] {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const refuse = () => new InvalidCursorError('cursor is not one this API issued for this listing; start again without it');
  if (!Array.isArray(raw) || raw.length !== buckets) throw refuse();
  return raw.map((entry: unknown, n): BucketPosition => {
    if (entry === 0) return { done: true };
    if (entry === null) return { done: false };
    const valid =
      Array.isArray(entry) &&
      entry.length === 2 &&
      entry.every((v) => typeof v === 'string' && v.length > 0) &&
      Buffer.byteLength(entry[0] as string, 'utf8') <= MAX_SORT_KEY_BYTES &&
      Buffer.byteLength(entry[1] as string, 'utf8') <= MAX_PARTITION_KEY_BYTES;
    if (!valid) throw refuse();
    return { done: false, after: { id: entry[1], [DUE_AT.partition]: bucketValueAt('byDueAt', n, buckets), [DUE_AT.sort]: entry[0] } };
  });
}

/** DynamoDB's key size limits, in UTF-8 bytes: partition key values 2048, sort key values 1024. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/**
 * A cursor is the `LastEvaluatedKey` of a query on `indexName`: exactly the table key and the index
 * keys, as non-empty strings within DynamoDB's key limits, in the partition the query reads. Anything
 * else (forged, truncated, or issued for another listing) is refused here, before DynamoDB would answer
 * "The provided starting key is invalid".
 */
function decodeCursor(cursor: string, indexName: string, partitionValue: string): Record<string, unknown> {
  const index = tableDefinitions.complaints.indexes.find((i) => i.name === indexName);
  const expected = [tableDefinitions.complaints.partitionKey.name, index?.partitionKey.name, index?.sortKey?.name].filter((n): n is string => !!n);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    !!index &&
    !!key &&
    typeof key === 'object' &&
    !Array.isArray(key) &&
    Object.keys(key).length === expected.length &&
    expected.every((name) => {
      const value = (key as Record<string, unknown>)[name];
      const limit = name === index.sortKey?.name ? MAX_SORT_KEY_BYTES : MAX_PARTITION_KEY_BYTES;
      return typeof value === 'string' && value.length > 0 && Buffer.byteLength(value, 'utf8') <= limit;
    }) &&
    (key as Record<string, unknown>)[index.partitionKey.name] === partitionValue;
  if (!valid) throw new InvalidCursorError('cursor is not one this API issued for this listing; start again without it');
  return key as Record<string, unknown>;
}

function isValidationError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationException';
}

function refKey(ref: string): string {
  return `REF#${ref}`;
}

function externalIdKey(channel: string, externalId: string): string {
  return `EXT#${channel}#${externalId}`;
}

const tablesOf = (ctx: StoreContext) => ({
  get complaints() {
    return ctx.table('complaints');
  },
  get state() {
    return ctx.table('state');
  },
});

/**
 * Complaints, with the state table only for externalId claims: a function granted just the
 * complaints table (getComplaint) must be able to read complaints without it.
 */
export const complaintStore: StoreFactory<'complaints'> = (ctx) => new DynamoComplaintRepository(ctx.doc, tablesOf(ctx), ctx.config.scale.dueIndexBuckets);

/**
 * The records without the listing queries, for a handler that only files and updates complaints
 * (the inbound-mail function: its bundle is the largest). A listing query on it fails as a store
 * the handler did not name does, in Lambda and under `npm start` alike.
 */
export const complaintRecordStore: StoreFactory<'complaints'> = (ctx) => {
  const records = new DynamoComplaintRecordStore(ctx.doc, tablesOf(ctx), ctx.config.scale.dueIndexBuckets);
  const notCarried = (query: string) => async (): Promise<never> => {
    throw new MissingResourceError(`complaints.${query} is not in this function's bundle: its handler provides complaintRecordStore, which files and updates complaints only (name complaintStore to list them)`);
  };
  return Object.assign(records, {
    receivedBetween: notCarried('receivedBetween'),
    list: notCarried('list'),
    dueForSweep: notCarried('dueForSweep'),
    newestInDepartment: notCarried('newestInDepartment'),
    findByContact: notCarried('findByContact'),
    newestInCategory: notCarried('newestInCategory'),
  });
};

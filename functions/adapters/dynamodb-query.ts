import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** Reads every page of a Query (follows `LastEvaluatedKey`). */
export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(res.Items ?? []));
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Where a bucket's reading stands: `done`, or the key to continue after (none: from the start). */
export type BucketPosition = { readonly done: true } | { readonly done: false; readonly after?: Record<string, unknown> };

/** One Query over several partition values of an index, merged in sort-key order. */
export interface BucketedQueryInput {
  /** The Query without its partition value: the key condition names it `:bucket`. */
  readonly input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>;
  /** The partition values, one per bucket. */
  readonly buckets: readonly string[];
  /** The index's sort key attribute (a string), the merge order (ascending, as `ScanIndexForward`). */
  readonly sortAttr: string;
  /** Attributes of an item's key in the index (table key and index key), for positions. */
  readonly keyAttrs: readonly string[];
  /** At most this many items. */
  readonly limit: number;
  /** Where each bucket starts (a cursor); absent: every bucket from the start. */
  readonly from?: readonly BucketPosition[];
  /**
   * At most this many Query requests after the first round (one per bucket, always made); past it the
   * result is partial and `positions` say where to go on. @default unbounded
   */
  readonly maxRequests?: number;
}

export interface BucketedQueryResult {
  /** Up to `limit` items in ascending sort-key order (ties: lower bucket first, then each bucket's order). */
  readonly items: Record<string, unknown>[];
  /** Items DynamoDB read (sum of `ScannedCount`), what the reads are billed on. */
  readonly itemsRead: number;
  readonly requests: number;
  /** Per bucket, where a next call continues; every bucket `done` when nothing is left. */
  readonly positions: BucketPosition[];
}

/**
 * Reads the smallest items over several partitions of an index: a lazy k-way merge. Every bucket's
 * first page is read in parallel (pages of about twice its share of `limit`); a bucket is read on only
 * when its buffered items are used up, because its next item might be the smallest. So the items read
 * are what is returned plus at most one page per bucket, not everything each bucket holds.
 */
export async function queryBucketsMerged(doc: DynamoDBDocumentClient, q: BucketedQueryInput): Promise<BucketedQueryResult> {
  const pageSize = Math.max(1, Math.min(100, Math.ceil((2 * q.limit) / q.buckets.length)));
  const state = q.buckets.map((bucket, b) => {
    const from = q.from?.[b] ?? { done: false };
    return {
      bucket,
      buffer: [] as Record<string, unknown>[],
      pageStart: from.done ? undefined : from.after,
      next: from.done ? undefined : from.after,
      exhausted: from.done,
      lastTaken: undefined as Record<string, unknown> | undefined,
    };
  });
  let itemsRead = 0;
  let requests = 0;
  const fetch = async (s: (typeof state)[number]) => {
    requests += 1;
    const res = await doc.send(
      new QueryCommand({
        ...q.input,
        ExpressionAttributeValues: { ...q.input.ExpressionAttributeValues, ':bucket': s.bucket },
        Limit: pageSize,
        ExclusiveStartKey: s.next,
      }),
    );
    itemsRead += res.ScannedCount ?? 0;
    s.pageStart = s.next;
    s.lastTaken = undefined;
    s.buffer = res.Items ?? [];
    s.next = res.LastEvaluatedKey;
    s.exhausted = res.LastEvaluatedKey === undefined;
  };
  const items: Record<string, unknown>[] = [];
  const sortOf = (item: Record<string, unknown>) => String(item[q.sortAttr]);
  while (items.length < q.limit) {
    const starved = state.filter((s) => s.buffer.length === 0 && !s.exhausted);
    if (starved.length > 0) {
      // The first round always runs, so every call makes progress whatever the budget.
      if (requests > 0 && requests + starved.length > (q.maxRequests ?? Infinity)) break;
      await Promise.all(starved.map(fetch));
      continue;
    }
    let pick: (typeof state)[number] | undefined;
    for (const s of state) {
      const head = s.buffer[0];
      if (head && (!pick || sortOf(head) < sortOf(pick.buffer[0]!))) pick = s;
    }
    if (!pick) break;
    const taken = pick.buffer.shift()!;
    pick.lastTaken = taken;
    items.push(taken);
  }
  const keyOf = (item: Record<string, unknown>) => Object.fromEntries(q.keyAttrs.map((a) => [a, item[a]]));
  const positions: BucketPosition[] = state.map((s) => {
    if (s.buffer.length > 0) {
      const after = s.lastTaken ? keyOf(s.lastTaken) : s.pageStart;
      return after ? { done: false, after } : { done: false };
    }
    if (s.exhausted) return { done: true };
    return s.next ? { done: false, after: s.next } : { done: false };
  });
  return { items, itemsRead, requests, positions };
}

/** Most keys DynamoDB takes in one BatchGetItem request. */
export const BATCH_GET_MAX_KEYS = 100;

/** What `batchGetOrdered` reads and how hard it tries. */
export interface BatchGetInput {
  readonly table: string;
  /** Table keys, in the order the result keeps; a key may repeat (it is read once). */
  readonly keys: readonly Record<string, unknown>[];
  /** Attributes of the table key, to match returned items to their keys. */
  readonly keyAttrs: readonly string[];
  /** Only these attributes (the key attributes are added); absent: the whole item. */
  readonly attributes?: readonly string[];
  /** @default false (eventually consistent, half the read units; index readers are eventually consistent anyway) */
  readonly consistentRead?: boolean;
  /**
   * Requests per chunk (the first plus retries of `UnprocessedKeys`) before giving up.
   * @default 8
   */
  readonly maxAttempts?: number;
  /** First retry delay; each next one doubles, with full jitter. @default 25 */
  readonly baseDelayMs?: number;
}

/**
 * Reads items by key with BatchGetItem (chunks of at most 100 keys, a few chunks at a time) and
 * hands them back in the order of `keys`, `undefined` where no item exists. Keys DynamoDB leaves
 * unprocessed (throttling, the 16 MB response limit) are asked again after an exponential backoff
 * with jitter, so a partial answer is never mistaken for missing items.
 * @throws Error when keys are still unprocessed after `maxAttempts` requests
 */
export async function batchGetOrdered(doc: DynamoDBDocumentClient, q: BatchGetInput): Promise<(Record<string, unknown> | undefined)[]> {
  const keyOf = (item: Record<string, unknown>) => JSON.stringify(q.keyAttrs.map((a) => item[a]));
  const unique = new Map<string, Record<string, unknown>>();
  for (const key of q.keys) unique.set(keyOf(key), key);
  const chunks: Record<string, unknown>[][] = [];
  const all = [...unique.values()];
  for (let i = 0; i < all.length; i += BATCH_GET_MAX_KEYS) chunks.push(all.slice(i, i + BATCH_GET_MAX_KEYS));
  const names = q.attributes && [...new Set([...q.keyAttrs, ...q.attributes])];
  const projection = names && {
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
  };
  const found = new Map<string, Record<string, unknown>>();
  const maxAttempts = q.maxAttempts ?? 8;
  const baseDelayMs = q.baseDelayMs ?? 25;
  const readChunk = async (chunk: Record<string, unknown>[]) => {
    let pending: Record<string, unknown>[] = chunk;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > maxAttempts) throw new Error(`BatchGetItem on ${q.table}: ${pending.length} keys still unprocessed after ${maxAttempts} requests`);
      if (attempt > 1) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 2));
      const res = await doc.send(
        new BatchGetCommand({
          RequestItems: { [q.table]: { Keys: pending, ...projection, ...(q.consistentRead && { ConsistentRead: true }) } },
        }),
      );
      for (const item of res.Responses?.[q.table] ?? []) found.set(keyOf(item), item);
      pending = (res.UnprocessedKeys?.[q.table]?.Keys ?? []) as Record<string, unknown>[];
    }
  };
  // A few chunks in flight: a long key list is not read one round trip after another, nor all at once.
  for (let i = 0; i < chunks.length; i += BATCH_GET_PARALLEL_CHUNKS) await Promise.all(chunks.slice(i, i + BATCH_GET_PARALLEL_CHUNKS).map(readChunk));
  return q.keys.map((key) => found.get(keyOf(key)));
}

const BATCH_GET_PARALLEL_CHUNKS = 4;

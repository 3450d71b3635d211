import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hourlyRollup, type CounterIncrement } from '../domain/volume.ts';
import type { CommitOutcome, VolumeStore } from '../ports/volume-store.ts';
import type { StoreFactory } from './runtime.ts';

/** Key prefix of the per-record marks; the record's stream `eventID` follows. */
const MARK_PK_PREFIX = 'COUNTED#';
const MARK_SK = 'volume-monitor';
/** BatchGetItem reads at most this many keys per call. */
const BATCH_GET_KEYS = 100;
/** Reads of a chunk's marks before giving up on keys DynamoDB keeps leaving unprocessed. */
const UNPROCESSED_ROUNDS = 6;
/** Stream records live 24 hours; marks outlive them. */
const MARK_TTL_SECONDS = 2 * 86_400;
/** Counters feed the sliding windows and, later, weekly baselines. */
const COUNTER_TTL_SECONDS = 35 * 86_400;
/**
 * Hourly rollups feed the adaptive baselines: the multi-scale fit reads up to twelve weeks of history
 * plus the current week (the weekly median up to eight), plus a week's margin. Longer retention costs
 * storage only: the writes are the same.
 */
const HOURLY_TTL_SECONDS = 14 * 7 * 86_400;

/**
 * Per-minute counters `CNT#<category>` / `<minute ISO>`, hourly rollups `HCNT#<category>` /
 * `<hour ISO>` and a mark per counted stream record `COUNTED#<eventID>` / `volume-monitor`, in the
 * state table, all written in one transaction so they always agree.
 *
 * The marks are keyed by the record's `eventID`, which DynamoDB Streams makes globally unique and
 * which stays the same on every delivery: whether a record was counted is a point read, whatever
 * the number of shards, their interleaving, splits, or the way Lambda cut, bisected or extended the
 * batch that brings it again. (Lambda does not tell a handler its shard, and sequence numbers are
 * ordered only within one, so neither can key a ledger.) Each mark is a separate item, spread
 * over partitions: no hot key however busy one category gets.
 */
export class DynamoVolumeStore implements VolumeStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
  ) {}

  async alreadyCounted(eventIds: readonly string[]): Promise<Set<string>> {
    const counted = new Set<string>();
    const unique = [...new Set(eventIds)];
    for (let i = 0; i < unique.length; i += BATCH_GET_KEYS) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + BATCH_GET_KEYS).map((id) => markKey(id));
      for (let round = 0; keys?.length; round++) {
        // UnprocessedKeys come back under throttling: back off, and past a few rounds fail the batch
        // (the mapping retries it).
        if (round === UNPROCESSED_ROUNDS) throw new Error(`${keys.length} counted marks still unprocessed after ${round} reads`);
        if (round > 0) await new Promise((done) => setTimeout(done, 50 * 2 ** round));
        const res: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.stateTable]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk' } } }),
        );
        for (const item of res.Responses?.[this.stateTable] ?? []) counted.add(String(item.pk).slice(MARK_PK_PREFIX.length));
        keys = res.UnprocessedKeys?.[this.stateTable]?.Keys;
      }
    }
    return counted;
  }

  async commit(eventIds: readonly string[], increments: readonly CounterIncrement[], now: Date): Promise<CommitOutcome> {
    if (!eventIds.length) return 'committed';
    const expiresAt = Math.floor(now.getTime() / 1000) + MARK_TTL_SECONDS;
    const items = [
      ...eventIds.map((id) => ({
        name: 'mark' as const,
        item: { Put: { TableName: this.stateTable, Item: { ...markKey(id), expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
      })),
      ...increments.map((inc) => ({ name: 'counter' as const, item: { Update: this.#add(counterKey(inc.category), inc, COUNTER_TTL_SECONDS) } })),
      ...hourlyRollup(increments).map((inc) => ({ name: 'rollup' as const, item: { Update: this.#add(hourlyKey(inc.category), inc, HOURLY_TTL_SECONDS) } })),
    ];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items.map((i) => i.item) }));
      return 'committed';
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = (err.CancellationReasons ?? []).map((r, i) => ({ name: items[i]?.name, code: r.Code }));
      if (reasons.some((r) => r.name === 'mark' && r.code === 'ConditionalCheckFailed')) return 'already-counted';
      if (reasons.some((r) => r.code === 'TransactionConflict')) return 'conflict';
      throw err;
    }
  }

  /** An ADD to a counter item, kept `ttlSeconds` past the start of its bucket. */
  #add(pk: string, inc: CounterIncrement, ttlSeconds: number) {
    return {
      TableName: this.stateTable,
      Key: { pk, sk: inc.bucket },
      UpdateExpression: 'ADD #count :n SET expiresAt = :exp',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':n': inc.count, ':exp': Math.floor(Date.parse(inc.bucket) / 1000) + ttlSeconds },
    };
  }

  async buckets(category: string, fromBucket: string, toBucket: string): Promise<Array<{ bucket: string; count: number }>> {
    return this.range(counterKey(category), fromBucket, toBucket);
  }

  async hourlyCounts(category: string, fromHour: string, toHour: string): Promise<Array<{ hour: string; count: number }>> {
    return (await this.range(hourlyKey(category), fromHour, toHour)).map((b) => ({ hour: b.bucket, count: b.count }));
  }

  private async range(pk: string, from: string, to: string): Promise<Array<{ bucket: string; count: number }>> {
    const out: Array<{ bucket: string; count: number }> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.stateTable,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const i of res.Items ?? []) out.push({ bucket: String(i.sk), count: Number(i.count) });
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}

function counterKey(category: string): string {
  return `CNT#${category}`;
}

function hourlyKey(category: string): string {
  return `HCNT#${category}`;
}

function markKey(eventId: string): { pk: string; sk: string } {
  return { pk: `${MARK_PK_PREFIX}${eventId}`, sk: MARK_SK };
}

/** Minute counters and fitted baselines. */
export const volumeStore: StoreFactory<'volume'> = (ctx) => new DynamoVolumeStore(ctx.doc, ctx.table('state'));

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hourlyRollup, padSequence, type CounterIncrement } from '../domain/volume.ts';
import type { VolumeStore } from '../ports/volume-store.ts';

const LEDGER_PK = 'LEDGER#volume-monitor';
/**
 * Ledger entries read back when checking a batch. A redelivered record was counted by an entry whose
 * first sequence number is at or below the record's; entries of other shards can interleave, so we
 * look back this many entries (one Query page) rather than just one.
 */
const LEDGER_LOOKBACK = 25;
/** Stream records live 24 hours; ledger entries outlive them. */
const LEDGER_TTL_SECONDS = 2 * 86_400;
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
 * `<hour ISO>` (written in the same transaction, so both always agree) and the ledger of counted stream sequence
 * numbers, in the state table.
 */
export class DynamoVolumeStore implements VolumeStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly stateTable: string,
  ) {}

  async alreadyCounted(sequenceNumbers: readonly string[]): Promise<Set<string>> {
    if (!sequenceNumbers.length) return new Set();
    const padded = sequenceNumbers.map(padSequence);
    const max = padded.reduce((a, b) => (a > b ? a : b));
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.stateTable,
        KeyConditionExpression: 'pk = :pk AND sk <= :max',
        ExpressionAttributeValues: { ':pk': LEDGER_PK, ':max': max },
        ScanIndexForward: false,
        Limit: LEDGER_LOOKBACK,
        ConsistentRead: true,
      }),
    );
    const counted = new Set<string>();
    for (const item of res.Items ?? []) for (const s of (item.seqs as string[] | undefined) ?? []) counted.add(s);
    return new Set(sequenceNumbers.filter((s) => counted.has(padSequence(s))));
  }

  async commit(sequenceNumbers: readonly string[], increments: readonly CounterIncrement[], now: Date): Promise<boolean> {
    if (!sequenceNumbers.length) return true;
    const padded = sequenceNumbers.map(padSequence).sort();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.stateTable,
                Item: { pk: LEDGER_PK, sk: padded[0], seqs: padded, expiresAt: nowSeconds + LEDGER_TTL_SECONDS },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...increments.map((inc) => ({ Update: this.#add(counterKey(inc.category), inc, COUNTER_TTL_SECONDS) })),
            ...hourlyRollup(increments).map((inc) => ({ Update: this.#add(hourlyKey(inc.category), inc, HOURLY_TTL_SECONDS) })),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
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

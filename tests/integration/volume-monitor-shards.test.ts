import { QueryCommand, ScanCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { seededRandom } from '../../functions/domain/random.ts';
import { handler } from '../../functions/handlers/volume-monitor.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';

/**
 * The volume monitor under the delivery pattern of a busy stream: many shards, one batch per shard
 * at a time (parallelization factor 1), all shards at once; a failed batch bisected
 * (BisectBatchOnFunctionError) and retried; successful batches delivered again (at least once),
 * sometimes reaching back over earlier batches; transactions that fail before they reach
 * DynamoDB (a crash between deciding and doing) or whose answer is lost after they committed;
 * and shards that split, a child's records following its parent's.
 *
 * Everything random comes from one seed, so a failure repeats with `SHARDS_SEED=<seed>`.
 */

const SEED = Number(process.env.SHARDS_SEED ?? 20261202);
const SHARDS = 64;
const RECORDS_PER_SHARD = 8;
/** Shards that split part-way: the rest of their records arrive on a child shard. */
const SPLITTING_SHARDS = 8;
const MAX_BATCH = 12;
const STREAM_ARN = 'arn:aws:dynamodb:local:000000000000:table/complaints/stream/2026-12-02T00:00:00.000';
const now = Date.parse('2026-11-20T02:30:00.000Z');

const db = withDynamoDbLocal();
afterAll(() => setRuntime(undefined));

interface ShardPlan {
  readonly shardId: string;
  readonly records: DynamoDBRecord[];
  /** The child shard's records (a split), delivered after all of the parent's. */
  readonly child?: ShardPlan;
}

/**
 * A record as Lambda delivers it from a DynamoDB stream: the stream's ARN (Lambda does not name the
 * shard), a globally unique eventID, and a sequence number ordered within its shard only.
 */
function streamRecord(eventID: string, sequenceNumber: bigint, image: Record<string, unknown>): DynamoDBRecord {
  return {
    eventID,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: STREAM_ARN,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(now / 1000),
      Keys: { id: { S: String(image.id) } },
      NewImage: marshall(image) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      SequenceNumber: String(sequenceNumber),
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** 64 shards of complaints over every category, sequence numbers interleaving across shards. */
function planShards(rand: () => number): { shards: ShardPlan[]; perCategory: Record<string, number> } {
  const categories = defaultConfig.categories.map((c) => c.id);
  const perCategory: Record<string, number> = Object.fromEntries(categories.map((c) => [c, 0]));
  const hex = () => Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  let id = 0;
  const records = (shard: number, from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => {
      const i = from + k;
      const category = categories[Math.floor(rand() * categories.length)]!;
      perCategory[category]! += 1;
      id += 1;
      // Within the last 20 minutes: inside every category's window.
      const receivedAt = new Date(now - Math.floor(rand() * 20 * 60_000)).toISOString();
      // Ordered within the shard; shards interleave, as a busy table's shards do.
      const seq = 100_000_000_000_000_000_000n + BigInt(i * SHARDS + shard) * 1000n;
      return streamRecord(hex(), seq, { entity: 'complaint', id: `C${id}`, category, receivedAt, description: 'x' });
    });
  const shards = Array.from({ length: SHARDS }, (_, s): ShardPlan => {
    const shardId = `shardId-${String(s).padStart(20, '0')}`;
    if (s >= SPLITTING_SHARDS) return { shardId, records: records(s, 0, RECORDS_PER_SHARD) };
    const half = RECORDS_PER_SHARD / 2;
    return { shardId, records: records(s, 0, half), child: { shardId: `${shardId}-child`, records: records(s, half, RECORDS_PER_SHARD) } };
  });
  return { shards, perCategory };
}

/**
 * A document client whose transactions that write volume counters sometimes fail before they are
 * sent (nothing written) or after they committed (the answer lost), as a crashed or timed-out
 * invocation would.
 */
function faultyClient(doc: DynamoDBDocumentClient, rand: () => number): { client: DynamoDBDocumentClient; faults: { before: number; after: number } } {
  const faults = { before: 0, after: 0 };
  const countsVolume = (cmd: unknown) =>
    cmd instanceof TransactWriteCommand && (cmd.input.TransactItems ?? []).some((i) => String(i.Update?.Key?.pk ?? '').startsWith('CNT#'));
  const client = {
    send: async (cmd: unknown) => {
      if (countsVolume(cmd)) {
        const roll = rand();
        if (roll < 0.08) {
          faults.before += 1;
          throw new Error('injected: crashed before the commit');
        }
        if (roll < 0.16) {
          await doc.send(cmd as TransactWriteCommand);
          faults.after += 1;
          throw new Error('injected: crashed after the commit');
        }
      }
      return doc.send(cmd as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, faults };
}

/** Lambda's handling of one batch: a failed invocation is bisected, a failed single record retried. */
async function deliver(records: DynamoDBRecord[], stats: { invocations: number; bisections: number }): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    stats.invocations += 1;
    let failures: unknown[];
    try {
      failures = (await handler({ Records: records })).batchItemFailures;
    } catch {
      if (records.length > 1) {
        stats.bisections += 1;
        const mid = Math.ceil(records.length / 2);
        await deliver(records.slice(0, mid), stats);
        await deliver(records.slice(mid), stats);
        return;
      }
      continue;
    }
    // Every record here is valid: none may fail alone.
    expect(failures).toEqual([]);
    return;
  }
  throw new Error('a single record kept failing');
}

/** One shard's poller: batches of random size in order, some delivered again, reaching back. */
async function pollShard(shard: ShardPlan, rand: () => number, stats: { invocations: number; bisections: number; redeliveries: number }): Promise<void> {
  const { records } = shard;
  let pos = 0;
  while (pos < records.length) {
    const size = 1 + Math.floor(rand() * MAX_BATCH);
    await deliver(records.slice(pos, pos + size), stats);
    if (rand() < 0.3) {
      stats.redeliveries += 1;
      const back = Math.floor(rand() * 10);
      await deliver(records.slice(Math.max(0, pos - back), pos + size), stats);
    }
    pos += size;
  }
  if (shard.child) await pollShard(shard.child, rand, stats);
}

async function countsByCategory(state: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let startKey: Record<string, unknown> | undefined;
  do {
    const res = await db.clients.doc.send(
      new ScanCommand({ TableName: state, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': 'CNT#' }, ExclusiveStartKey: startKey }),
    );
    for (const i of res.Items ?? []) {
      const category = String(i.pk).slice('CNT#'.length);
      out[category] = (out[category] ?? 0) + Number(i.count);
    }
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  return out;
}

describe('volume monitor with 64 shards against DynamoDB Local', () => {
  it(`counts every complaint exactly once and opens one incident per category (seed ${SEED})`, { timeout: 600_000 }, async () => {
    const { names } = await db.freshTables();
    const rand = seededRandom(SEED);
    const { shards, perCategory } = planShards(rand);
    const { client, faults } = faultyClient(db.clients.doc, seededRandom(SEED + 1));
    const clock = new SimulatedClock(new Date(now));
    const outbox = new Outbox(defaultConfig, clock);
    setRuntime(buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: client, tableNames: names, notifier: outbox, events: new RecordedEvents('test-bus') }));

    const stats = { invocations: 0, bisections: 0, redeliveries: 0 };
    // Every shard has its own schedule (its own seeded source), so the interleaving of the
    // concurrent shards does not change what each one does.
    await Promise.all(shards.map((shard, s) => pollShard(shard, seededRandom(SEED * 100 + s), stats)));

    // The schedule did what it claims: faults on both sides of the commit, bisections, redeliveries.
    expect(faults.before).toBeGreaterThan(0);
    expect(faults.after).toBeGreaterThan(0);
    expect(stats.bisections).toBeGreaterThan(0);
    expect(stats.redeliveries).toBeGreaterThan(0);

    const total = SHARDS * RECORDS_PER_SHARD;
    expect(Object.values(perCategory).reduce((a, b) => a + b, 0)).toBe(total);
    expect(await countsByCategory(names.state)).toEqual(perCategory);

    const alertEmails = outbox.entries().filter((e) => e.kind === 'alert' && e.channel === 'email');
    for (const category of defaultConfig.categories) {
      const incidents = await db.clients.doc.send(
        new QueryCommand({ TableName: names.state, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `ALERT#${category.id}`, ':s': 'INC#' } }),
      );
      expect(incidents.Items, category.id).toHaveLength(1);
      const head = defaultConfig.departments.find((d) => d.id === category.department)!.head.email;
      expect(alertEmails.filter((e) => e.alertId === incidents.Items![0]!.id && e.to === head), category.id).toHaveLength(1);
    }
    // Nobody hears about one incident twice (a department's on-call list gets its own copy).
    const sent = alertEmails.map((e) => `${e.alertId}|${e.to}`);
    expect(new Set(sent).size).toBe(sent.length);
  });
});

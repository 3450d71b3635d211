import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { streamRecord } from '../support/stream-records.ts';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { handler } from '../../functions/handlers/volume-monitor.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';

// account-security: 5 complaints within 30 minutes make a breach.
const CATEGORY = 'account-security';
const start = Date.parse('2026-11-20T02:00:00.000Z');

const db = withDynamoDbLocal();
let state: string;
let clock: SimulatedClock;
let outbox: Outbox;
let events: RecordedEvents;
let seq = 0;

afterAll(() => {
  setRuntime(undefined);
});

// Fresh tables per test: counters, ledger and incidents start empty.
beforeEach(async () => {
  const tableNames = (await db.freshTables()).names;
  state = tableNames.state;
  clock = new SimulatedClock(new Date(start + 10 * 60_000));
  outbox = new Outbox(defaultConfig, clock);
  events = new RecordedEvents('test-bus');
  setRuntime(buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames, notifier: outbox, events }));
});

function record(category = CATEGORY, minute = 0, image?: Record<string, unknown>): DynamoDBRecord {
  seq += 1;
  const receivedAt = new Date(start + minute * 60_000).toISOString();
  return streamRecord(1_000_000_000_000_000_000n + BigInt(seq), image ?? { entity: 'complaint', id: `C${seq}`, category, receivedAt, description: 'x' });
}

async function counters(): Promise<Record<string, number>> {
  const res = await db.clients.doc.send(new ScanCommand({ TableName: state, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': 'CNT#' } }));
  return Object.fromEntries((res.Items ?? []).map((i) => [`${i.pk}|${i.sk}`, Number(i.count)]));
}

async function incidents() {
  const res = await db.clients.doc.send(
    new QueryCommand({ TableName: state, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `ALERT#${CATEGORY}`, ':s': 'INC#' } }),
  );
  return res.Items ?? [];
}

describe('volume monitor against DynamoDB Local', () => {
  it('counts a batch once per (category, minute) and alerts the head exactly once by email and SMS', async () => {
    const batch: DynamoDBStreamEvent = { Records: [record(CATEGORY, 0), record(CATEGORY, 0), record(CATEGORY, 1), record('refund', 1), record(CATEGORY, 2), record(CATEGORY, 2)] };
    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    expect(await counters()).toEqual({
      [`CNT#${CATEGORY}|2026-11-20T02:00:00.000Z`]: 2,
      [`CNT#${CATEGORY}|2026-11-20T02:01:00.000Z`]: 1,
      [`CNT#${CATEGORY}|2026-11-20T02:02:00.000Z`]: 2,
      'CNT#refund|2026-11-20T02:01:00.000Z': 1,
    });
    const alerts = outbox.entries().filter((e) => e.kind === 'alert');
    expect(alerts.map((a) => [a.channel, a.to])).toEqual([
      ['email', 'liu.yang@youxuan-mall.example.com'],
      ['sms', '+8613800138005'],
    ]);
    expect(alerts[0]!.subject).toContain('账户安全');
    expect(events.entries().map((e) => e.detailType)).toEqual(['alert.raised']);

    // More complaints in the same window a minute later: counted, a new peak recorded, no second alert.
    clock.set(new Date(clock.now().getTime() + 60_000));
    await handler({ Records: [record(CATEGORY, 3), record(CATEGORY, 3)] });
    expect(outbox.entries().filter((e) => e.kind === 'alert')).toHaveLength(2);
    expect(await incidents()).toHaveLength(1);
    expect((await incidents())[0]).toMatchObject({ peak: 7, count: 7, state: 'open' });
  });

  it('leaves every counter, alert and message unchanged when the same batch is delivered twice', async () => {
    const batch: DynamoDBStreamEvent = { Records: Array.from({ length: 6 }, (_, i) => record(CATEGORY, i)) };
    await handler(batch);
    const countersAfterFirst = await counters();
    const outboxAfterFirst = outbox.entries().length;
    const incidentsAfterFirst = await incidents();
    expect(outboxAfterFirst).toBe(2);

    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    expect(await counters()).toEqual(countersAfterFirst);
    expect(outbox.entries()).toHaveLength(outboxAfterFirst);
    expect(await incidents()).toEqual(incidentsAfterFirst);
    expect(events.entries()).toHaveLength(1);
  });

  it('does not recount records of a bisected or extended redelivery', async () => {
    const records = Array.from({ length: 4 }, (_, i) => record(CATEGORY, i));
    await handler({ Records: records });
    // Lambda bisects a failed batch, or retries from a record with newer records appended.
    await handler({ Records: records.slice(2) });
    await handler({ Records: [...records.slice(1), record(CATEGORY, 5)] });
    const total = Object.values(await counters()).reduce((a, b) => a + b, 0);
    expect(total).toBe(5);
  });

  it('fails an unparsable record alone and counts the rest once', async () => {
    const bad = record(CATEGORY, 0, { entity: 'complaint', id: 'BAD', category: CATEGORY, receivedAt: 'not a time' });
    const good = [record(CATEGORY, 0), record(CATEGORY, 1), record('refund', 1)];
    const batch: DynamoDBStreamEvent = { Records: [good[0]!, bad, good[1]!, good[2]!] };
    const res = await handler(batch);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb!.SequenceNumber }]);
    // Lambda retries from the failed record: the records after it come again and are not recounted.
    const retry = await handler({ Records: [bad, good[1]!, good[2]!] });
    expect(retry.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb!.SequenceNumber }]);
    const c = await counters();
    expect(Object.values(c).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('opens exactly one incident when two breaching batches run at the same time', async () => {
    const a: DynamoDBStreamEvent = { Records: Array.from({ length: 5 }, (_, i) => record(CATEGORY, i)) };
    const b: DynamoDBStreamEvent = { Records: Array.from({ length: 5 }, (_, i) => record(CATEGORY, i)) };
    const results = await Promise.allSettled([handler(a), handler(b)]);
    // A transaction conflict on the shared counter makes one delivery fail; Lambda retries it.
    for (const [i, r] of results.entries()) if (r.status === 'rejected') await handler([a, b][i]!);
    expect(await incidents()).toHaveLength(1);
    expect(outbox.entries().filter((e) => e.kind === 'alert' && e.channel === 'email')).toHaveLength(1);
    expect(Object.values(await counters()).reduce((x, y) => x + y, 0)).toBe(10);
  });
});

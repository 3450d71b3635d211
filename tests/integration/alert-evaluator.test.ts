import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, ScheduledEvent } from 'aws-lambda';
import { streamRecord } from '../support/stream-records.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { handler as evaluator } from '../../functions/handlers/alert-evaluator.ts';
import { handler as monitor } from '../../functions/handlers/volume-monitor.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { defaultConfig } from '../fixtures/config.ts';

// account-security: 5 complaints within 30 minutes make a breach; its department has a 3-level chain.
const CATEGORY = 'account-security';
const start = Date.parse('2026-11-20T02:00:00.000Z');
const chain = defaultConfig.departments.find((d) => d.id === 'security')!.escalationChain;

const db = withDynamoDbLocal();
let state: string;
let clock: SimulatedClock;
let outbox: Outbox;
let events: RecordedEvents;
let seq = 0;

beforeEach(async () => {
  const { names } = await db.freshTables();
  state = names.state;
  clock = new SimulatedClock(new Date(start));
  outbox = new Outbox(defaultConfig, clock);
  events = new RecordedEvents('test-bus');
  setRuntime(buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events }));
});

function record(receivedAt: Date): DynamoDBRecord {
  seq += 1;
  return streamRecord(2_000_000_000_000_000_000n + BigInt(seq), { entity: 'complaint', id: `E${seq}`, category: CATEGORY, receivedAt: receivedAt.toISOString(), description: '账号被盗' });
}

/** Moves the clock to `minutes` after the start and delivers `n` complaints received then. */
async function breach(minutes: number, n = 5): Promise<void> {
  clock.set(new Date(start + minutes * 60_000));
  const res = await monitor({ Records: Array.from({ length: n }, () => record(clock.now())) });
  expect(res.batchItemFailures).toEqual([]);
}

/** Runs the evaluator at `minutes` after the start, as the schedule would. */
async function evaluate(minutes: number) {
  clock.set(new Date(start + minutes * 60_000));
  const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: clock.now().toISOString(), detail: {} } as unknown as ScheduledEvent;
  return evaluator(event);
}

async function incidents() {
  const res = await db.clients.doc.send(
    new QueryCommand({ TableName: state, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `ALERT#${CATEGORY}`, ':s': 'INC#' } }),
  );
  return res.Items ?? [];
}

const ofKind = (kind: string) => outbox.entries().filter((e) => e.kind === kind);

describe('alert evaluator against DynamoDB Local', () => {
  it('escalates once per level after 30 minutes each, and reminds once after 4 hours, while unacknowledged', async () => {
    await breach(0);
    expect(ofKind('alert').map((e) => e.channel)).toEqual(['email', 'sms']);
    // Breaches every 20 minutes keep the 30-minute window above the clear level for hours; the
    // evaluator runs at the moments that matter (the schedule's other runs would find nothing due).
    const evaluations = new Set([5, 25, 30, 35, 55, 60, 90, 120, 235, 240, 245]);
    for (let m = 5; m <= 245; m += 5) {
      if (m % 20 === 0) await breach(m);
      if (evaluations.has(m)) await evaluate(m);
      if (m === 30) await evaluate(m); // a retried invocation at the same time sends nothing twice
    }
    const escalations = ofKind('alert_escalation');
    expect(escalations.map((e) => [e.channel, e.to])).toEqual(chain.flatMap((c) => [['email', c.email], ['sms', c.phone]]));
    expect(escalations.map((e) => e.at.slice(11, 16))).toEqual(['02:30', '02:30', '03:00', '03:00', '03:30', '03:30']);
    const reminders = outbox.entries().filter((e) => e.kind === 'alert' && e.at.slice(11, 16) === '06:00');
    expect(reminders.map((e) => e.channel)).toEqual(['email', 'sms']);
    // Two breaches of 5 inside one 30-minute window double the count the incident opened at: one
    // "getting worse" message (email and topic SMS), never repeated at the same level.
    const worse = ofKind('alert').filter((e) => /恶化/.test(`${e.subject ?? ''} ${e.body}`));
    expect(worse.map((e) => e.channel)).toEqual(['email', 'sms']);
    expect(ofKind('alert')).toHaveLength(6);
    expect(events.entries().filter((e) => e.detailType === 'alert.escalated')).toHaveLength(chain.length);
    expect(await incidents()).toHaveLength(1);
  }, 90_000);

  it('gives one all-clear after the count stays low for an hour, and a later breach opens a new incident', async () => {
    await breach(0);
    // Complaints at minute 0 leave the 30-minute window at minute 30; calm from then on.
    for (let m = 5; m <= 95; m += 5) await evaluate(m);
    const allClear = ofKind('alert_resolved');
    expect(allClear.length).toBeGreaterThan(0);
    // Everyone told: the head (email + topic SMS) and the escalation levels reached by then (email + SMS).
    const notified = new Set(outbox.entries().filter((e) => e.kind !== 'alert_resolved').map((e) => `${e.channel}:${e.to}`));
    expect(new Set(allClear.map((e) => `${e.channel}:${e.to}`))).toEqual(notified);
    expect(allClear.every((e) => e.at === allClear[0]!.at)).toBe(true);
    expect(allClear[0]!.at.slice(11, 16)).toBe('03:30');
    expect(events.entries().filter((e) => e.detailType === 'alert.resolved')).toHaveLength(1);
    const [resolved] = await incidents();
    expect(resolved).toMatchObject({ state: 'resolved' });

    // More evaluations send nothing more; a new breach opens a second incident and alerts again.
    await evaluate(100);
    expect(ofKind('alert_resolved')).toHaveLength(allClear.length);
    await breach(120);
    const all = await incidents();
    expect(all).toHaveLength(2);
    expect(all.filter((i) => i.state === 'open')).toHaveLength(1);
    expect(ofKind('alert').filter((e) => e.channel === 'email')).toHaveLength(2);
  }, 90_000);

  it('sends nothing while there is no incident', async () => {
    const result = await evaluate(5);
    expect(result).toEqual({ evaluated: 0, reminded: [], escalated: [], resolved: [], surged: [] });
    expect(outbox.entries()).toHaveLength(0);
  });
});

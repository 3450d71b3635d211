import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import type { OutboundMessage } from '../../functions/domain/messages.ts';
import type { TableName } from '../../functions/pipeline.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { toItem } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { buildRuntime, setRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { handler as progressNotifier } from '../../functions/handlers/progress-notifier.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { sweepSla } from '../../functions/use-cases/sweep-sla.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { streamRecord } from '../support/stream-records.ts';
import { defaultConfig } from '../fixtures/config.ts';

const db = withDynamoDbLocal();
const t0 = new Date('2026-11-16T02:00:00.000Z');
let clock: SimulatedClock;
let outbox: Outbox;
let events: RecordedEvents;
let rt: Runtime;
let complaintsTable: string;
let names: Record<TableName, string>;

beforeEach(async () => {
  names = (await db.freshTables()).names;
  complaintsTable = names.complaints;
  clock = new SimulatedClock(t0);
  outbox = new Outbox(defaultConfig, clock);
  events = new RecordedEvents('bus');
  rt = buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events });
  setRuntime(rt);
});

let n = 0;
function complaint(at: Date, customer: Record<string, string> = { email: 'x@example.com' }): Complaint {
  n += 1;
  const r = createComplaint({ channel: 'web', customer: { id: `cust-${n}`, ...customer }, description: '快递延迟', category: 'logistics-delay', severity: 'medium' }, defaultConfig, at, `C${String(n).padStart(6, '0')}`);
  if (!r.ok) throw new Error('fixture');
  return r.complaint;
}

const context = {} as Context;

describe('progress notifier against DynamoDB Local', () => {
  it('sends one message per step even when the stream delivers a batch twice', async () => {
    const received = complaint(t0);
    const ack = applyEvent(received, { type: 'acknowledge', actor: 'a' }, t0, defaultConfig);
    if (!ack.ok) throw new Error('fixture');
    const batch = { Records: [streamRecord(1, received), streamRecord(2, ack.complaint, received)] };
    expect(await progressNotifier(batch, context)).toEqual({ batchItemFailures: [] });
    expect(await progressNotifier(batch, context)).toEqual({ batchItemFailures: [] });
    expect(outbox.entries().map((m) => m.subject)).toEqual([`我们已收到您的投诉（编号 ${received.id}）`, `您的投诉已有专人负责（编号 ${received.id}）`]);
    // Events are at least once; consumers dedupe on their deterministic ids.
    expect(new Set(events.entries().map((e) => (e.detail as { eventId: string }).eventId)).size).toBe(2);
  });

  it('stops at a broken image: it and every later record fail, the earlier ones are notified', async () => {
    const good = complaint(t0);
    const other = complaint(t0);
    const broken: DynamoDBRecord = { ...streamRecord(5, good), dynamodb: { ...streamRecord(5, good).dynamodb, NewImage: { entity: { S: 'complaint' }, id: { S: 'BROKEN' } } } };
    const res = await progressNotifier({ Records: [streamRecord(4, good), broken, streamRecord(6, other)] }, context);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '5' }, { itemIdentifier: '6' }]);
    expect(outbox.entries().map((m) => m.complaintId)).toEqual([good.id]);
  });

  it('never lets "resolved" reach the customer before "acknowledged" when a send fails transiently', async () => {
    const received = complaint(t0);
    const step = (c: Complaint, type: 'acknowledge' | 'start' | 'resolve') => {
      const r = applyEvent(c, { type, actor: 'agent:a' }, t0, defaultConfig);
      if (!r.ok) throw new Error(type);
      return r.complaint;
    };
    const acknowledged = step(received, 'acknowledge');
    const resolved = step(step(acknowledged, 'start'), 'resolve');
    const records = [streamRecord(11, received), streamRecord(12, acknowledged, received), streamRecord(13, resolved, acknowledged)];
    // SES refuses the "acknowledged" email (timeline entry 1) once; progress message ids name their entry.
    const sent: string[] = [];
    let refused = false;
    const flaky = {
      send: async (m: OutboundMessage) => {
        if (!refused && m.id === `${received.id}:t1:progress:email`) {
          refused = true;
          throw new Error('SES throttled');
        }
        sent.push(m.id);
        await outbox.send(m);
      },
    };
    setRuntime(buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: flaky, events }));
    const first = await progressNotifier({ Records: records }, context);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '12' }, { itemIdentifier: '13' }]);
    expect(sent).toEqual([`${received.id}:t0:progress:email`]);
    // Lambda resumes from the lowest failed sequence number, in order.
    expect(await progressNotifier({ Records: records.slice(1) }, context)).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([0, 1, 2, 3].map((i) => `${received.id}:t${i}:progress:email`));
    const statusEvents = events.entries().filter((e) => e.detailType === 'complaint.status_changed').map((e) => (e.detail as { to: string }).to);
    expect(statusEvents).toEqual(['acknowledged', 'in_progress', 'resolved']);
  });
});

describe('SLA sweeper against DynamoDB Local', () => {
  /** Loads complaints as the repository stores them, 25 per request, four requests in flight. */
  async function putAll(items: Complaint[]): Promise<void> {
    const chunks: Complaint[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    const worker = async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        const res = await db.clients.doc.send(
          new BatchWriteCommand({ RequestItems: { [complaintsTable]: chunk.map((c) => ({ PutRequest: { Item: toItem(c, defaultConfig.scale.dueIndexBuckets) } })) } }),
        );
        expect(res.UnprocessedItems?.[complaintsTable] ?? []).toEqual([]);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  it('reads what is due, not the table: the same reads with 2,000 more complaints not yet due', async () => {
    for (let i = 0; i < 20; i += 1) await rt.complaints.create(complaint(new Date(t0.getTime() - 20 * 3600_000)));
    clock.set(new Date(t0.getTime() + 60_000));
    const probe = await rt.complaints.dueForSweep(clock.now(), 500);
    expect(probe.items).toHaveLength(20);
    const readsSmall = probe.itemsRead;

    // 2,000 complaints received just now (a hundred times what is due; `npm run bench` sweeps far larger tables): their first warning is 18 hours away.
    await putAll(Array.from({ length: 2_000 }, () => complaint(t0)));
    const after = await rt.complaints.dueForSweep(clock.now(), 500);
    expect(after.items).toHaveLength(20);
    expect(after.itemsRead).toBe(readsSmall);
    expect(after.itemsRead).toBeLessThanOrEqual(20);
  }, 120_000);

  it('warns and escalates through the real repository, each step once even when run twice', async () => {
    const c = complaint(t0, { phone: '+8613700000009' });
    await rt.complaints.create(c);
    clock.set(new Date(t0.getTime() + 18.5 * 3600_000));
    expect(await sweepSla(rt)).toMatchObject({ due: 1, warnings: 1, escalations: 0 });
    expect(await sweepSla(rt)).toMatchObject({ due: 0, warnings: 0 });
    clock.set(new Date(t0.getTime() + 24.5 * 3600_000));
    const [a, b] = await Promise.all([sweepSla(rt), sweepSla(rt)]);
    expect(a.escalations + b.escalations).toBe(1);
    expect(outbox.entries().filter((m) => m.complaintId === c.id).map((m) => `${m.kind}:${m.channel}:${m.to}`)).toEqual([
      'sla_warning:email:wang.lei@youxuan-mall.example.com',
      'escalation:email:zhao.min@youxuan-mall.example.com',
      'escalation:sms:+8613800138011',
    ]);
    expect((await rt.complaints.get(c.id))!.escalationLevel).toBe(1);
  });

  it('leaves an unreadable stored complaint out of the sweep and the listings, and goes on with the others', async () => {
    const good = complaint(t0);
    await rt.complaints.create(good);
    // Due at the same time, but not what the schema accepts (as an unvalidated writer once stored).
    const bad = complaint(t0);
    const badItem = toItem(bad, defaultConfig.scale.dueIndexBuckets);
    await db.clients.doc.send(new BatchWriteCommand({ RequestItems: { [complaintsTable]: [{ PutRequest: { Item: { ...badItem, customer: { ...bad.customer, email: 'a@b@c' } } } }] } }));
    clock.set(new Date(t0.getTime() + 18.5 * 3600_000));
    expect(await sweepSla(rt)).toMatchObject({ due: 1, warnings: 1 });
    expect(outbox.entries().map((m) => `${m.kind}:${m.complaintId}`)).toEqual([`sla_warning:${good.id}`]);
    expect((await rt.complaints.list({ status: 'received' }, 50)).items.map((c) => c.id)).toEqual([good.id]);
    // Read alone, it still fails loudly.
    await expect(rt.complaints.get(bad.id)).rejects.toThrow(/does not match the schema/);
  });
});

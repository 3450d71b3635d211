import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBRecord, ScheduledEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { complaintStreamHandler } from '../../functions/adapters/complaint-stream.ts';
import { DynamoMessageLedger } from '../../functions/adapters/dynamodb-message-ledger.ts';
import { HELD_CLAIM_SAFETY_MARGIN_MS } from '../../functions/adapters/held-claim-wait.ts';
import { buildRuntime, runtime, setRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import type { OutboundMessage } from '../../functions/domain/messages.ts';
import { handler as evaluator } from '../../functions/handlers/alert-evaluator.ts';
import { handler as progressNotifier } from '../../functions/handlers/progress-notifier.ts';
import { handler as surveyFollowup } from '../../functions/handlers/survey-followup.ts';
import { handler as monitor } from '../../functions/handlers/volume-monitor.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { claimLeaseSeconds, claimLeaseSecondsOf, functions, type TableName } from '../../functions/pipeline.ts';
import type { Notifier } from '../../functions/ports/notifier.ts';
import { answerSurvey } from '../../functions/use-cases/answer-survey.ts';
import { MessageInProgressError } from '../../functions/use-cases/deliver-once.ts';
import { notifyProgress } from '../../functions/use-cases/notify-progress.ts';
import { dispatchSurveys } from '../../functions/use-cases/dispatch-surveys.ts';
import { reportCsat } from '../../functions/use-cases/report-csat.ts';
import { sweepSla } from '../../functions/use-cases/sweep-sla.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { streamRecord } from '../support/stream-records.ts';

/**
 * The process dies between claiming a message and sending it: the send never returns, so nothing
 * after it runs (no release, no "sent" mark, no state write). A later delivery must send the message
 * exactly once, but only after the dead claim's lease ran out.
 */
const db = withDynamoDbLocal();
const BASE = 'https://pipeline.example';
const LEASE_MS = claimLeaseSeconds * 1000;
const t0 = new Date('2026-11-16T02:00:00.000Z'); // Monday 10:00 in Shanghai
const context = {} as Context;
let names: Record<TableName, string>;
let clock: SimulatedClock;
let outbox: Outbox;
let events: RecordedEvents;
let rt: Runtime;

beforeEach(async () => {
  names = (await db.freshTables()).names;
  clock = new SimulatedClock(t0);
  outbox = new Outbox(defaultConfig, clock);
  events = new RecordedEvents('bus');
  rt = runtimeWith(outbox);
  setRuntime(rt);
});

function runtimeWith(notifier: Notifier, claimLeaseSeconds?: number): Runtime {
  return buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier, events, publicBaseUrl: BASE, ...(claimLeaseSeconds !== undefined && { claimLeaseSeconds }) });
}

/** A notifier whose first send of a matching message never returns: the process died in it. */
class DyingNotifier implements Notifier {
  #dead = false;
  #die!: () => void;
  readonly died = new Promise<void>((resolve) => (this.#die = resolve));
  constructor(private readonly dieOn: (m: OutboundMessage) => boolean) {}
  async send(message: OutboundMessage): Promise<void> {
    if (this.#dead || !this.dieOn(message)) return outbox.send(message);
    this.#dead = true;
    this.#die();
    return new Promise<void>(() => {});
  }
}

/**
 * Runs `work` with a runtime whose notifier dies on the first matching message, and returns once it
 * died there. The work never continues, like a Lambda invocation killed by its timeout or by OOM.
 */
async function crashDuring(dieOn: (m: OutboundMessage) => boolean, work: (deps: Runtime) => Promise<unknown>, claimLeaseSeconds?: number): Promise<void> {
  const dying = new DyingNotifier(dieOn);
  const deps = runtimeWith(dying, claimLeaseSeconds);
  setRuntime(deps);
  try {
    await Promise.race([
      (async () => {
        await work(deps);
        throw new Error('the process was expected to die while sending');
      })(),
      dying.died,
    ]);
  } finally {
    setRuntime(rt);
  }
}

const of = (kind: OutboundMessage['kind']) => (m: OutboundMessage) => m.kind === kind;
const sentOf = (kind: OutboundMessage['kind']) => outbox.entries().filter((m) => m.kind === kind);
const after = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));

describe('the message ledger against DynamoDB Local', () => {
  it('holds a claim while its lease runs, lets the next delivery take it over after, and keeps a sent message sent', async () => {
    const ledger = new DynamoMessageLedger(db.clients.doc, names.state);
    const first = await ledger.claim('m-1', clock.now());
    expect(first.kind).toBe('claimed');
    after(LEASE_MS - 1000);
    expect(await ledger.claim('m-1', clock.now())).toEqual({ kind: 'in_progress', leaseUntil: new Date(t0.getTime() + LEASE_MS).toISOString() });
    after(1000);
    const second = await ledger.claim('m-1', clock.now());
    expect(second.kind).toBe('claimed');
    if (first.kind !== 'claimed' || second.kind !== 'claimed') throw new Error('unreachable');
    // The dead holder's late release cannot give away the new holder's claim.
    await ledger.release(first.claim);
    expect((await ledger.claim('m-1', clock.now())).kind).toBe('in_progress');
    await ledger.markSent(second.claim, clock.now());
    after(365 * 86_400_000);
    expect(await ledger.claim('m-1', clock.now())).toEqual({ kind: 'sent' });
    // A failed send gives the claim back at once.
    const third = await ledger.claim('m-2', clock.now());
    if (third.kind !== 'claimed') throw new Error('claim expected');
    await ledger.release(third.claim);
    expect((await ledger.claim('m-2', clock.now())).kind).toBe('claimed');
  });

  it('treats an entry written before claims had states as sent', async () => {
    await db.clients.doc.send(new PutCommand({ TableName: names.state, Item: { pk: 'MSG#old', sk: 'MSG', claimedAt: t0.toISOString(), expiresAt: 0 } }));
    after(LEASE_MS * 10);
    expect(await new DynamoMessageLedger(db.clients.doc, names.state).claim('old', clock.now())).toEqual({ kind: 'sent' });
  });
});

describe('a crash between claim and send, for each effect kind', () => {
  let seq = 0;
  const breachRecords = (n: number): DynamoDBRecord[] =>
    Array.from({ length: n }, () => {
      seq += 1;
      return streamRecord(3_000_000_000_000_000_000n + BigInt(seq), { entity: 'complaint', id: `K${seq}`, category: 'account-security', receivedAt: clock.now().toISOString(), description: '账号被盗' });
    });
  const scheduled = () => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: clock.now().toISOString(), detail: {} }) as unknown as ScheduledEvent;

  it('alert raise: the redelivered batch waits for the lease, then the head gets one email and one SMS', async () => {
    const batch = { Records: breachRecords(5) };
    // Dies on the first alert message (the email); the SMS was never claimed.
    await crashDuring(of('alert'), () => monitor(batch));
    expect(sentOf('alert')).toEqual([]);

    // Redelivered while the dead claim's lease runs: the unclaimed SMS goes, the email waits, the batch fails.
    after(30_000);
    await expect(monitor(batch)).rejects.toThrow(MessageInProgressError);
    expect(sentOf('alert').map((m) => m.channel)).toEqual(['sms']);

    after(LEASE_MS);
    expect(await monitor(batch)).toEqual({ batchItemFailures: [] });
    expect(await monitor(batch)).toEqual({ batchItemFailures: [] });
    expect(sentOf('alert').map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(events.entries().filter((e) => e.detailType === 'alert.raised')).toHaveLength(1);
  });

  it('alert raise: when the stream retries ran out, the evaluator tells the head once the lease is over', async () => {
    await crashDuring(of('alert'), () => monitor({ Records: breachRecords(5) }));
    after(60_000);
    await evaluator(scheduled());
    expect(sentOf('alert')).toEqual([]);
    after(LEASE_MS);
    await evaluator(scheduled());
    after(5 * 60_000);
    await evaluator(scheduled());
    expect(sentOf('alert').map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(events.entries().filter((e) => e.detailType === 'alert.raised')).toHaveLength(1);
  });

  it('alert escalation: the evaluator leaves a live claim alone and sends each level once after the lease', async () => {
    expect(await monitor({ Records: breachRecords(5) })).toEqual({ batchItemFailures: [] });
    after(30 * 60_000);
    await crashDuring(of('alert_escalation'), () => evaluator(scheduled()));
    expect(sentOf('alert_escalation')).toEqual([]);
    const dead = outbox.entries().length;

    // The next run meets the live claim: the dead message is not sent and the level is not recorded.
    after(60_000);
    await evaluator(scheduled());
    expect(events.entries().filter((e) => e.detailType === 'alert.escalated')).toEqual([]);

    after(LEASE_MS);
    await evaluator(scheduled());
    after(60_000);
    await evaluator(scheduled());
    const first = sentOf('alert_escalation');
    expect(first.length).toBeGreaterThan(0);
    expect(dead).toBeLessThan(outbox.entries().length);
    expect(new Set(first.map((m) => `${m.channel}:${m.to}`)).size).toBe(first.length);
    expect(events.entries().filter((e) => e.detailType === 'alert.escalated')).toHaveLength(1);
  });

  it('SLA escalation: the next sweep after the lease sends it once and records the level', async () => {
    const created = createComplaint({ channel: 'web', customer: { id: 'sla-1', phone: '+8613700000009' }, description: '快递延迟', category: 'logistics-delay', severity: 'medium' }, defaultConfig, t0, 'S000001');
    if (!created.ok) throw new Error('fixture');
    await rt.complaints.create(created.complaint);
    clock.set(new Date(t0.getTime() + 18.5 * 3600_000));
    // The scheduled run dies while sending its grouped warning (one message per person and sweep).
    await crashDuring(of('sla_warning'), (deps) => sweepSla(deps, 'run-1'));
    expect(sentOf('sla_warning')).toEqual([]);

    // A retry of that same run meets the live claim: nothing is sent and no complaint is recorded.
    after(60_000);
    expect(await sweepSla(rt, 'run-1')).toMatchObject({ due: 1, warnings: 0, skipped: 1 });
    expect(sentOf('sla_warning')).toEqual([]);
    expect((await rt.complaints.get('S000001'))!.sla.warned).toBeFalsy();
    after(LEASE_MS);
    expect(await sweepSla(rt, 'run-1')).toMatchObject({ due: 1, warnings: 1 });
    expect(await sweepSla(rt)).toMatchObject({ due: 0, warnings: 0 });
    expect(sentOf('sla_warning').map((m) => m.to)).toEqual(['wang.lei@youxuan-mall.example.com']);
    // It went out under the dead run's own message id, now marked sent.
    const ledger = new DynamoMessageLedger(db.clients.doc, names.state);
    expect(await ledger.claim('sla:run-1:wang.lei@youxuan-mall.example.com:email', clock.now())).toEqual({ kind: 'sent' });
    expect((await rt.complaints.get('S000001'))!.sla.warned).toBe(true);

    // A run dies sending the escalation; a later scheduled run (its own sweep id) lists it again in
    // its own message, once, and records the level; the dead run's retry then finds nothing due.
    clock.set(new Date(t0.getTime() + 24.5 * 3600_000));
    await crashDuring(of('escalation'), (deps) => sweepSla(deps, 'run-2'));
    expect(sentOf('escalation')).toEqual([]);
    after(5 * 60_000);
    expect(await sweepSla(rt, 'run-3')).toMatchObject({ due: 1, escalations: 1 });
    after(LEASE_MS);
    expect(await sweepSla(rt, 'run-2')).toMatchObject({ due: 0, escalations: 0 });
    expect(await sweepSla(rt)).toMatchObject({ due: 0 });
    expect(sentOf('escalation').map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const head = sentOf('escalation').find((m) => m.channel === 'email')!.to;
    expect(await ledger.claim(`sla:run-3:${head}:email`, clock.now())).toEqual({ kind: 'sent' });
    expect((await rt.complaints.get('S000001'))!.escalationLevel).toBe(1);
  });

  it('progress message: the redelivered record fails while the claim lives, then the customer hears once', async () => {
    const created = createComplaint({ channel: 'web', customer: { id: 'p-1', email: 'p@example.com' }, description: '快递延迟', category: 'logistics-delay', severity: 'medium' }, defaultConfig, t0, 'P000001');
    if (!created.ok) throw new Error('fixture');
    const batch = { Records: [streamRecord(1, created.complaint)] };
    await crashDuring(of('progress'), () => progressNotifier(batch, context));
    after(10_000);
    // The only record fails, so the whole batch does: the mapping retries it.
    await expect(progressNotifier(batch, context)).rejects.toThrow('All records failed');
    expect(sentOf('progress')).toEqual([]);
    after(LEASE_MS);
    expect(await progressNotifier(batch, context)).toEqual({ batchItemFailures: [] });
    expect(await progressNotifier(batch, context)).toEqual({ batchItemFailures: [] });
    expect(sentOf('progress').map((m) => m.to)).toEqual(['p@example.com']);
  });

  describe('surveys', () => {
    const due = new Date('2026-11-23T02:00:00.000Z'); // seven days after t0, outside quiet hours
    async function storeResolved(id: string, customer: Record<string, string>): Promise<Complaint> {
      const created = createComplaint({ channel: 'web', customer: { id: `cust-${id}`, ...customer }, title: 'Parcel late', description: '快递延迟', category: 'logistics-delay', severity: 'medium' }, defaultConfig, t0, id);
      if (!created.ok) throw new Error('fixture');
      let c = created.complaint;
      for (const type of ['acknowledge', 'start', 'resolve'] as const) {
        const r = applyEvent(c, { type, actor: 'agent:a' }, t0, defaultConfig);
        if (!r.ok) throw new Error(type);
        c = r.complaint;
      }
      await rt.complaints.create(c);
      return c;
    }
    const linkOf = (body: string) => /\/s\/([A-Za-z0-9_-]{32})/.exec(body)?.[1] ?? '';

    it('dispatch: a run after the lease resumes the claim and sends one survey with a working link, counted once', async () => {
      const c = await storeResolved('V000001', { email: 'v@example.com' });
      clock.set(due);
      await crashDuring(of('survey'), (deps) => dispatchSurveys(deps));
      expect(sentOf('survey')).toEqual([]);

      after(60_000);
      expect(await dispatchSurveys(rt)).toMatchObject({ sent: 0 });
      after(LEASE_MS);
      expect(await dispatchSurveys(rt)).toMatchObject({ due: 1, sent: 1 });
      after(15 * 60_000 + LEASE_MS);
      expect(await dispatchSurveys(rt)).toMatchObject({ due: 0, sent: 0 });

      expect(sentOf('survey').map((m) => m.to)).toEqual(['v@example.com']);
      const stored = await rt.complaints.get(c.id);
      expect(stored?.survey).toMatchObject({ sentAt: due.toISOString() });
      expect(stored?.survey?.sending).toBeUndefined();
      expect(events.entries().filter((e) => e.detailType === 'survey.sent')).toHaveLength(1);
      expect((await reportCsat(new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'), rt)).total.sent).toBe(1);
      // The resumed run's link works and carries the original send time.
      expect(await rt.surveys.findLink(linkOf(sentOf('survey')[0]!.body))).toMatchObject({ complaintId: c.id, sentAt: due.toISOString() });
    });

    it('follow-up: the department hears about a poor answer once, after the dead claim expired', async () => {
      const c = await storeResolved('F000001', { email: 'f@example.com' });
      clock.set(due);
      await dispatchSurveys(rt);
      const token = linkOf(sentOf('survey')[0]!.body);
      after(3600_000);
      expect(await answerSurvey(token, { rating: 1, solved: false, comment: 'still missing' }, rt)).toMatchObject({ outcome: 'recorded' });
      const answered = (await rt.complaints.get(c.id))!;
      const batch = { Records: [streamRecord(9, answered, c)] };
      await crashDuring(of('survey_followup'), () => surveyFollowup(batch, context));
      after(10_000);
      await expect(surveyFollowup(batch, context)).rejects.toThrow('All records failed');
      after(LEASE_MS);
      expect(await surveyFollowup(batch, context)).toEqual({ batchItemFailures: [] });
      expect(await surveyFollowup(batch, context)).toEqual({ batchItemFailures: [] });
      expect(sentOf('survey_followup').filter((m) => m.channel === 'email')).toHaveLength(1);
    });
  });
});

describe('the claim record itself', () => {
  it('stores state, owner and lease, and only the message id', async () => {
    const ledger = new DynamoMessageLedger(db.clients.doc, names.state);
    const outcome = await ledger.claim('x:1', clock.now());
    if (outcome.kind !== 'claimed') throw new Error('claim expected');
    const item = (await db.clients.doc.send(new GetCommand({ TableName: names.state, Key: { pk: 'MSG#x:1', sk: 'MSG' } }))).Item;
    expect(item).toMatchObject({ state: 'in_progress', leaseUntil: outcome.claim.leaseUntil, owner: outcome.claim.owner });
    await ledger.markSent(outcome.claim, clock.now());
    const sent = (await db.clients.doc.send(new GetCommand({ TableName: names.state, Key: { pk: 'MSG#x:1', sk: 'MSG' } }))).Item;
    expect(sent).toMatchObject({ state: 'sent', sentAt: clock.now().toISOString() });
    expect(sent?.leaseUntil).toBeUndefined();
  });
});

describe('a stream consumer meeting a dead process\'s claim', () => {
  // The progress notifier's own lease and timeout; its sleep moves the simulated clock, and the
  // invocation's remaining time is read on that clock, so no real time passes.
  const lease = claimLeaseSecondsOf('progressNotifier') * 1000;
  const timeout = functions.progressNotifier.timeoutSeconds * 1000;
  let slept: number[];
  beforeEach(() => {
    rt = runtimeWith(outbox, lease / 1000);
    setRuntime(rt);
  });
  const handler = complaintStreamHandler('in_order', (complaint, previous) => notifyProgress(complaint, previous, runtime()), {
    clock: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      after(ms);
    },
  });
  const invocation = (): Context => {
    const deadline = clock.now().getTime() + timeout;
    return { getRemainingTimeInMillis: () => deadline - clock.now().getTime() } as Context;
  };
  const crashedReceipt = async (): Promise<{ Records: DynamoDBRecord[] }> => {
    slept = [];
    const created = createComplaint({ channel: 'web', customer: { id: 'w-1', email: 'w@example.com' }, description: '快递延迟', category: 'logistics-delay', severity: 'medium' }, defaultConfig, t0, 'W000001');
    if (!created.ok) throw new Error('fixture');
    const batch = { Records: [streamRecord(1, created.complaint)] };
    await crashDuring(of('progress'), () => handler(batch, invocation()), lease / 1000);
    expect(sentOf('progress')).toEqual([]);
    return batch;
  };

  it('waits out a lease that ends within the invocation, then sends the message once: the first retry succeeds', async () => {
    const batch = await crashedReceipt();
    after(20_000);
    expect(await handler(batch, invocation())).toEqual({ batchItemFailures: [] });
    expect(slept).toEqual([lease - 20_000]);
    expect(sentOf('progress').map((m) => m.to)).toEqual(['w@example.com']);
    // A later redelivery finds it sent.
    expect(await handler(batch, invocation())).toEqual({ batchItemFailures: [] });
    expect(sentOf('progress')).toHaveLength(1);
  });

  it('when the lease ends after the invocation, waits what it can and fails; the next retry then sends it once', async () => {
    const batch = await crashedReceipt();
    after(1_000);
    await expect(handler(batch, invocation())).rejects.toThrow('All records failed');
    expect(slept).toEqual([timeout - HELD_CLAIM_SAFETY_MARGIN_MS]);
    expect(sentOf('progress')).toEqual([]);
    expect(await handler(batch, invocation())).toEqual({ batchItemFailures: [] });
    expect(slept).toEqual([timeout - HELD_CLAIM_SAFETY_MARGIN_MS, lease - 1_000 - (timeout - HELD_CLAIM_SAFETY_MARGIN_MS)]);
    expect(sentOf('progress').map((m) => m.to)).toEqual(['w@example.com']);
  });

  it('never takes a live claim: the holder still sending within its lease keeps it, nothing is sent twice', async () => {
    const batch = await crashedReceipt();
    // The holder is alive in this scenario (a slow send): with no invocation time left to wait, the
    // record fails and the message is not sent by this delivery.
    const ending = { getRemainingTimeInMillis: () => HELD_CLAIM_SAFETY_MARGIN_MS } as Context;
    await expect(handler(batch, ending)).rejects.toThrow('All records failed');
    expect(slept).toEqual([]);
    expect(sentOf('progress')).toEqual([]);
  });
});

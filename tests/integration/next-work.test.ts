import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { bucketNumber } from '../../functions/adapters/index-buckets.ts';
import { buildRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { newIncident } from '../../functions/domain/alert.ts';
import { categoryById, departmentById } from '../../functions/domain/config.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { shortRef } from '../../functions/domain/ids.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { bucketOf } from '../../functions/domain/volume.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { dispatchSurveys, nextSurveyWork } from '../../functions/use-cases/dispatch-surveys.ts';
import { evaluateAlerts, nextAlertWork } from '../../functions/use-cases/evaluate-alerts.ts';
import { nextSweepWork, sweepSla } from '../../functions/use-cases/sweep-sla.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';

/**
 * The local scheduler skips a scheduled run when the function's `nextWork` names a later time (see
 * functions/local/scheduler.ts). That is only sound if the answer is exact: a run just before it
 * finds nothing due, sends nothing and writes nothing; a run at it finds work. These walks jump from
 * one answer to the next over DynamoDB Local and check both sides of every answer, so every run the
 * scheduler would skip on the way is one that would have done nothing (what is due only grows with
 * time while nothing is written).
 */
const db = withDynamoDbLocal();
const HOUR = 3_600_000;
/** Four buckets: every answer is the first key over several partitions, at a quarter of the default's Queries. */
const config = { ...defaultConfig, scale: { ...defaultConfig.scale, dueIndexBuckets: 4 } };
let clock: SimulatedClock;
let outbox: Outbox;
let rt: Runtime;

async function setup(t0: Date): Promise<void> {
  const { names } = await db.freshTables();
  clock = new SimulatedClock(t0);
  outbox = new Outbox(config, clock);
  rt = buildRuntime({ stores: allStores, config, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events: new RecordedEvents('bus'), publicBaseUrl: 'https://complaints.example.com' });
}

const department = (id: string) => departmentById(config, id)!;

let n = 0;
function complaint(category: string, severity: 'low' | 'medium' | 'high' | 'critical', at: Date): Complaint {
  n += 1;
  const r = createComplaint(
    { channel: 'web', customer: { id: `next-${n}`, email: `n${n}@example.com`, phone: '+12125550147' }, description: 'next work', category, severity },
    config,
    at,
    `NW${String(n).padStart(6, '0')}`,
  );
  if (!r.ok) throw new Error('fixture');
  return { ...r.complaint, ref: shortRef('YX', randomBytes(5)) };
}

function advance(c: Complaint, types: readonly ('acknowledge' | 'start' | 'resolve')[], at: Date): Complaint {
  for (const type of types) {
    const next = applyEvent(c, { type, actor: 'agent:test' }, at, config);
    if (!next.ok) throw new Error(`fixture: ${type}`);
    c = next.complaint;
  }
  return c;
}

/**
 * From the clock's time to `until`: ask `nextWork`; when it names a time ahead, run once a millisecond
 * before it (must be idle) and move there; then run (must find work). Returns what the runs at the
 * answers' times found.
 */
async function walk<R>(
  nextWork: () => Promise<Date | undefined>,
  run: () => Promise<R>,
  isIdle: (r: R) => boolean,
  until: Date,
): Promise<{ worked: R[]; answers: number }> {
  const worked: R[] = [];
  let answers = 0;
  for (;;) {
    const at = await nextWork();
    answers += 1;
    expect(answers, 'the walk ends').toBeLessThan(200);
    if (at === undefined || at > until) {
      // Nothing is due until the end: a run there (after every skipped one) is idle too.
      clock.set(until);
      const before = outbox.entries().length;
      expect(isIdle(await run()), `idle at ${until.toISOString()} with next work ${at?.toISOString()}`).toBe(true);
      expect(outbox.entries().length).toBe(before);
      return { worked, answers };
    }
    if (at > clock.now()) {
      clock.set(new Date(at.getTime() - 1));
      const before = outbox.entries().length;
      expect(isIdle(await run()), `idle just before ${at.toISOString()}`).toBe(true);
      expect(outbox.entries().length, 'nothing sent before the next work').toBe(before);
      clock.set(at);
    }
    const result = await run();
    expect(isIdle(result), `work at ${clock.now().toISOString()}`).toBe(false);
    worked.push(result);
  }
}

describe("scheduled functions' next work, exact on DynamoDB Local", () => {
  // 18:00 in Shanghai on a Monday: steps fall in the evening, in the 22:00–08:00 quiet hours and after.
  const t0 = new Date('2026-11-16T10:00:00.000Z');
  beforeEach(async () => setup(t0));

  it('SLA sweeper: idle just before each answer, work at it, through quiet hours and held SMS, until nothing is pending', async () => {
    expect(await nextSweepWork(rt)).toBeUndefined();
    const items = [
      complaint('logistics-delay', 'critical', t0),
      complaint('logistics-delay', 'high', new Date(t0.getTime() + 0.5 * HOUR)),
      complaint('product-quality', 'medium', new Date(t0.getTime() + HOUR)),
      complaint('account-security', 'critical', new Date(t0.getTime() + 2 * HOUR)),
    ];
    expect(new Set(items.map((c) => bucketNumber(c.id, 4))).size, 'in more than one bucket').toBeGreaterThan(1);
    for (const c of items) await rt.complaints.create(c);
    const [, , , acknowledged] = items;
    await rt.complaints.update(advance(acknowledged!, ['acknowledge'], new Date(t0.getTime() + 2.2 * HOUR)), acknowledged!.version);

    const isIdle = (r: Awaited<ReturnType<typeof sweepSla>>) => r.due === 0 && r.heldSummaries === 0 && r.recipients === 0;
    const { worked } = await walk(() => nextSweepWork(rt), () => sweepSla(rt), isIdle, new Date(t0.getTime() + 6 * 24 * HOUR));

    expect(worked.reduce((s, r) => s + r.warnings, 0)).toBeGreaterThan(0);
    expect(worked.reduce((s, r) => s + r.escalations, 0)).toBeGreaterThan(3);
    expect(worked.reduce((s, r) => s + r.sms.held, 0), 'some SMS fell in quiet hours').toBeGreaterThan(0);
    expect(worked.reduce((s, r) => s + r.heldSummaries, 0), 'and were sent when they ended').toBeGreaterThan(0);
    expect(await nextSweepWork(rt), 'the chain ran out: nothing pending').toBeUndefined();
  });

  it('survey dispatcher: idle just before each due survey, through a postponement for quiet hours, until all are sent', async () => {
    expect(await nextSurveyWork(rt)).toBeUndefined();
    for (const [i, category] of ['logistics-delay', 'refund', 'after-sales'].entries()) {
      const c = complaint(category, 'low', new Date(t0.getTime() + i * 5 * HOUR));
      await rt.complaints.create(advance(c, ['acknowledge', 'start', 'resolve'], new Date(t0.getTime() + i * 5 * HOUR + 0.5 * HOUR)));
    }

    const isIdle = (r: Awaited<ReturnType<typeof dispatchSurveys>>) => r.due === 0;
    const { worked } = await walk(() => nextSurveyWork(rt), () => dispatchSurveys(rt), isIdle, new Date(t0.getTime() + 10 * 24 * HOUR));

    expect(worked.reduce((s, r) => s + r.sent, 0)).toBe(3);
    expect(worked.reduce((s, r) => s + r.postponed, 0), 'a survey due at night waited for the morning').toBeGreaterThan(0);
    expect(await nextSurveyWork(rt)).toBeUndefined();
  });

  it('alert evaluator: nothing to do without incidents or held SMS; a held SMS at its time', async () => {
    expect(await nextAlertWork(rt)).toBeUndefined();
    const category = categoryById(config, 'logistics-delay')!;
    const sendAt = new Date(t0.getTime() + 3 * HOUR);
    await rt.alertOps!.deferSms({ id: 'held-sms-1', kind: 'alert_escalation', channel: 'sms', to: '+8613800138001', text: '物流延误 告警' }, category.id, sendAt);
    expect(await nextAlertWork(rt)).toEqual(sendAt);
    clock.set(new Date(sendAt.getTime() - 1));
    expect(await evaluateAlerts(rt)).toMatchObject({ evaluated: 0 });
    expect(outbox.entries()).toEqual([]);
    clock.set(sendAt);
    await evaluateAlerts(rt);
    expect(outbox.entries().map((e) => e.to)).toEqual(['+8613800138001']);
    expect(await nextAlertWork(rt)).toBeUndefined();
  });

  it('alert evaluator with an open incident: idle just before the told-late raise, each escalation and reminder, a surge and the all-clear; work at each', async () => {
    // logistics-delay: 20 in 60 minutes (calm below 16); escalation every 30 minutes along the department's chain, a reminder every 4 hours.
    const category = categoryById(config, 'logistics-delay')!;
    const count = async (at: Date, n: number) => {
      expect(await rt.volume.commit([`nw-${at.getTime()}-${n}`], [{ category: category.id, bucket: bucketOf(at), count: n }], at)).toBe('committed');
    };
    await count(t0, 20);
    expect((await rt.alerts.openIncident(newIncident(category, 20, [], t0))).opened).toBe(true);
    const run = async () => {
      const before = outbox.entries().length;
      const result = await evaluateAlerts(rt);
      return { ...result, sent: outbox.entries().length - before };
    };
    const isIdle = (r: Awaited<ReturnType<typeof run>>) => r.sent === 0 && !r.reminded.length && !r.escalated.length && !r.resolved.length && !r.surged.length;
    // 18 an hour for four hours (the bursts are counted as they come): the escalations and a
    // reminder; then 30 at once (twice the 20 it opened at), and nothing after.
    const bursts = Array.from({ length: 23 }, (_, i) => ({ at: new Date(t0.getTime() + (i + 1) * 10 * 60_000), n: 3 }));
    bursts.push({ at: new Date(t0.getTime() + 4 * HOUR + 5 * 60_000), n: 30 });
    const worked: Array<Awaited<ReturnType<typeof run>>> = [];
    let answers = 0;
    for (const burst of bursts) {
      const part = await walk(() => nextAlertWork(rt), run, isIdle, new Date(burst.at.getTime() - 1));
      worked.push(...part.worked);
      answers += part.answers;
      clock.set(burst.at);
      await count(burst.at, burst.n);
    }
    const rest = await walk(() => nextAlertWork(rt), run, isIdle, new Date(t0.getTime() + 10 * HOUR));
    worked.push(...rest.worked);
    answers += rest.answers;

    expect(worked[0]!.sent, 'the raise nobody was told of, once the monitor\'s claim lapsed').toBeGreaterThan(0);
    expect(worked.flatMap((r) => r.escalated.map((e) => e.level))).toEqual(department(category.department).escalationChain.map((_, i) => i + 1));
    expect(worked.flatMap((r) => r.reminded)).toHaveLength(1);
    expect(worked.flatMap((r) => r.surged)).toHaveLength(1);
    expect(worked.flatMap((r) => r.resolved)).toHaveLength(1);
    // Resolved; the reminder's SMS (22:00 in Shanghai) waits for the quiet hours' end at 08:00, when the run drops it.
    expect(await nextAlertWork(rt)).toEqual(new Date('2026-11-17T00:00:00.000Z'));
    // A question after each burst and each action, for ten hours of a run every five minutes (120 runs).
    expect(answers).toBeLessThan(40);
  });
});

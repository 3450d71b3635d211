import type { Context, DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import type { OutboundMessage } from '../../functions/domain/messages.ts';
import { handler as surveyFollowup } from '../../functions/handlers/survey-followup.ts';
import { handler as progressNotifier } from '../../functions/handlers/progress-notifier.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import type { SurveyStore } from '../../functions/ports/survey-store.ts';
import { answerSurvey } from '../../functions/use-cases/answer-survey.ts';
import { dispatchSurveys } from '../../functions/use-cases/dispatch-surveys.ts';
import { evaluateAlerts } from '../../functions/use-cases/evaluate-alerts.ts';
import { reportCsat } from '../../functions/use-cases/report-csat.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoSurveyStore } from '../../functions/adapters/dynamodb-survey-store.ts';
import { claimLeaseSeconds } from '../../functions/pipeline.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { streamRecord } from '../support/stream-records.ts';

const db = withDynamoDbLocal();
const BASE = 'https://survey.example';
const t0 = new Date('2026-11-16T02:00:00.000Z'); // Monday 10:00 in Shanghai
const due = new Date('2026-11-23T02:00:00.000Z'); // seven days later, outside quiet hours
let clock: SimulatedClock;
let outbox: Outbox;
let events: RecordedEvents;
let rt: Runtime;
let tableNames: { complaints: string; state: string };

beforeEach(async () => {
  const { names } = await db.freshTables();
  tableNames = names;
  clock = new SimulatedClock(t0);
  outbox = new Outbox(defaultConfig, clock);
  events = new RecordedEvents('bus');
  rt = buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events, publicBaseUrl: BASE });
  setRuntime(rt);
});

let n = 0;
/** Stores a complaint and walks it to `resolved` at t0 (its survey is due at `due`). */
async function storeResolved(customer: Record<string, string> = { email: 'c@example.com' }, customerId = `cust-${++n}`): Promise<Complaint> {
  const created = createComplaint({ channel: 'web', customer: { id: customerId, ...customer }, title: 'Parcel late', description: '快递延迟', category: 'logistics-delay', severity: 'medium' }, defaultConfig, t0, `C${String(++n).padStart(6, '0')}`);
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

const surveys = () => outbox.entries().filter((m) => m.kind === 'survey');
const linkOf = (body: string) => /\/s\/([A-Za-z0-9_-]{32})/.exec(body)?.[1] ?? '';

/** A survey store whose `due` holds every caller until `count` callers have read: runs that truly overlap. */
function overlapping(store: SurveyStore, count: number): SurveyStore {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>((ok) => (release = ok));
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'due') return Reflect.get(target, prop, receiver).bind(target);
      return async (...args: Parameters<SurveyStore['due']>) => {
        const result = await target.due(...args);
        if (++waiting === count) release();
        await all;
        return result;
      };
    },
  });
}

describe('survey dispatcher against DynamoDB Local', () => {
  it('sends exactly one survey when runs overlap and when a run repeats', async () => {
    const c = await storeResolved();
    clock.set(new Date(due.getTime() - 60_000));
    expect((await dispatchSurveys(rt)).due).toBe(0); // not yet due: the sparse index has nothing to say

    clock.set(due);
    const store = overlapping(rt.surveys, 3);
    const deps = { ...rt, surveys: store, publicBaseUrl: () => BASE };
    const results = await Promise.all([dispatchSurveys(deps), dispatchSurveys(deps), dispatchSurveys(deps)]);
    expect(results.map((r) => r.due)).toEqual([1, 1, 1]); // every run saw the survey as due...
    expect(results.reduce((s, r) => s + r.sent, 0)).toBe(1); // ...and exactly one sent it
    expect(results.reduce((s, r) => s + r.stale, 0)).toBe(2);

    clock.set(new Date(due.getTime() + 15 * 60_000));
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 0, sent: 0 });
    expect(surveys().map((m) => [m.channel, m.to, m.complaintId])).toEqual([['email', 'c@example.com', c.id]]);
    expect(events.entries().filter((e) => e.detailType === 'survey.sent')).toHaveLength(1);
    const stored = await rt.complaints.get(c.id);
    expect(stored?.survey).toMatchObject({ id: `${c.id}-r0`, sentAt: due.toISOString() });
    expect(stored?.timeline.at(-1)).toMatchObject({ event: 'survey_sent', internal: true });
  });

  it('sends no survey for a complaint reopened before its survey was due', async () => {
    const c = await storeResolved();
    const reopened = applyEvent(c, { type: 'reopen', actor: 'customer' }, new Date(t0.getTime() + 86_400_000), defaultConfig);
    if (!reopened.ok) throw new Error('fixture');
    expect(await rt.complaints.update(reopened.complaint, c.version)).toBe(true);
    clock.set(due);
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 0, sent: 0 });
    expect(surveys()).toEqual([]);
  });

  it('sends no survey when the complaint is reopened after the run read it: the claim is conditioned on the version read', async () => {
    const c = await storeResolved();
    clock.set(due);
    // The run's copy is the resolved complaint; an agent reopens it before the run claims (as when the
    // batch read returns a copy a moment older than the last write).
    const reopenAfterRead: SurveyStore = new Proxy(rt.surveys, {
      get(target, prop, receiver) {
        if (prop !== 'due') return Reflect.get(target, prop, receiver).bind(target);
        return async (...args: Parameters<SurveyStore['due']>) => {
          const result = await target.due(...args);
          const reopened = applyEvent(c, { type: 'reopen', actor: 'agent:a' }, due, defaultConfig);
          if (!reopened.ok || !(await rt.complaints.update(reopened.complaint, c.version))) throw new Error('fixture');
          return result;
        };
      },
    });
    expect(await dispatchSurveys({ ...rt, surveys: reopenAfterRead, publicBaseUrl: () => BASE })).toMatchObject({ due: 1, sent: 0, stale: 1 });
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 0, sent: 0 });
    expect(surveys()).toEqual([]);
    expect(await rt.surveys.lastSurveyedAt(c.customer.id)).toBeUndefined();
    expect((await rt.complaints.get(c.id))?.status).toBe('reopened');
  });

  it('surveys a customer once per throttle period even when two of their complaints fall due in overlapping runs', async () => {
    await storeResolved({ email: 'same@example.com' }, 'same-customer');
    await storeResolved({ email: 'same@example.com' }, 'same-customer');
    clock.set(due);
    const deps = { ...rt, surveys: overlapping(rt.surveys, 2), publicBaseUrl: () => BASE };
    await Promise.all([dispatchSurveys(deps), dispatchSurveys(deps)]);
    await dispatchSurveys(rt); // the complaint that lost the race is now skipped as throttled
    expect(surveys()).toHaveLength(1);
    const skipped = (await rt.complaints.list({ status: 'resolved', department: 'logistics' }, 10)).items.filter((c) => c.survey?.skipped);
    expect(skipped.map((c) => c.survey?.skipped)).toEqual(['throttled']);
  });

  it('waits out the customer quiet hours, then sends', async () => {
    await storeResolved({ email: 'ny@example.com', timeZone: 'America/New_York' });
    clock.set(due); // 21:00 in New York
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 1, postponed: 1, sent: 0 });
    clock.set(new Date('2026-11-23T13:59:00Z'));
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 0, sent: 0 });
    clock.set(new Date('2026-11-23T14:00:00Z')); // 09:00 in New York
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 1, sent: 1 });
  });

  it('gives the claim back when the message cannot be sent, so the next run sends it', async () => {
    const c = await storeResolved();
    clock.set(due);
    let failures = 1;
    const flaky = { send: async (m: OutboundMessage) => (failures-- > 0 ? Promise.reject(new Error('SES throttled')) : outbox.send(m)) };
    await expect(dispatchSurveys({ ...rt, notifier: flaky, publicBaseUrl: () => BASE })).rejects.toThrow('SES throttled');
    const afterFailure = await rt.complaints.get(c.id);
    expect(afterFailure?.survey?.sentAt).toBeUndefined();
    expect(await rt.surveys.lastSurveyedAt(c.customer.id)).toBeUndefined();
    expect(await dispatchSurveys({ ...rt, notifier: flaky, publicBaseUrl: () => BASE })).toMatchObject({ sent: 1 });
    expect(surveys()).toHaveLength(1);
  });
});

/** A document client whose process dies right after its `n`-th PutItem was stored. */
function dyingAfterPut(n: number): DynamoDBDocumentClient {
  let left = n;
  const doc = db.clients.doc;
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const out = await target.send(command as never);
        if (command instanceof PutCommand && --left === 0) throw new Error('the process died');
        return out;
      };
    },
  });
}

describe('a dispatcher that dies between the claim\'s writes', () => {
  // The claim is single writes: the complaint on its version, the throttle slot, the reporting fact, the link.
  it.each([
    [1, 'after the complaint was claimed'],
    [2, 'after the throttle slot was taken'],
    [3, 'after the reporting fact was written'],
    [4, 'after the link was stored'],
  ])('dies %s (%s): the run after the lease sends one survey with a working link, counted once', async (puts) => {
    const c = await storeResolved();
    clock.set(due);
    const dying = new DynamoSurveyStore(dyingAfterPut(puts), { complaints: () => tableNames.complaints, state: () => tableNames.state }, defaultConfig.scale.dueIndexBuckets);
    await expect(dispatchSurveys({ ...rt, surveys: dying, publicBaseUrl: () => BASE })).rejects.toThrow('the process died');
    expect(surveys()).toEqual([]);
    // While the lease lasts the claim is left alone; after it, one run sends, and the next finds nothing.
    expect(await dispatchSurveys(rt)).toMatchObject({ sent: 0 });
    clock.set(new Date(due.getTime() + claimLeaseSeconds * 1000 + 1000));
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 1, sent: 1 });
    clock.set(new Date(clock.now().getTime() + 15 * 60_000 + claimLeaseSeconds * 1000));
    expect(await dispatchSurveys(rt)).toMatchObject({ due: 0, sent: 0 });
    expect(surveys().map((m) => m.to)).toEqual(['c@example.com']);
    const stored = await rt.complaints.get(c.id);
    expect(stored?.survey).toMatchObject({ sentAt: due.toISOString() });
    expect(stored?.survey?.sending).toBeUndefined();
    expect(await rt.surveys.lastSurveyedAt(c.customer.id)).toBe(due.toISOString());
    expect((await reportCsat(new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'), rt)).total.sent).toBe(1);
    const token = linkOf(surveys()[0]!.body);
    expect(await rt.surveys.findLink(token)).toMatchObject({ complaintId: c.id, sentAt: due.toISOString() });
    expect(await answerSurvey(token, { rating: 5, solved: true }, rt)).toMatchObject({ outcome: 'recorded' });
  });
});

describe('answering against DynamoDB Local', () => {
  async function sentSurvey(customer: Record<string, string> = { email: 'c@example.com' }) {
    const c = await storeResolved(customer);
    clock.set(due);
    await dispatchSurveys(rt);
    const token = linkOf(surveys().at(-1)!.body);
    expect(token).toHaveLength(32);
    return { c, token };
  }

  it('answers once: a second answer is refused, a tampered token is unknown', async () => {
    const { c, token } = await sentSurvey();
    clock.set(new Date(due.getTime() + 3600_000));
    expect(await answerSurvey(token, { rating: 5, solved: true }, rt)).toMatchObject({ outcome: 'recorded', effect: 'closed' });
    expect((await rt.complaints.get(c.id))?.status).toBe('closed');
    expect(await answerSurvey(token, { rating: 1, solved: false }, rt)).toMatchObject({ outcome: 'already_answered' });
    expect((await rt.complaints.get(c.id))?.status).toBe('closed');
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await answerSurvey(flipped, { rating: 1, solved: false }, rt)).toEqual({ outcome: 'not_found' });
    expect(await answerSurvey(`${token}x`, { rating: 1, solved: false }, rt)).toEqual({ outcome: 'not_found' });
  });

  it('records exactly one of two simultaneous answers', async () => {
    const { token } = await sentSurvey();
    const results = await Promise.all([answerSurvey(token, { rating: 2, solved: false }, rt), answerSurvey(token, { rating: 5, solved: true }, rt)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['already_answered', 'recorded']);
  });

  it('records an answer to a complaint already deleted by retention once, in the link and the figures', async () => {
    const { c, token } = await sentSurvey();
    await db.clients.doc.send(new DeleteCommand({ TableName: tableNames.complaints, Key: { id: c.id } }));
    expect(await answerSurvey(token, { rating: 4, solved: true }, rt)).toMatchObject({ outcome: 'recorded', effect: 'none' });
    expect((await rt.surveys.findLink(token))?.answeredAt).toBe(clock.now().toISOString());
    expect(await answerSurvey(token, { rating: 1, solved: false }, rt)).toMatchObject({ outcome: 'already_answered' });
    const report = await reportCsat(new Date('2026-11-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'), rt);
    expect(report.total).toMatchObject({ sent: 1, answered: 1, satisfied: 1, reopened: 0 });
  });

  it('refuses an answer after the link expired', async () => {
    const { c, token } = await sentSurvey();
    clock.set(new Date(due.getTime() + 14 * 86_400_000));
    expect(await answerSurvey(token, { rating: 1, solved: false }, rt)).toMatchObject({ outcome: 'expired' });
    expect((await rt.complaints.get(c.id))?.status).toBe('resolved');
  });

  it('an answer whose process dies right after the complaint was written: reopened, counted by the follow-up, and the link says answered on the next submission', async () => {
    const { c, token } = await sentSurvey();
    const before = (await rt.complaints.get(c.id))!;
    const dying = new DynamoSurveyStore(dyingAfterPut(1), { complaints: () => tableNames.complaints, state: () => tableNames.state }, defaultConfig.scale.dueIndexBuckets);
    await expect(answerSurvey(token, { rating: 1, solved: false }, { ...rt, surveys: dying })).rejects.toThrow('the process died');
    const after = (await rt.complaints.get(c.id))!;
    expect(after).toMatchObject({ status: 'reopened', surveyAnswer: { rating: 1, solved: false, outcome: 'reopened' } });
    const csat = () => reportCsat(new Date('2026-11-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'), rt);
    expect((await csat()).total).toMatchObject({ sent: 1, answered: 0 });
    // The complaint's stream: the follow-up completes the fact (and a redelivery writes nothing new).
    const batch = { Records: [streamRecord(1, after, before)] };
    expect(await surveyFollowup(batch, {} as Context)).toEqual({ batchItemFailures: [] });
    expect(await surveyFollowup(batch, {} as Context)).toEqual({ batchItemFailures: [] });
    expect((await csat()).total).toEqual({ sent: 1, answered: 1, satisfied: 0, reopened: 1, responseRate: 1, csat: 0, reopenRate: 1 });
    // The link was never marked: the next submission finds the answer on the complaint, marks it and changes nothing else.
    expect((await rt.surveys.findLink(token))?.answeredAt).toBeUndefined();
    expect(await answerSurvey(token, { rating: 5, solved: true }, rt)).toMatchObject({ outcome: 'already_answered' });
    expect((await rt.surveys.findLink(token))?.answeredAt).toBe(after.surveyAnswer!.answeredAt);
    expect(await rt.complaints.get(c.id)).toEqual(after);
    expect((await csat()).total).toMatchObject({ answered: 1, satisfied: 0 });
  });

  it('reopens on a poor answer; the follow-up tells the department once even when the record is redelivered', async () => {
    const { c, token } = await sentSurvey();
    const before = (await rt.complaints.get(c.id))!;
    expect(await answerSurvey(token, { rating: 2, solved: false, comment: '<b>still</b> missing' }, rt)).toMatchObject({ effect: 'reopened' });
    const after = (await rt.complaints.get(c.id))!;
    expect(after).toMatchObject({ status: 'reopened', surveyAnswer: { rating: 2, solved: false, comment: '<b>still</b> missing', outcome: 'reopened' } });
    const batch = { Records: [streamRecord(1, after, before)] };
    expect(await surveyFollowup(batch, {} as Context)).toEqual({ batchItemFailures: [] });
    expect(await surveyFollowup(batch, {} as Context)).toEqual({ batchItemFailures: [] });
    const followups = outbox.entries().filter((m) => m.kind === 'survey_followup');
    expect(followups.map((m) => [m.channel, m.to])).toEqual([
      ['email', 'wang.lei@youxuan-mall.example.com'],
      ['sms', '+8613800138001'],
    ]);
    expect(followups[0]!.html).toContain('&lt;b&gt;still&lt;/b&gt; missing');
    // A later change of the same complaint carries the same answer: nothing more.
    const later = applyEvent(after, { type: 'acknowledge', actor: 'a' }, clock.now(), defaultConfig);
    if (!later.ok) throw new Error('fixture');
    await surveyFollowup({ Records: [streamRecord(2, later.complaint, after)] }, {} as Context);
    expect(outbox.entries().filter((m) => m.kind === 'survey_followup')).toHaveLength(2);
    expect(new Set(events.entries().filter((e) => e.detailType === 'survey.answered').map((e) => (e.detail as { eventId: string }).eventId)).size).toBe(1);
  });

  it('holds the follow-up SMS during the department quiet hours and sends it when they end', async () => {
    const { c } = await sentSurvey();
    // 23:30 in Shanghai: logistics' quiet hours (22:00–08:00).
    clock.set(new Date('2026-11-23T15:30:00.000Z'));
    const before = (await rt.complaints.get(c.id))!;
    const token = linkOf(surveys().at(-1)!.body);
    await answerSurvey(token, { rating: 1, solved: false }, rt);
    const after = (await rt.complaints.get(c.id))!;
    await surveyFollowup({ Records: [streamRecord(1, after, before)] }, {} as Context);
    const followups = () => outbox.entries().filter((m) => m.kind === 'survey_followup');
    expect(followups().map((m) => m.channel)).toEqual(['email']);
    expect(followups()[0]!.html).toContain(`href="${BASE}/console/complaints/${c.id}"`);
    // 08:05: the alert evaluator's run sends what quiet hours held.
    clock.set(new Date('2026-11-24T00:05:00.000Z'));
    await evaluateAlerts(rt);
    expect(followups().map((m) => [m.channel, m.to])).toEqual([
      ['email', 'wang.lei@youxuan-mall.example.com'],
      ['sms', '+8613800138001'],
    ]);
    await evaluateAlerts(rt);
    expect(followups()).toHaveLength(2);
  });

  it('reports CSAT, response rate and reopen rate from the monthly facts', async () => {
    const first = await sentSurvey();
    const second = await sentSurvey({ email: 'd@example.com' });
    await sentSurvey({ email: 'e@example.com' });
    await answerSurvey(first.token, { rating: 5, solved: true }, rt);
    await answerSurvey(second.token, { rating: 1, solved: false }, rt);
    const report = await reportCsat(new Date('2026-11-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'), rt);
    expect(report.total).toEqual({ sent: 3, answered: 2, satisfied: 1, reopened: 1, responseRate: 0.6667, csat: 0.5, reopenRate: 0.5 });
    expect(Object.keys(report.byDepartment)).toEqual(['logistics']);
    expect((await reportCsat(new Date('2026-12-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'), rt)).total.sent).toBe(0);
  });
});

describe('opt-out against DynamoDB Local', () => {
  it('stops later progress messages (except the receipt) and the survey', async () => {
    const c = await storeResolved({ email: 'quiet@example.com' }, 'quiet-customer');
    const token = await rt.optOuts.issueUnsubscribeLink('quiet-customer', { channel: 'email', to: 'quiet@example.com' }, 'zh-CN', t0);
    const link = await rt.optOuts.findUnsubscribeLink(token, t0);
    expect(link).toEqual({ customerId: 'quiet-customer', locale: 'zh-CN', sentTo: { channel: 'email', key: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    await rt.optOuts.optOut(link!, t0, 'one_click');

    const reopened = applyEvent(c, { type: 'reopen', actor: 'agent:a' }, t0, defaultConfig);
    if (!reopened.ok) throw new Error('fixture');
    const fresh = createComplaint({ channel: 'web', customer: { id: 'quiet-customer', email: 'quiet@example.com' }, description: '又一次快递延迟' }, defaultConfig, t0, 'NEW1');
    if (!fresh.ok) throw new Error('fixture');
    await progressNotifier({ Records: [streamRecord(1, reopened.complaint, c), streamRecord(2, fresh.complaint)] }, {} as Context);
    expect(outbox.entries().map((m) => [m.complaintId, m.subject])).toEqual([['NEW1', '我们已收到您的投诉（编号 NEW1）']]);

    clock.set(due);
    const other = await storeResolved({ email: 'quiet@example.com' }, 'quiet-customer');
    // Both of the customer's stored resolved complaints fall due; neither is surveyed.
    expect((await dispatchSurveys(rt)).skipped).toEqual({ opted_out: 2 });
    expect((await rt.complaints.get(other.id))?.survey?.skipped).toBe('opted_out');
    expect((await rt.complaints.get(c.id))?.survey?.skipped).toBe('opted_out');
    expect(surveys()).toEqual([]);
  });

  it('puts a fresh unsubscribe link on every progress email', async () => {
    const fresh = createComplaint({ channel: 'web', customer: { id: 'loud', email: 'loud@example.com', locale: 'en' }, description: 'parcel late' }, defaultConfig, t0, 'NEW2');
    if (!fresh.ok) throw new Error('fixture');
    await progressNotifier({ Records: [streamRecord(1, fresh.complaint)] }, {} as Context);
    const [email] = outbox.entries();
    const token = /\/u\/([A-Za-z0-9_-]{32})/.exec(email!.body)?.[1] ?? '';
    expect(email!.headers).toEqual({
      'List-Unsubscribe': `<${BASE}/u/${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // Two-way email (the shipped config has `inbound`): replies come back to the complaint.
      'Reply-To': expect.stringMatching(/^complaints\+[a-z2-7]{32}@youxuan-mall\.example\.com$/),
      References: expect.stringMatching(/^<complaint\..+@youxuan-mall\.example\.com>$/),
      'Auto-Submitted': 'auto-generated',
    });
    expect(await rt.optOuts.findUnsubscribeLink(token, clock.now())).toEqual({ customerId: 'loud', locale: 'en', sentTo: { channel: 'email', key: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });
});

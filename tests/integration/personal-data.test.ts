import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { LocalMailStore } from '../../functions/adapters/local-mail-store.ts';
import type { Complaint, ComplaintInput } from '../../functions/domain/complaint.ts';
import { applyEvent, type ComplaintEvent } from '../../functions/domain/lifecycle.ts';
import { handler as customerData, stores as customerDataStores } from '../../functions/handlers/customer-data.ts';
import { handler as progressNotifier } from '../../functions/handlers/progress-notifier.ts';
import { handler as monitor } from '../../functions/handlers/volume-monitor.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import type { TableName } from '../../functions/pipeline.ts';
import { answerSurvey } from '../../functions/use-cases/answer-survey.ts';
import { dispatchSurveys } from '../../functions/use-cases/dispatch-surveys.ts';
import { reportCsat } from '../../functions/use-cases/report-csat.ts';
import { reportKpis } from '../../functions/use-cases/report-kpis.ts';
import { submitComplaint } from '../../functions/use-cases/submit-complaint.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { streamRecord } from '../support/stream-records.ts';

const db = withDynamoDbLocal();
const BASE = 'https://pipeline.example';
const t0 = new Date('2026-11-16T02:00:00.000Z'); // Monday 10:00 in Shanghai
const context = {} as Context;
const CUSTOMER = 'cust-gdpr-1';
/** Every personal datum of the customer carries this marker, so one pattern finds any copy of it. */
const MARK = /jingyi/i;
const personal = {
  name: 'Chen Jingyi',
  email: 'chen.jingyi@example.com',
  phone: '+8613912345678',
};
let names: Record<TableName, string>;
let clock: SimulatedClock;
let rt: Runtime;
let mail: LocalMailStore;
let seq = 0;

const ADMIN = JSON.stringify({ id: 'privacy-tool', kind: 'machine', admin: true, departments: [] });

function agentEvent(path: string, method: 'GET' | 'POST', body?: unknown, principal = ADMIN): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: { id: path.split('/')[2]! },
    requestContext: { http: { method, path }, requestId: 'r', authorizer: { lambda: { principal } } },
    isBase64Encoded: false,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  } as unknown as APIGatewayProxyEventV2;
}

async function submit(input: ComplaintInput): Promise<Complaint> {
  const result = await submitComplaint(input, rt);
  if (!('complaint' in result)) throw new Error('fixture');
  return result.complaint;
}

/** Applies agent events through the repository and delivers each change to the progress notifier, as the stream would. */
async function walk(complaint: Complaint, events: ComplaintEvent[]): Promise<Complaint> {
  let c = complaint;
  for (const event of events) {
    const r = applyEvent(c, event, clock.now(), defaultConfig);
    if (!r.ok) throw new Error(event.type);
    expect(await rt.complaints.update(r.complaint, c.version)).toBe(true);
    expect(await progressNotifier({ Records: [streamRecord(++seq, r.complaint, c)] }, context)).toEqual({ batchItemFailures: [] });
    c = r.complaint;
  }
  return c;
}

async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const res = await db.clients.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...(res.Items ?? []));
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const counters = async () => (await scanAll(names.state)).filter((i) => /^(CNT|HOUR|CSAT)/.test(String(i.pk))).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));

describe('export and erasure of one customer against DynamoDB Local', () => {
  let mine: Complaint[];
  let other: Complaint;

  beforeAll(async () => {
    names = (await db.freshTables()).names;
    clock = new SimulatedClock(t0);
    const outbox = new Outbox(defaultConfig, clock);
    mail = new LocalMailStore();
    rt = buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events: new RecordedEvents('bus'), publicBaseUrl: BASE, mail });
    setRuntime(rt);

    const customer = { id: CUSTOMER, ...personal, locale: 'en' as const };
    const hacked = await submit({ channel: 'app', customer, title: 'Jingyi account hacked', description: '账号被盗 Jingyi cannot log in', orderId: 'ORD-JINGYI-991', externalId: 'ext-jingyi-42' });
    const late = await submit({ channel: 'web', customer, description: 'Parcel for Jingyi is late', category: 'logistics-delay', severity: 'medium' });
    other = await submit({ channel: 'web', customer: { id: 'cust-other', email: 'other@example.com' }, title: 'Other account hacked', description: '账号被盗 someone else' });
    const crowd = await Promise.all([1, 2, 3].map((i) => submit({ channel: 'web', customer: { id: `cust-crowd-${i}` }, title: `异常登录 ${i}`, description: '账号被盗' })));
    // The receipt and the breach: the alert incident keeps the newest titles, Jingyi's among them.
    expect(await progressNotifier({ Records: [hacked, late, other, ...crowd].map((c) => streamRecord(++seq, c)) }, context)).toEqual({ batchItemFailures: [] });
    expect(await monitor({ Records: [hacked, other, ...crowd].map((c) => streamRecord(++seq, c)) })).toEqual({ batchItemFailures: [] });

    // A note, a resolution, a survey answered with a comment (reopens, quoting it), an opt-out.
    const resolved = await walk(late, [
      { type: 'acknowledge', actor: 'agent:li', note: 'Called Jingyi, parcel stuck in Hangzhou' },
      { type: 'start', actor: 'agent:li' },
      { type: 'resolve', actor: 'agent:li', note: 'Redelivered to Jingyi', firstContactResolution: true },
    ]);
    clock.set(new Date(Date.parse(resolved.survey!.dueAt) + 60_000));
    expect(await dispatchSurveys(rt)).toMatchObject({ sent: 1 });
    const token = /\/s\/([A-Za-z0-9_-]{32})/.exec(outbox.entries().filter((m) => m.kind === 'survey')[0]!.body)?.[1] ?? '';
    expect(await answerSurvey(token, { rating: 1, solved: false, comment: 'Jingyi says the box was empty' }, rt)).toMatchObject({ outcome: 'recorded' });
    // The opt-out through the unsubscribe link of an email they got (it silences that address).
    const unsubscribeToken = /\/u\/([A-Za-z0-9_-]{32})/.exec(outbox.entries().filter((m) => m.channel === 'email' && m.to === personal.email).at(-1)!.body)?.[1] ?? '';
    const link = await rt.optOuts.findUnsubscribeLink(unsubscribeToken, clock.now());
    expect(link?.sentTo?.channel).toBe('email');
    await rt.optOuts.optOut(link!, clock.now(), 'unsubscribe_link');
    mine = [hacked, late];
    // Files attached to emails, as the inbound-mail function stores them; and a raw message.
    const png = new Uint8Array([137, 80, 78, 71]);
    await mail.putAttachment(`attachments/${hacked.id}/0123456789abcdef/1-jingyi-id-card.png`, png, 'image/png');
    await mail.putAttachment(`attachments/${hacked.id}/fedcba9876543210/1-screenshot.png`, png, 'image/png');
    await mail.putAttachment(`attachments/${other.id}/0123456789abcdef/1-other.png`, png, 'image/png');
    await mail.putRaw('inbound/ses-0001', new TextEncoder().encode('From: other@example.com\r\n\r\nhello'));
    // Raw emails that became part of complaints, filed under them as the inbound-mail function files them.
    for (const [id, complaint] of [['ses-0002', hacked], ['ses-0003', hacked], ['ses-0004', other]] as const) {
      await mail.putRaw(`inbound/${id}`, new TextEncoder().encode('From: someone@example.com\r\n\r\nmy words'));
      await mail.fileMessage(`inbound/${id}`, complaint.id);
    }
    // From here on the handler runs as in Lambda: with only the stores its module wires.
    setRuntime(buildRuntime({ stores: customerDataStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events: new RecordedEvents('bus'), publicBaseUrl: BASE, mail }));
  }, 120_000);

  it('exports the complaints with timelines, survey answers, links and the opt-out', async () => {
    const res = await customerData(agentEvent(`/customers/${CUSTOMER}/export`, 'GET'));
    expect(res.statusCode).toBe(200);
    const exported = JSON.parse(String(res.body));
    expect(exported.customerId).toBe(CUSTOMER);
    expect(exported.complaints.map((c: Complaint) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
    const late = exported.complaints.find((c: Complaint) => c.id === mine[1]!.id);
    expect(late.customer).toMatchObject(personal);
    expect(late.timeline.map((e: { note?: string }) => e.note).filter(Boolean)).toEqual(expect.arrayContaining(['Called Jingyi, parcel stuck in Hangzhou']));
    expect(exported.surveyAnswers).toEqual([expect.objectContaining({ complaintId: mine[1]!.id, rating: 1, solved: false, comment: 'Jingyi says the box was empty' })]);
    expect(exported.surveyLinks).toEqual([expect.objectContaining({ complaintId: mine[1]!.id, answeredAt: expect.any(String) })]);
    expect(exported.unsubscribeLinks.length).toBeGreaterThan(0);
    expect(exported.externalIds).toEqual([{ complaintId: mine[0]!.id, channel: 'app', externalId: 'ext-jingyi-42' }]);
    expect(exported.optOut).toMatchObject({ channel: 'email', source: 'unsubscribe_link' });
    expect(exported.optOuts).toEqual([exported.optOut]);
    expect(exported.lastSurvey).toMatchObject({ surveyId: `${mine[1]!.id}-r0` });
    expect(exported.erasures).toEqual([]);
    // Tokens are never exported, nor stored.
    expect(JSON.stringify(exported)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('refuses a bad request with field paths', async () => {
    expect((await customerData(agentEvent(`/customers/${CUSTOMER}/erase`, 'POST', {}))).statusCode).toBe(400);
    const res = await customerData(agentEvent(`/customers/${CUSTOMER}/erase`, 'POST', { actor: 'agent:dpo', reason: 'x' }));
    expect(JSON.parse(String(res.body))).toEqual({ error: 'validation', issues: [expect.objectContaining({ path: 'reason' })] });
    expect((await customerData(agentEvent(`/customers/${'x'.repeat(200)}/export`, 'GET'))).statusCode).toBe(400);
  });

  it('refuses callers who do not see every department, and callers with no verified principal', async () => {
    const scoped = JSON.stringify({ id: 'li.ming', kind: 'user', admin: false, departments: ['logistics'] });
    for (const [path, method, body] of [
      [`/customers/${CUSTOMER}/export`, 'GET', undefined],
      [`/customers/${CUSTOMER}/erase`, 'POST', { actor: 'agent:dpo' }],
    ] as const) {
      const refused = await customerData(agentEvent(path, method, body, scoped));
      expect(refused.statusCode).toBe(403);
      expect(String(refused.body)).not.toMatch(MARK);
      const anonymous = agentEvent(path, method, body);
      (anonymous.requestContext as { authorizer?: unknown }).authorizer = undefined;
      expect((await customerData(anonymous)).statusCode).toBe(401);
    }
    // Nothing was erased.
    const exported = JSON.parse(String((await customerData(agentEvent(`/customers/${CUSTOMER}/export`, 'GET'))).body));
    expect(exported.complaints).toHaveLength(2);
  });

  it('erases every personal datum from both tables, keeps counts and KPIs, and records who and when', async () => {
    const range = [new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')] as const;
    clock.set(new Date(clock.now().getTime() + 3600_000));
    const kpisBefore = await reportKpis(range[0], range[1], rt);
    const csatBefore = await reportCsat(range[0], range[1], rt);
    const countersBefore = await counters();
    const before = [...(await scanAll(names.complaints)), ...(await scanAll(names.state))];
    expect(before.filter((i) => MARK.test(JSON.stringify(i))).length).toBeGreaterThanOrEqual(5);
    expect(before.some((i) => String(i.pk).startsWith('ALERT#') && MARK.test(JSON.stringify(i)))).toBe(true);

    const res = await customerData(agentEvent(`/customers/${CUSTOMER}/erase`, 'POST', { actor: 'agent:dpo' }));
    expect(res.statusCode).toBe(200);
    const record = JSON.parse(String(res.body));
    expect(record).toMatchObject({ customerId: CUSTOMER, erasedBy: 'agent:dpo', erasedAt: clock.now().toISOString(), complaints: 2, incidents: 1, files: 2, messages: 2 });
    // Their emails and attachments are gone from the mail bucket; another customer's, and raw mail not filed under a complaint, are not.
    expect((await mail.list()).map((o) => o.key).sort()).toEqual([`attachments/${other.id}/0123456789abcdef/1-other.png`, 'inbound/ses-0001', `messages/${other.id}/ses-0004`]);

    const after = [...(await scanAll(names.complaints)), ...(await scanAll(names.state))];
    const leftovers = after.filter((i) => MARK.test(JSON.stringify(i)) || JSON.stringify(i).includes(personal.phone));
    expect(leftovers).toEqual([]);
    // Nobody else's data went with it.
    expect(await rt.complaints.get(other.id)).toMatchObject({ title: 'Other account hacked', customer: { email: 'other@example.com' } });
    expect(after.some((i) => String(i.pk).startsWith('ALERT#') && JSON.stringify(i).includes('Other account hacked'))).toBe(true);

    expect(await reportKpis(range[0], range[1], rt)).toEqual(kpisBefore);
    expect(await reportCsat(range[0], range[1], rt)).toEqual(csatBefore);
    expect(await counters()).toEqual(countersBefore);

    // The record holds who, when and which id; the erased complaints keep their key facts only.
    const erasures = after.filter((i) => String(i.pk).startsWith('ERASURE#'));
    expect(erasures).toEqual([expect.objectContaining({ customerId: CUSTOMER, erasedBy: 'agent:dpo' })]);
    const erased = await rt.complaints.get(mine[1]!.id);
    expect(erased).toMatchObject({ customer: { id: CUSTOMER }, description: '', erasedAt: clock.now().toISOString(), status: 'reopened', category: 'logistics-delay' });
    expect(erased?.surveyAnswer).toMatchObject({ rating: 1, solved: false });
    expect(erased?.surveyAnswer?.comment).toBeUndefined();

    // Repeating the request is harmless; the export now shows the erasures and nothing personal.
    clock.set(new Date(clock.now().getTime() + 60_000));
    const again = await customerData(agentEvent(`/customers/${CUSTOMER}/erase`, 'POST', { actor: 'agent:dpo' }));
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(String(again.body))).toMatchObject({ complaints: 2, files: 0 });
    const exported = JSON.parse(String((await customerData(agentEvent(`/customers/${CUSTOMER}/export`, 'GET'))).body));
    expect(exported.erasures).toHaveLength(2);
    expect(exported.optOut).toBeNull();
    expect(exported.optOuts).toEqual([]);
    expect(await rt.optOuts.isOptedOut(CUSTOMER, { channel: 'email', to: personal.email })).toBe(false);
    expect(JSON.stringify(exported)).not.toMatch(MARK);
  });

  it('records a person who erases as themself, whatever the body names', async () => {
    const stranger = await submit({ channel: 'app', customer: { id: 'cust-gdpr-2', email: 'someone.else@example.com' }, description: 'parcel late' } as ComplaintInput);
    const person = JSON.stringify({ id: 'wang.dpo', kind: 'user', admin: true, departments: [] });
    const res = await customerData(agentEvent(`/customers/${stranger.customer.id}/erase`, 'POST', { actor: 'agent:someone-else' }, person));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(String(res.body))).toMatchObject({ customerId: 'cust-gdpr-2', erasedBy: 'wang.dpo', complaints: 1 });
  });
});

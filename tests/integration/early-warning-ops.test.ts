import type { APIGatewayProxyEventV2, DynamoDBRecord, ScheduledEvent } from 'aws-lambda';
import { streamRecord } from '../support/stream-records.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { handler as ackHandler } from '../../functions/handlers/alert-ack.ts';
import { handler as alertsHandler } from '../../functions/handlers/alerts.ts';
import { handler as overrideHandler } from '../../functions/handlers/category-alerting.ts';
import { handler as evaluator } from '../../functions/handlers/alert-evaluator.ts';
import { handler as silencesHandler } from '../../functions/handlers/silences.ts';
import { handler as monitor } from '../../functions/handlers/volume-monitor.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { newOverride } from '../../functions/domain/alerting-override.ts';
import { defaultConfig } from '../fixtures/config.ts';

// refund: 10 complaints within 60 minutes; department finance (English, quiet hours 22:00-08:00 Shanghai, not critical).
const CATEGORY = 'refund';
const BASE = 'https://alerts.example.com';
const start = Date.parse('2026-11-20T02:00:00.000Z'); // 10:00 in Shanghai

const db = withDynamoDbLocal();
let clock: SimulatedClock;
let outbox: Outbox;
let events: RecordedEvents;
let rt: Runtime;
let seq = 0;

beforeEach(async () => {
  const { names } = await db.freshTables();
  clock = new SimulatedClock(new Date(start));
  outbox = new Outbox(defaultConfig, clock);
  events = new RecordedEvents('test-bus');
  rt = buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events, publicBaseUrl: BASE });
  setRuntime(rt);
});

function record(receivedAt: Date): DynamoDBRecord {
  seq += 1;
  return streamRecord(3_000_000_000_000_000_000n + BigInt(seq), { entity: 'complaint', id: `W${seq}`, category: CATEGORY, receivedAt: receivedAt.toISOString(), description: 'refund missing' });
}

async function breachAt(ms: number, n = 10): Promise<void> {
  clock.set(new Date(ms));
  const res = await monitor({ Records: Array.from({ length: n }, () => record(clock.now())) });
  expect(res.batchItemFailures).toEqual([]);
}

async function evaluateAt(ms: number) {
  clock.set(new Date(ms));
  return evaluator({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: clock.now().toISOString(), detail: {} } as unknown as ScheduledEvent);
}

function http(method: string, path: string, opts: { body?: string; query?: Record<string, string>; params?: Record<string, string>; type?: string } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': opts.type ?? 'application/json' },
    ...(opts.query && { queryStringParameters: opts.query }),
    ...(opts.params && { pathParameters: opts.params }),
    body: opts.body,
    isBase64Encoded: false,
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' },
      requestId: 'r',
      routeKey: `${method} ${path}`,
      // What the agent authorizer hands agent routes: here a machine client acting for the whole company.
      authorizer: { lambda: { principal: JSON.stringify({ id: 'agent-tool', kind: 'machine', admin: true, departments: [] }) } },
    } as unknown as APIGatewayProxyEventV2['requestContext'],
  };
}

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const ack = (token: string, method: 'GET' | 'POST') =>
  ackHandler(http(method, `/a/${token}`, { params: { token }, ...(method === 'POST' && { body: 'lang=en', type: 'application/x-www-form-urlencoded' }) })) as Promise<{
    statusCode: number;
    body: string;
    headers: Record<string, string>;
  }>;
const kinds = (kind: string) => outbox.entries().filter((e) => e.kind === kind);
const incidentOf = async () => (await rt.alerts.findOpen(CATEGORY)) ?? (await rt.alerts.listRecent(CATEGORY, 1))[0];

describe('acknowledge links against DynamoDB Local', () => {
  it('the alert carries links; GET never acknowledges; POST acknowledges once and stops reminders and escalations', async () => {
    await breachAt(start);
    const [email, sms] = kinds('alert');
    expect([email!.channel, sms!.channel]).toEqual(['email', 'sms']);
    const emailUrl = /https:\/\/alerts\.example\.com\/a\/[A-Za-z0-9_-]{32}/.exec(email!.body)![0];
    const smsUrl = /https:\/\/alerts\.example\.com\/a\/[A-Za-z0-9_-]{22}\b/.exec(sms!.body)![0];

    for (let i = 0; i < 3; i++) {
      const page = await ack(tokenOf(emailUrl), 'GET');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'/);
      expect(page.body).toContain("I&#39;m on it");
    }
    expect((await incidentOf())!.state).toBe('open');
    expect(events.entries().filter((e) => e.detailType === 'alert.acknowledged')).toHaveLength(0);

    const posted = await ack(tokenOf(smsUrl), 'POST');
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('Acknowledged, thank you');
    const again = await ack(tokenOf(emailUrl), 'POST');
    expect(again.body).toContain('Someone is already on it');
    const incident = (await incidentOf())!;
    expect(incident).toMatchObject({ state: 'acknowledged', acknowledgedBy: expect.stringMatching(/^head:/) });
    expect(events.entries().filter((e) => e.detailType === 'alert.acknowledged')).toHaveLength(1);

    // Keep the window busy so it does not clear, and let hours pass: no reminder, no escalation.
    for (let m = 5; m <= 300; m += 5) {
      if (m % 30 === 0) await breachAt(start + m * 60_000, 10);
      await evaluateAt(start + m * 60_000);
    }
    const worse = (e: { subject?: string; body: string }) => /getting worse/.test(e.subject ?? e.body);
    expect(kinds('alert').filter((e) => !worse(e) && (e.channel !== 'email' || e.subject?.includes('reminder')))).toHaveLength(1);
    // The window doubled the count it opened at: the acknowledged owner still hears it is getting worse, once.
    expect(kinds('alert').filter(worse).map((e) => e.channel)).toEqual(['email', 'sms']);
    expect(kinds('alert_escalation')).toHaveLength(0);
  });

  it('a forged link is 404 and an expired one 410, and neither acknowledges', async () => {
    await breachAt(start);
    const url = /\/a\/([A-Za-z0-9_-]{32})/.exec(kinds('alert')[0]!.body)![1]!;
    const forged = url.slice(0, -1) + (url.endsWith('A') ? 'B' : 'A');
    expect((await ack(forged, 'GET')).statusCode).toBe(404);
    expect((await ack(forged, 'POST')).statusCode).toBe(404);
    expect((await ack('<script>', 'POST')).statusCode).toBe(404);
    clock.set(new Date(start + 72 * 3_600_000));
    expect((await ack(url, 'GET')).statusCode).toBe(410);
    expect((await ack(url, 'POST')).statusCode).toBe(410);
    expect((await rt.alerts.listRecent(CATEGORY, 5)).every((i) => i.state !== 'acknowledged')).toBe(true);
  });

  it('holds SMS in quiet hours (email goes), and the evaluator sends it when they end while still open', async () => {
    const night = Date.parse('2026-11-20T15:00:00.000Z'); // 23:00 in Shanghai
    await breachAt(night);
    expect(kinds('alert').map((e) => e.channel)).toEqual(['email']);
    await evaluateAt(night + 10 * 60_000); // 23:10: still quiet, the escalation email goes, its SMS waits
    expect(kinds('alert_escalation').map((e) => e.channel)).toEqual([]);
    await breachAt(Date.parse('2026-11-20T23:40:00.000Z'), 10); // volume stays high through the night
    await evaluateAt(Date.parse('2026-11-21T00:05:00.000Z')); // 08:05
    const raised = () => kinds('alert').filter((e) => !/reminder/.test(e.subject ?? e.body));
    expect(raised().map((e) => e.channel)).toEqual(['email', 'sms']);
    expect(kinds('alert_escalation').filter((e) => e.channel === 'sms').length).toBeGreaterThanOrEqual(1);
    await evaluateAt(Date.parse('2026-11-21T00:10:00.000Z'));
    expect(raised().filter((e) => e.channel === 'sms')).toHaveLength(1);
  });

  it.each([
    ['a morning run', false],
    ['a morning run after one that died having removed only the superseded reminders', true],
  ])('sends the reminders held overnight as one SMS, the latest, once: %s', async (_case, diedHalfWay) => {
    // One complaint keeps a 24-hour window at the threshold all night; nobody acknowledges.
    await rt.alertOps!.putOverride(newOverride(CATEGORY, { threshold: { count: 1, windowMinutes: 1440 }, actor: 'agent:x' }, clock.now()));
    await breachAt(Date.parse('2026-11-20T10:40:00.000Z'), 1); // 18:40 in Shanghai
    // The escalation chain hears before the quiet hours; reminders 1-3 fall at 22:45, 02:45, 06:45.
    for (const at of ['11:15', '11:45', '12:15', '14:45', '18:45', '22:45']) await evaluateAt(Date.parse(`2026-11-20T${at}:00.000Z`));
    const reminderSms = () => kinds('alert').filter((e) => e.channel === 'sms' && /reminder/.test(e.body));
    expect(reminderSms()).toEqual([]);
    const held = await rt.alertOps!.dueSms(new Date('2026-11-21T00:05:00.000Z'));
    expect(held.filter((h) => h.message.collapseKey !== undefined)).toHaveLength(3);
    if (diedHalfWay) for (const h of held.filter((x) => !/reminder:3/.test(x.message.id))) await rt.alertOps!.removeDeferred(h.key);

    await evaluateAt(Date.parse('2026-11-21T00:05:00.000Z')); // 08:05
    await evaluateAt(Date.parse('2026-11-21T00:05:00.000Z')); // the schedule delivered twice
    await evaluateAt(Date.parse('2026-11-21T00:10:00.000Z'));
    expect(reminderSms().map((e) => e.body)).toEqual([expect.stringMatching(/^\[Complaint alert - reminder 3\] Refund: still unacknowledged\. Now 1 \(peak 1\)\./)]);
    expect(await rt.alertOps!.dueSms(new Date('2026-11-21T00:10:00.000Z'))).toEqual([]);
  });

  it('drops held SMS of an incident that resolved during the night (the emails told everyone)', async () => {
    const night = Date.parse('2026-11-20T15:00:00.000Z');
    await breachAt(night);
    for (let m = 5; m <= 180; m += 5) await evaluateAt(night + m * 60_000);
    expect(kinds('alert_resolved').length).toBeGreaterThanOrEqual(1);
    expect(kinds('alert_resolved').every((e) => e.channel === 'email')).toBe(true);
    await evaluateAt(Date.parse('2026-11-21T00:05:00.000Z'));
    expect(outbox.entries().filter((e) => e.channel === 'sms')).toEqual([]);
  });
});

describe('GET /alerts, silences and overrides against DynamoDB Local', () => {
  it('lists incidents by state without a Scan', async () => {
    await breachAt(start);
    const open = JSON.parse((await alertsHandler(http('GET', '/alerts', { query: { state: 'open' } })) as { body: string }).body);
    expect(open.incidents.map((i: { category: string }) => i.category)).toEqual([CATEGORY]);
    const bad = (await alertsHandler(http('GET', '/alerts', { query: { state: 'nope' } }))) as { statusCode: number; body: string };
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).issues[0].path).toBe('state');
    // Calm for an hour: resolved.
    for (let m = 65; m <= 200; m += 5) await evaluateAt(start + m * 60_000);
    const resolved = JSON.parse((await alertsHandler(http('GET', '/alerts', { query: { state: 'resolved' } })) as { body: string }).body);
    expect(resolved.incidents).toHaveLength(1);
    expect(resolved.incidents[0].state).toBe('resolved');
    expect(JSON.parse((await alertsHandler(http('GET', '/alerts', { query: { state: 'open' } })) as { body: string }).body).incidents).toEqual([]);
  });

  it('a silence swallows breaches (recorded on it, nothing sent); 400 names bad fields', async () => {
    const bad = (await silencesHandler(http('POST', '/silences', { body: JSON.stringify({ category: 'nope', from: 'x', to: '2026-11-20T03:00:00Z', reason: '', extra: 1 }) }))) as { statusCode: number; body: string };
    expect(bad.statusCode).toBe(400);
    // One answer names every bad field, the unknown category included.
    expect(JSON.parse(bad.body).issues.map((i: { path: string }) => i.path).sort()).toEqual(['category', 'extra', 'from', 'reason']);
    const unknown = (await silencesHandler(http('POST', '/silences', { body: JSON.stringify({ category: 'nope', from: '2026-11-20T01:00:00Z', to: '2026-11-20T03:00:00Z', reason: 'x' }) }))) as { statusCode: number; body: string };
    expect(JSON.parse(unknown.body).issues).toEqual([{ path: 'category', message: expect.stringMatching(/^unknown category 'nope'; known: .*refund/) }]);
    // Wholly in the past (the clock is at 02:00): refused, saying why.
    const past = (await silencesHandler(http('POST', '/silences', { body: JSON.stringify({ category: CATEGORY, from: '2026-11-19T01:00:00Z', to: '2026-11-19T03:00:00Z', reason: 'x' }) }))) as { statusCode: number; body: string };
    expect(past.statusCode).toBe(400);
    expect(JSON.parse(past.body).issues).toEqual([{ path: 'to', message: expect.stringContaining('would end before now') }]);

    const created = (await silencesHandler(
      http('POST', '/silences', { body: JSON.stringify({ category: CATEGORY, from: '2026-11-20T01:00:00Z', to: '2026-11-20T03:00:00Z', reason: 'payment provider migration', actor: 'agent:li' }) }),
    )) as { statusCode: number; body: string };
    expect(created.statusCode).toBe(201);
    await breachAt(start);
    await breachAt(start + 60_000, 2);
    await evaluateAt(start + 5 * 60_000);
    expect(outbox.entries()).toEqual([]);
    expect(await rt.alerts.findOpen(CATEGORY)).toBeUndefined();
    const listed = JSON.parse(((await silencesHandler(http('GET', '/silences'))) as { body: string }).body);
    expect(listed.silences).toHaveLength(1);
    expect(listed.silences[0]).toMatchObject({ category: CATEGORY, active: true, suppressedBreaches: 2, lastSuppressedCount: 12, createdBy: 'agent:li' });

    // After the silence, the still-high window alerts as usual.
    await breachAt(Date.parse('2026-11-20T03:00:00Z'), 10);
    expect(kinds('alert').map((e) => e.channel)).toEqual(['email', 'sms']);
  });

  it('a silence ended early lets the next breach alert; it stays listed with who ended it and when', async () => {
    const created = (await silencesHandler(
      http('POST', '/silences', { body: JSON.stringify({ category: CATEGORY, from: '2026-11-20T01:00:00Z', to: '2026-11-20T06:00:00Z', reason: 'migration', actor: 'agent:li' }) }),
    )) as { statusCode: number; body: string };
    const { id } = JSON.parse(created.body) as { id: string };
    await breachAt(start);
    expect(kinds('alert')).toEqual([]);

    clock.set(new Date(start + 10 * 60_000));
    const end = (await silencesHandler(http('DELETE', `/silences/${id}`, { params: { id }, query: { actor: 'agent:wang' } }))) as { statusCode: number; body: string };
    expect(end.statusCode).toBe(200);
    expect(JSON.parse(end.body)).toMatchObject({ id, active: false, to: new Date(start + 10 * 60_000).toISOString(), endedBy: 'agent:wang', suppressedBreaches: 1 });
    const again = (await silencesHandler(http('DELETE', `/silences/${id}`, { params: { id } }))) as { statusCode: number; body: string };
    expect([again.statusCode, JSON.parse(again.body).error]).toEqual([409, 'already_ended']);
    expect(((await silencesHandler(http('DELETE', '/silences/nope', { params: { id: 'nope' } }))) as { statusCode: number }).statusCode).toBe(404);
    const listed = JSON.parse(((await silencesHandler(http('GET', '/silences'))) as { body: string }).body);
    expect(listed.silences).toEqual([expect.objectContaining({ id, active: false, endedBy: 'agent:wang', createdBy: 'agent:li' })]);

    await breachAt(start + 11 * 60_000, 1);
    expect(kinds('alert').map((e) => e.channel)).toEqual(['email', 'sms']);
  });

  it('an override can be read (deployed, override, who/when, in force) and removed', async () => {
    const read = async () => (await overrideHandler(http('GET', '/categories/refund/alerting', { params: { id: CATEGORY } }))) as { statusCode: number; body: string };
    const deployed = { threshold: { count: 10, windowMinutes: 60 }, detector: expect.any(String) };
    expect(JSON.parse((await read()).body)).toEqual({ category: CATEGORY, deployed, override: null, effective: deployed });
    await overrideHandler(http('PUT', '/categories/refund/alerting', { params: { id: CATEGORY }, body: JSON.stringify({ threshold: { count: 4, windowMinutes: 30 }, actor: 'agent:zhang' }) }));
    expect(JSON.parse((await read()).body)).toMatchObject({
      deployed: { threshold: { count: 10, windowMinutes: 60 } },
      override: { threshold: { count: 4, windowMinutes: 30 }, updatedBy: 'agent:zhang', updatedAt: new Date(start).toISOString() },
      effective: { threshold: { count: 4, windowMinutes: 30 } },
    });

    const removed = (await overrideHandler(http('DELETE', '/categories/refund/alerting', { params: { id: CATEGORY } }))) as { statusCode: number; body: string };
    expect(removed.statusCode).toBe(200);
    expect(JSON.parse(removed.body)).toMatchObject({ removed: { updatedBy: 'agent:zhang' }, override: null, effective: { threshold: { count: 10, windowMinutes: 60 } } });
    expect(JSON.parse((await read()).body).override).toBeNull();
    expect(((await overrideHandler(http('DELETE', '/categories/refund/alerting', { params: { id: CATEGORY } }))) as { statusCode: number }).statusCode).toBe(404);
    expect(((await overrideHandler(http('GET', '/categories/x/alerting', { params: { id: 'nope' } }))) as { statusCode: number }).statusCode).toBe(404);

    // With the override gone, 4 complaints are below the deployed threshold of 10 again.
    await breachAt(start + 60_000, 4);
    expect(kinds('alert')).toEqual([]);
  });

  it('a run-time override takes effect without a redeploy and records who and when', async () => {
    const bad = (await overrideHandler(http('PUT', '/categories/refund/alerting', { params: { id: CATEGORY }, body: JSON.stringify({ threshold: { count: 0, windowMinutes: 60 } }) }))) as { statusCode: number; body: string };
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).issues.map((i: { path: string }) => i.path).sort()).toEqual(['actor', 'threshold.count']);
    expect(((await overrideHandler(http('PUT', '/categories/x/alerting', { params: { id: 'nope' }, body: '{}' }))) as { statusCode: number }).statusCode).toBe(404);

    await breachAt(start, 3);
    expect(kinds('alert')).toEqual([]);
    const put = (await overrideHandler(
      http('PUT', '/categories/refund/alerting', { params: { id: CATEGORY }, body: JSON.stringify({ threshold: { count: 4, windowMinutes: 60 }, actor: 'agent:zhang' }) }),
    )) as { statusCode: number; body: string };
    expect(put.statusCode).toBe(200);
    expect(JSON.parse(put.body)).toMatchObject({ override: { updatedBy: 'agent:zhang', updatedAt: new Date(start).toISOString() }, effective: { threshold: { count: 4, windowMinutes: 60 } } });
    await breachAt(start + 60_000, 1);
    const [email] = kinds('alert');
    expect(email?.body).toContain('alert threshold of 4');
  });
});

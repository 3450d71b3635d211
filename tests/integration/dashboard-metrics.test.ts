import { vi } from 'vitest';

// Powertools reads this when the Metrics instance is created, before the handler modules load.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, Context, DynamoDBRecord, ScheduledEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalMailStore } from '../../functions/adapters/local-mail-store.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/adapters/metric-names.ts';
import { buildRuntime, runtime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { handler as ackHandler } from '../../functions/handlers/alert-ack.ts';
import { handler as evaluator } from '../../functions/handlers/alert-evaluator.ts';
import { handler as inboundMail } from '../../functions/handlers/inbound-mail.ts';
import { handler as intake } from '../../functions/handlers/intake.ts';
import { handler as replyPage } from '../../functions/handlers/reply-page.ts';
import { handler as slaSweeper } from '../../functions/handlers/sla-sweeper.ts';
import { handler as surveyDispatcher } from '../../functions/handlers/survey-dispatcher.ts';
import { handler as monitor } from '../../functions/handlers/volume-monitor.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { captureEmf, metricValue, type EmittedMetric } from '../support/emf.ts';
import { streamRecord } from '../support/stream-records.ts';

/**
 * The dashboard's custom metrics, driven end to end through the handlers against DynamoDB Local:
 * each handler is invoked as Lambda invokes it (with a context) and its EMF output is read back.
 * refund: 10 complaints within 60 minutes open an incident (department finance).
 */
const CATEGORY = 'refund';
const start = Date.parse('2026-11-20T02:00:00.000Z');
const db = withDynamoDbLocal();
let clock: SimulatedClock;
let outbox: Outbox;
let mail: LocalMailStore;
let seq = 0;
const all: EmittedMetric[] = [];

function context(fn: string): Context {
  seq += 1;
  return { awsRequestId: `req-${seq}`, functionName: fn, functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${fn}`, memoryLimitInMB: '512' } as Context;
}

async function emitted(run: () => Promise<unknown>): Promise<EmittedMetric[]> {
  const metrics = await captureEmf(run);
  all.push(...metrics);
  return metrics;
}

const service = { service: METRICS_SERVICE };
const scheduled = (): ScheduledEvent => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: clock.now().toISOString(), detail: {} }) as unknown as ScheduledEvent;

function http(method: string, path: string, body: string, type: string, params?: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': type },
    ...(params && { pathParameters: params }),
    body,
    isBase64Encoded: false,
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' }, requestId: 'r', routeKey: `${method} ${path}` },
  } as unknown as APIGatewayProxyEventV2;
}

function record(n: number, image: Record<string, unknown> = {}): DynamoDBRecord {
  return streamRecord(4_000_000_000_000_000_000n + BigInt(n), { entity: 'complaint', id: `D${n}`, category: CATEGORY, receivedAt: clock.now().toISOString(), description: 'refund missing', ...image });
}

beforeAll(async () => {
  const { names } = await db.freshTables();
  clock = new SimulatedClock(new Date(start));
  outbox = new Outbox(defaultConfig, clock);
  mail = new LocalMailStore();
  setRuntime(buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events: new RecordedEvents('bus'), mail, publicBaseUrl: 'https://alerts.example.com' }));
});

describe('the dashboard\'s custom metrics, emitted by the handlers (DynamoDB Local)', () => {
  it('intake counts a new complaint under its category, not a repeated externalId', async () => {
    const body = JSON.stringify({ channel: 'web', customer: { id: 'c-1', email: 'dash@example.com', locale: 'en' }, description: 'refund missing for my order', category: CATEGORY, externalId: 'ext-1' });
    const first = await emitted(() => intake(http('POST', '/complaints', body, 'application/json'), context('intake')));
    expect(metricValue(first, 'ComplaintsReceived', { ...service, category: CATEGORY })).toBe(1);
    expect(first.every((m) => m.namespace === METRICS_NAMESPACE)).toBe(true);
    const repeat = await emitted(() => intake(http('POST', '/complaints', body, 'application/json'), context('intake')));
    expect(metricValue(repeat, 'ComplaintsReceived', { ...service, category: CATEGORY })).toBeUndefined();
  });

  it('the volume monitor counts, refuses a bad record, raises one incident and its messages are counted per channel', async () => {
    const records = [...Array.from({ length: 10 }, (_, i) => record(i)), record(99, { receivedAt: 'not a time' })];
    const metrics = await emitted(() => monitor({ Records: records }, context('volumeMonitor')));
    expect(metricValue(metrics, 'ComplaintsCounted', service)).toBe(10);
    expect(metricValue(metrics, 'InvalidStreamRecords', service)).toBe(1);
    expect(metricValue(metrics, 'AlertsRaised', service)).toBe(1);
    const sent = outbox.entries().filter((e) => e.kind === 'alert');
    expect(sent.length).toBeGreaterThan(0);
    const byChannel = ['email', 'sms', 'topic'].map((channel) => metricValue(metrics, 'MessagesSent', { ...service, channel }) ?? 0);
    expect(byChannel.reduce((a, b) => a + b, 0)).toBe(sent.length);
    expect(metricValue(metrics, 'MessagesSent', { ...service, channel: 'email' })).toBe(sent.filter((e) => e.channel === 'email').length);
  });

  it('acknowledging the incident from its link counts once', async () => {
    const email = outbox.entries().find((e) => e.kind === 'alert' && e.channel === 'email')!;
    const token = /https:\/\/alerts\.example\.com\/a\/([A-Za-z0-9_-]{32})/.exec(email.body)![1]!;
    const post = () => ackHandler(http('POST', `/a/${token}`, 'lang=en', 'application/x-www-form-urlencoded', { token }), context('alertAck'));
    expect(metricValue(await emitted(post), 'AlertsAcknowledged', service)).toBe(1);
    expect(metricValue(await emitted(post), 'AlertsAcknowledged', service)).toBeUndefined();
  });

  it('the alert evaluator reports open incidents and counts the all-clear once', async () => {
    let resolved = 0;
    let open: number | undefined;
    // The complaints leave refund's 60-minute window at minute 60; the all-clear follows a calm hour.
    for (let m = 5; m <= 180; m += 5) {
      clock.set(new Date(start + m * 60_000));
      const metrics = await emitted(() => evaluator(scheduled(), context('alertEvaluator')));
      resolved += metricValue(metrics, 'AlertsResolved', service) ?? 0;
      open = metricValue(metrics, 'AlertIncidentsOpen', service);
      if (m === 5) expect(open).toBe(1);
    }
    expect(resolved).toBe(1);
    expect(open).toBe(0);
  });

  it('the SLA sweeper and the survey dispatcher report every run, zero included', async () => {
    const sweep = await emitted(() => slaSweeper({ time: clock.now().toISOString() }, context('slaSweeper')));
    for (const name of ['SlaWarnings', 'SlaEscalations', 'SlaSmsHeld', 'SlaSmsOverCeiling']) expect(metricValue(sweep, name, service), name).toBeGreaterThanOrEqual(0);
    const surveys = await emitted(() => surveyDispatcher(scheduled(), context('surveyDispatcher')));
    expect(metricValue(surveys, 'SurveysSent', service)).toBe(0);
  });

  it('a reply from a reply link counts once, whatever the resubmissions', async () => {
    const rt = runtime();
    const created = createComplaint({ channel: 'phone', customer: { id: 'c-web', phone: '+8613912345678', locale: 'en' }, description: 'parcel lost' }, defaultConfig, clock.now(), 'DASHWEB01');
    if (!created.ok) throw new Error('fixture');
    let complaint = created.complaint;
    for (const type of ['acknowledge', 'wait_on_customer'] as const) {
      const r = applyEvent(complaint, { type, actor: 'agent:li' }, clock.now(), defaultConfig);
      if (!r.ok) throw new Error(type);
      complaint = r.complaint;
    }
    await rt.complaints.create(complaint);
    const token = await rt.replyLinks.issue(complaint.id, clock.now(), 30);
    const post = () => replyPage(http('POST', `/r/${token}`, 'text=SF1234567890', 'application/x-www-form-urlencoded', { token }), context('replyAnswer'));
    expect(metricValue(await emitted(post), 'WebReplies', service)).toBe(1);
    expect(metricValue(await emitted(post), 'WebReplies', service)).toBeUndefined();
  });

  it('inbound mail counts outcomes and the complaints it creates, and refuses an unreadable event', async () => {
    await mail.putRaw('inbound/ses-dash-1', readFileSync(new URL('../fixtures/mail/plain.eml', import.meta.url)));
    const event = {
      Records: [{ eventSource: 'aws:ses', ses: { mail: { messageId: 'ses-dash-1' }, receipt: { recipients: [defaultConfig.inbound!.address], spamVerdict: { status: 'PASS' }, virusVerdict: { status: 'PASS' } } } }],
    };
    const metrics = await emitted(() => inboundMail(event, context('inboundMail')));
    expect(metricValue(metrics, 'InboundEmails', { ...service, outcome: 'created' })).toBe(1);
    const received = metrics.filter((m) => m.name === 'ComplaintsReceived');
    expect(received).toHaveLength(1);
    expect(defaultConfig.categories.map((c) => c.id)).toContain(received[0]!.dimensions.category);
    // The same message delivered again by SES (a new SES message id): a duplicate, nothing new.
    await mail.putRaw('inbound/ses-dash-2', readFileSync(new URL('../fixtures/mail/plain.eml', import.meta.url)));
    const copy = structuredClone(event);
    copy.Records[0]!.ses.mail.messageId = 'ses-dash-2';
    const again = await emitted(() => inboundMail(copy, context('inboundMail')));
    expect(metricValue(again, 'InboundEmails', { ...service, outcome: 'duplicate' })).toBe(1);
    expect(again.filter((m) => m.name === 'ComplaintsReceived')).toEqual([]);
    // The same invocation retried after it finished: the message was filed under its complaint.
    const retried = await emitted(() => inboundMail(event, context('inboundMail')));
    expect(metricValue(retried, 'InboundEmails', { ...service, outcome: 'ignored' })).toBe(1);
    expect(retried.filter((m) => m.name === 'ComplaintsReceived')).toEqual([]);
    const refused = await emitted(() => expect(inboundMail({ Records: [] }, context('inboundMail'))).rejects.toThrow());
    expect(metricValue(refused, 'InvalidInboundEvents', service)).toBe(1);
  });

  it('no metric carries an address, a phone number or any dimension beyond the listed ones', () => {
    const text = JSON.stringify(all);
    expect(text).not.toMatch(/@|\+\d{6,}/);
    for (const m of all) expect(Object.keys(m.dimensions).filter((d) => !['service', 'category', 'channel', 'outcome'].includes(d))).toEqual([]);
  });
});

import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsNotifier } from '../../functions/adapters/aws-notifier.ts';
import { toItem } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { tokenHash } from '../../functions/adapters/dynamodb-survey-store.ts';
import { pageCsp } from '../../functions/adapters/html.ts';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { markSurveySent } from '../../functions/domain/survey.ts';
import { handler } from '../../functions/handlers/survey-page.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { captureLogLines } from '../support/log-lines.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
const now = new Date('2026-11-24T02:00:00.000Z');
setRuntime(
  buildRuntime({
    stores: allStores,
    config: defaultConfig,
    clock: { now: () => now },
    doc,
    tableNames: { complaints: 'complaints-t', state: 'state-t' },
    notifier: { send: async () => {} },
    events: { publish: async () => {} },
  }),
);
afterAll(() => setRuntime(undefined));

const TOKEN = 'Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIz'; // 32 base64url characters

function sentComplaint(): Complaint {
  const created = createComplaint({ channel: 'web', customer: { id: 'c1', email: 'c@example.com' }, description: '快递延迟', category: 'logistics-delay' }, defaultConfig, new Date('2026-11-16T02:00:00Z'), 'C1');
  if (!created.ok) throw new Error('fixture');
  let c = created.complaint;
  for (const type of ['acknowledge', 'start', 'resolve'] as const) {
    const r = applyEvent(c, { type, actor: 'a' }, new Date('2026-11-16T02:00:00Z'), defaultConfig);
    if (!r.ok) throw new Error(type);
    c = r.complaint;
  }
  return markSurveySent(c, new Date('2026-11-23T02:00:00Z'));
}

const linkItem = {
  pk: `SURVEY#${tokenHash(TOKEN)}`,
  sk: 'LINK',
  surveyId: 'C1-r0',
  complaintId: 'C1',
  customerId: 'c1',
  locale: 'zh-CN',
  department: 'logistics',
  category: 'logistics-delay',
  title: 'Parcel',
  sentAt: '2026-11-23T02:00:00.000Z',
  linkExpiresAt: '2026-12-07T02:00:00.000Z',
  statPk: 'CSAT#2026-11',
  statSk: '2026-11-23T02:00:00.000Z#C1-r0',
};

function request(method: 'GET' | 'POST', token: string, init: { body?: string; base64?: boolean; contentType?: string; query?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} /s/{token}`,
    rawPath: `/s/${token}`,
    rawQueryString: '',
    headers: init.contentType ? { 'content-type': init.contentType } : {},
    ...(init.query && { queryStringParameters: init.query }),
    pathParameters: { token },
    ...(init.body !== undefined && { body: init.base64 ? Buffer.from(init.body, 'utf8').toString('base64') : init.body }),
    isBase64Encoded: Boolean(init.base64),
    requestContext: { requestId: 'r1', http: { method, path: `/s/${token}`, protocol: 'HTTP/1.1', sourceIp: '1.1.1.1', userAgent: 'test' } } as APIGatewayProxyEventV2['requestContext'],
  };
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { TableName: 'state-t', Key: { pk: linkItem.pk, sk: 'LINK' } }).resolves({ Item: linkItem });
  ddb.on(GetCommand, { TableName: 'complaints-t', Key: { id: 'C1' } }).resolves({ Item: toItem(sentComplaint(), defaultConfig.scale.dueIndexBuckets) });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

describe('survey page handler', () => {
  it('serves the form in the customer language with strict security headers', async () => {
    const res = await handler(request('GET', TOKEN));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': pageCsp(), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'content-language': 'zh-CN' });
    expect(pageCsp()).not.toMatch(/unsafe|script-src/);
    // A page with its own script (the reply page's photo shrinking) allows exactly that script.
    expect(pageCsp('alert(1)')).toBe(`${pageCsp()}; script-src 'sha256-${createHash('sha256').update('alert(1)').digest('base64')}'`);
    expect(res.body).toContain('<fieldset><legend>您对本次处理的满意程度？</legend>');
    expect((await handler(request('GET', TOKEN, { query: { lang: 'en' } }))).body).toContain('<html lang="en">');
  });

  it('decodes a base64-encoded form body (as API Gateway may send it) and records the answer once', async () => {
    const body = new URLSearchParams({ rating: '2', solved: 'no', comment: '<b>late</b>', lang: 'en' }).toString();
    let res: Awaited<ReturnType<typeof handler>> | undefined;
    // The answer is on the complaint and in survey.answered: at INFO the log gets nothing; at DEBUG a line without the comment.
    const logged = await captureLogLines('INFO', async () => (res = await handler(request('POST', TOKEN, { body, base64: true, contentType: 'application/x-www-form-urlencoded; charset=UTF-8' }))));
    expect(logged).toEqual([]);
    expect(res!.statusCode).toBe(200);
    expect(res!.body).toContain('We have reopened your complaint');
    // The complaint on its version records it; then the link is marked and the fact completed, one write each.
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ TableName: 'complaints-t', ConditionExpression: 'version = :v', Item: { status: 'reopened', surveyAnswer: { rating: 2, solved: false, comment: '<b>late</b>' } } });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([{ pk: linkItem.pk, sk: 'LINK' }, { pk: linkItem.statPk, sk: linkItem.statSk }]);
    expect(updates[0]).toMatchObject({ ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answeredAt)' });
    expect(updates[1]).toMatchObject({ ExpressionAttributeValues: { ':r': 2, ':s': false, ':o': true } });
    expect(ddb.commandCalls(TransactWriteCommand)).toEqual([]);
  });

  it('logs an answer only at DEBUG, with its rating and effect and never the comment', async () => {
    const body = new URLSearchParams({ rating: '5', solved: 'yes', comment: 'thanks, 陈女士 here' }).toString();
    const logged = await captureLogLines('DEBUG', () => handler(request('POST', TOKEN, { body, contentType: 'application/x-www-form-urlencoded' })));
    const answered = logged.filter((l) => l.message === 'survey answered');
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({ level: 'DEBUG', rating: 5, solved: true });
    expect(JSON.stringify(logged)).not.toContain('陈女士');
  });

  it('answers 404 for a malformed token without touching the table, and for an unknown one', async () => {
    const malformed = await handler(request('GET', '../../etc'));
    expect(malformed.statusCode).toBe(404);
    expect(ddb.calls()).toHaveLength(0);
    const unknown = await handler(request('GET', TOKEN.replace(/^Z/, 'Y')));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('未找到问卷');
  });

  it('answers 410 for an answered or expired link, 415 for a non-form body and an HTML 500 without details on failure', async () => {
    ddb.on(GetCommand, { TableName: 'state-t', Key: { pk: linkItem.pk, sk: 'LINK' } }).resolves({ Item: { ...linkItem, answeredAt: '2026-11-23T05:00:00.000Z' } });
    expect((await handler(request('GET', TOKEN))).statusCode).toBe(410);
    ddb.on(GetCommand, { TableName: 'state-t', Key: { pk: linkItem.pk, sk: 'LINK' } }).resolves({ Item: { ...linkItem, linkExpiresAt: '2026-11-24T02:00:00.000Z' } });
    const expired = await handler(request('GET', TOKEN));
    expect([expired.statusCode, expired.body?.includes('链接已过期')]).toEqual([410, true]);
    expect((await handler(request('POST', TOKEN, { body: '--x', contentType: 'multipart/form-data; boundary=x' }))).statusCode).toBe(415);
    ddb.on(GetCommand).rejects(new Error('connection reset by 10.0.0.1'));
    const failed = await handler(request('GET', TOKEN));
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain('10.0.0.1');
  });
});

describe('SES adapter', () => {
  const ses = mockClient(SESClient);
  beforeEach(() => ses.reset());
  afterAll(() => ses.restore());

  it('sends emails with List-Unsubscribe headers as raw MIME, others through SendEmail', async () => {
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'm1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'm2' });
    const notifier = new AwsNotifier(new SESClient({ region: 'eu-west-1' }), new SNSClient({ region: 'eu-west-1' }), { email: 'care@example.com', name: '优选商城' }, {}, 'set-1');
    const base = { kind: 'survey' as const, channel: 'email' as const, to: 'c@example.com', subject: '请为我们的服务打分', text: '您好\n链接', html: '<p>您好</p>' };
    await notifier.send({ ...base, id: 'C1-r0:survey:email', headers: { 'List-Unsubscribe': '<https://x.example/u/tok>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click\r\nBcc: evil@example.com' } });
    await notifier.send({ ...base, id: 'C1:t0:progress:email' });
    const [raw] = ses.commandCalls(SendRawEmailCommand);
    expect(raw!.args[0].input).toMatchObject({ Destinations: ['c@example.com'], ConfigurationSetName: 'set-1' });
    const mime = Buffer.from(raw!.args[0].input.RawMessage!.Data!).toString('utf8');
    expect(mime).toContain('\r\nList-Unsubscribe: <https://x.example/u/tok>\r\n');
    expect(mime).toContain(`\r\nSubject: =?UTF-8?B?${Buffer.from('请为我们的服务打分').toString('base64')}?=\r\n`);
    expect(mime).not.toMatch(/\r\nBcc:/);
    expect(mime).toContain(Buffer.from('<p>您好</p>').toString('base64'));
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });
});

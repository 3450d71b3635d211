import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { handler } from '../../functions/handlers/intake.ts';
import { handler as getComplaint } from '../../functions/handlers/get-complaint.ts';
import { handler as listComplaints } from '../../functions/handlers/list-complaints.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import { REF_PATTERN } from '../../functions/domain/ids.ts';
import { publicComplaint } from '../../functions/domain/public-complaint.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { captureLogLines } from '../support/log-lines.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
const fixedNow = new Date('2026-11-20T09:30:00.000Z');
setRuntime(
  buildRuntime({
    stores: allStores,
    config: defaultConfig,
    clock: { now: () => fixedNow },
    doc,
    tableNames: { complaints: 'complaints-t', state: 'state-t' },
    notifier: { send: async () => {} },
    events: { publish: async () => {} },
  }),
);
afterAll(() => setRuntime(undefined));
beforeEach(() => {
  ddb.reset();
  // The customer's earlier complaints (repeat detection): none.
  ddb.on(QueryCommand).resolves({ Items: [] });
  // The recipient's receipt window (the receipt cap): empty.
  ddb.on(GetCommand, { TableName: 'state-t' }).resolves({});
});

function post(body: unknown, raw = false): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /complaints',
    rawPath: '/complaints',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'r1' } as APIGatewayProxyEventV2['requestContext'],
  };
}

const valid = {
  channel: 'app',
  customer: { id: 'cust-9', name: '陈女士', email: 'chen@example.com', phone: '+8613912345678', locale: 'zh-CN' },
  title: '快递一直没到',
  description: '下单一周了物流还没更新',
};

/** Posts `body` and returns the complaint item intake wrote to the complaints table. */
async function storedComplaint(body: unknown): Promise<Complaint> {
  ddb.on(PutCommand).resolves({});
  const res = await handler(post(body));
  expect(res.statusCode).toBe(201);
  const put = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'complaints-t' && c.args[0].input.Item?.id === JSON.parse(res.body!).id);
  return put!.args[0].input.Item as Complaint;
}

describe('POST /complaints', () => {
  it('stores a classified complaint and answers 201 with its public view', async () => {
    ddb.on(PutCommand).resolves({});
    const res = await handler(post(valid));
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body!);
    expect(body).toMatchObject({ status: 'received', category: 'logistics-delay', department: 'logistics', severity: 'medium', receivedAt: fixedNow.toISOString() });
    expect(Object.keys(body).sort()).toEqual(['category', 'channel', 'department', 'firstResponseDueAt', 'id', 'receivedAt', 'ref', 'resolutionDueAt', 'severity', 'status']);
    expect(body.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(body.ref).toMatch(REF_PATTERN);
    expect(body.ref).toMatch(/^YX-/);
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.find((p) => p.TableName === 'complaints-t')).toMatchObject({ ConditionExpression: 'attribute_not_exists(id)', Item: { id: body.id, ref: body.ref, entity: 'complaint' } });
    // The reference's uniqueness record, claimed once the complaint is stored (after the receipt reservation).
    const stored = puts.findIndex((p) => p.TableName === 'complaints-t');
    const refClaim = puts.findIndex((p) => p.TableName === 'state-t' && String(p.Item?.pk).startsWith('REF#'));
    expect(refClaim).toBeGreaterThan(stored);
    expect(puts[refClaim]).toMatchObject({ TableName: 'state-t', Item: { pk: `REF#${body.ref}`, sk: 'REF', complaintId: body.id } });
  });

  it('writes nothing to the log at INFO for an ordinary complaint; at DEBUG one line with its id and category, never the contact details', async () => {
    ddb.on(PutCommand).resolves({});
    const atInfo = await captureLogLines('INFO', () => handler(post(valid)));
    expect(atInfo).toEqual([]);
    const atDebug = await captureLogLines('DEBUG', () => handler(post(valid)));
    const received = atDebug.filter((l) => l.message === 'complaint received');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ level: 'DEBUG', category: 'logistics-delay' });
    expect(JSON.stringify(atDebug)).not.toMatch(/chen@example\.com|\+8613912345678|陈女士/);
  });

  it('draws a new reference when the first is taken, and writes it onto the stored complaint', async () => {
    ddb.on(PutCommand, { TableName: 'state-t' }).resolves({});
    ddb.on(PutCommand, { TableName: 'state-t', Item: { sk: 'REF' } }).rejectsOnce(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} })).resolves({});
    ddb.on(PutCommand, { TableName: 'complaints-t' }).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const res = await handler(post(valid));
    expect(res.statusCode).toBe(201);
    const claims = ddb.commandCalls(PutCommand).map((c) => c.args[0].input).filter((p) => p.TableName === 'state-t' && String(p.Item?.pk).startsWith('REF#'));
    expect(claims).toHaveLength(2);
    expect(claims[0]!.Item!.pk).not.toBe(claims[1]!.Item!.pk);
    const ref = JSON.parse(res.body!).ref;
    expect(`REF#${ref}`).toBe(claims[1]!.Item!.pk);
    // The receipt email budget's counter is an update of the state table too; the reference's is on the complaint.
    const refUpdates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input).filter((u) => u.TableName === 'complaints-t');
    expect(refUpdates).toEqual([expect.objectContaining({ ConditionExpression: '#ref = :old', ExpressionAttributeValues: { ':new': ref, ':old': claims[0]!.Item!.pk.slice(4) } })]);
  });

  it('claims (channel, externalId) in the same transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const res = await handler(post({ ...valid, externalId: 'ZD-1001' }));
    expect(res.statusCode).toBe(201);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.Put).toMatchObject({ TableName: 'state-t', Item: { pk: 'EXT#app#ZD-1001' }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items[1]!.Put).toMatchObject({ TableName: 'complaints-t' });
  });

  it('answers 200 with the first complaint for a repeated externalId and stores nothing', async () => {
    const first = { ...(await storedComplaint(valid)), externalId: 'ZD-1001' };
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }),
    );
    ddb.on(GetCommand, { TableName: 'state-t' }).resolves({});
    ddb.on(GetCommand, { TableName: 'state-t', Key: { pk: 'EXT#app#ZD-1001', sk: 'EXT' } }).resolves({ Item: { pk: 'EXT#app#ZD-1001', sk: 'EXT', complaintId: first.id } });
    ddb.on(GetCommand, { TableName: 'complaints-t' }).resolves({ Item: first });
    // Anyone can send the same externalId: the answer is the first complaint's public view, with
    // nothing of the person who sent it or of what they wrote.
    const res = await handler(post({ ...valid, customer: { id: 'someone-else' }, description: 'what did they write?', externalId: 'ZD-1001' }));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body!);
    expect(body).toEqual(publicComplaint(first));
    expect(body.id).toBe(first.id);
    expect(res.body).not.toMatch(/chen@example\.com|\+8613912345678|陈女士|cust-9|快递一直没到|下单一周了物流还没更新/);
    expect(Object.keys(body)).toEqual(expect.not.arrayContaining(['customer', 'title', 'description', 'timeline', 'escalationRisk', 'classification', 'expiresAt', 'version']));
  });

  it.each([
    ['a bad phone', { ...valid, customer: { ...valid.customer, phone: '0139' } }, 'customer.phone'],
    ['a missing description', { ...valid, description: undefined }, 'description'],
    ['an unknown channel', { ...valid, channel: 'fax' }, 'channel'],
    ['an unknown field', { ...valid, priority: 'urgent' }, 'priority'],
    ['an unknown nested field', { ...valid, customer: { ...valid.customer, vip: true } }, 'customer.vip'],
    ['an unknown category', { ...valid, category: 'weather' }, 'category'],
    ['a bad occurredAt', { ...valid, occurredAt: 'yesterday' }, 'occurredAt'],
  ])('answers 400 naming the field for %s', async (_name, body, path) => {
    const res = await handler(post(body));
    expect(res.statusCode).toBe(400);
    const out = JSON.parse(res.body!);
    expect(out.error).toBe('validation');
    expect(out.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 400 for malformed JSON and an empty body', async () => {
    for (const raw of ['{"channel":', '', 'null', '[]', '42']) {
      const res = await handler(post(raw, true));
      expect(res.statusCode, raw).toBe(400);
      expect(JSON.parse(res.body!).error).toBe('validation');
    }
  });

  it('answers 413 for bodies over 64 KiB', async () => {
    const res = await handler(post({ ...valid, description: 'x'.repeat(70 * 1024) }));
    expect(res.statusCode).toBe(413);
  });

  it('answers a JSON 500 (safe to retry) when DynamoDB fails', async () => {
    ddb.on(PutCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    const res = await handler(post(valid));
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body!)).toMatchObject({ error: 'internal' });
  });
});

describe('GET /complaints?ref=', () => {
  const get = (query: Record<string, string>) =>
    listComplaints({
      ...post(null),
      routeKey: 'GET /complaints',
      queryStringParameters: query,
      // What API Gateway adds once the agent authorizer let the caller in (an admin machine client).
      requestContext: { ...post(null).requestContext, authorizer: { lambda: { principal: JSON.stringify({ id: 'agent-tool', kind: 'machine', admin: true, departments: [] }) } } } as never,
    });

  it('finds the complaint through its uniqueness record, however the reference is typed', async () => {
    const stored = await storedComplaint(valid);
    ddb.on(GetCommand, { TableName: 'state-t' }).resolves({ Item: { pk: `REF#${stored.ref}`, sk: 'REF', complaintId: stored.id } });
    ddb.on(GetCommand, { TableName: 'complaints-t' }).resolves({ Item: stored });
    const queriesBefore = ddb.commandCalls(QueryCommand).length;
    const res = await get({ ref: ` ${stored.ref!.toLowerCase()} ` });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!).items.map((c: { id: string }) => c.id)).toEqual([stored.id]);
    const refReads = ddb.commandCalls(GetCommand).filter((c) => String(c.args[0].input.Key?.pk).startsWith('REF#'));
    expect(refReads[0]!.args[0].input.Key).toEqual({ pk: `REF#${stored.ref}`, sk: 'REF' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(queriesBefore);
  });

  it('answers an empty list for an unknown reference and 400 for a malformed one', async () => {
    ddb.on(GetCommand).resolves({});
    expect(JSON.parse((await get({ ref: 'YX-AAAA-BBBB' })).body!)).toEqual({ items: [] });
    const bad = await get({ ref: 'not a ref' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).issues.map((i: { path: string }) => i.path)).toContain('ref');
  });
});

describe('GET /complaints/{id}', () => {
  it('answers 404 JSON for an unknown id', async () => {
    ddb.on(GetCommand).resolves({});
    const principal = JSON.stringify({ id: 'agent-tool', kind: 'machine', admin: true, departments: [] });
    const res = await getComplaint({ ...post(null), routeKey: 'GET /complaints/{id}', pathParameters: { id: 'NOPE' }, requestContext: { requestId: 'r2', authorizer: { lambda: { principal } } } as never });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body!)).toMatchObject({ error: 'not_found' });
  });
});

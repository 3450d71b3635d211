import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { handler } from '../../functions/handlers/intake.ts';
import { defaultConfig } from '../fixtures/config.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
ddb.on(PutCommand).resolves({});
ddb.on(TransactWriteCommand).resolves({});
ddb.on(QueryCommand).resolves({ Items: [] });
// The recipient's receipt window (the receipt cap): empty.
ddb.on(GetCommand).resolves({});
setRuntime(
  buildRuntime({
    stores: allStores,
    config: defaultConfig,
    clock: { now: () => new Date('2026-11-20T09:30:00Z') },
    doc,
    tableNames: { complaints: 'c', state: 's' },
    notifier: { send: async () => {} },
    events: { publish: async () => {} },
  }),
);
afterAll(() => setRuntime(undefined));

const event = (body: string, contentType = 'application/json'): APIGatewayProxyEventV2 =>
  ({ version: '2.0', routeKey: 'POST /complaints', rawPath: '/complaints', rawQueryString: '', headers: { 'content-type': contentType }, body, isBase64Encoded: false, requestContext: { requestId: 'r' } }) as unknown as APIGatewayProxyEventV2;

const valid = { channel: 'web', customer: { id: 'c1', email: 'a@example.com' }, description: 'late parcel' };

/** Bodies that break a valid complaint in one place: wrong types, bad values, extra keys, deep junk. */
const mutated = fc
  .record({
    path: fc.constantFrom('channel', 'customer', 'customer.id', 'customer.email', 'customer.phone', 'customer.locale', 'description', 'title', 'severity', 'category', 'occurredAt', 'externalId', 'orderId', 'extra'),
    value: fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string()), fc.string({ minLength: 5001, maxLength: 6000 })),
  })
  .map(({ path, value }) => {
    const body: any = structuredClone(valid);
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail) body[head][tail] = value;
    else body[head] = value;
    return JSON.stringify(body) ?? '';
  });

const garbage = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.uint8Array().map((b) => Buffer.from(b).toString('latin1')));

describe('intake never answers 500 for bad input', () => {
  it('answers generated bad bodies with 400 (field paths) or 413, and valid ones with 201', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, garbage), async (body) => {
        const res = await handler(event(body));
        expect([201, 400, 413]).toContain(res.statusCode);
        const out = JSON.parse(res.body!);
        if (res.statusCode === 400) {
          expect(out.error).toBe('validation');
          expect(out.issues.length).toBeGreaterThan(0);
          for (const issue of out.issues) {
            expect(typeof issue.path).toBe('string');
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 400, seed: 20261122 },
    );
  });

  it('answers any body sent with another content type with 415 and stores nothing', async () => {
    const calls = ddb.calls().length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutated, garbage),
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'text/json'),
        async (body, type) => {
          const res = await handler(event(body, type));
          expect(res.statusCode).toBe(415);
          expect(JSON.parse(res.body!).error).toBe('unsupported_media_type');
        },
      ),
      { numRuns: 100, seed: 20261202 },
    );
    expect(ddb.calls().length).toBe(calls);
  });
});

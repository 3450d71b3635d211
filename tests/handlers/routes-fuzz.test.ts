import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventPublisher, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { localConsoleAuth } from '../../functions/adapters/local-authenticator.ts';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { createLocalServer } from '../../functions/local/http-server.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { functions, type FunctionDefinition, type HttpTrigger } from '../../functions/pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { rawRequest } from '../support/raw-http.ts';
import { bearerAuthorizer } from '../support/bearer-authorizer.ts';

/**
 * Generated requests against EVERY HTTP route in functions/pipeline.ts (a route added there is fuzzed
 * without a change here), through the real handler modules and a real DynamoDB (Local), which refuses
 * invalid keys exactly like the service: path parameters, query strings, headers and bodies. Whatever
 * comes in, no answer is a 5xx.
 */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type HttpFunction = [string, FunctionDefinition & { trigger: HttpTrigger }];

const httpFunctions = (Object.entries(functions) as Array<[string, FunctionDefinition]>).filter(
  (entry): entry is HttpFunction => entry[1].trigger.kind === 'http',
);

const db = withDynamoDbLocal();
const handlers = new Map<string, Handler>();
const known = { complaintId: '', categoryId: defaultConfig.categories[0]!.id };

beforeAll(async () => {
  setRuntime(
    buildRuntime({
      stores: allStores,
      config: defaultConfig,
      clock: { now: () => new Date('2026-11-20T09:30:00Z') },
      doc: db.clients.doc,
      tableNames: db.tables.names,
      notifier: new MemoryNotifier(),
      events: new MemoryEventPublisher(),
      // The console's sign-in, as `npm start` has it (a generated request carries no valid session).
      auth: localConsoleAuth('fuzz-agent-token', defaultConfig, { now: () => new Date('2026-11-20T09:30:00Z') }),
    }),
  );
  for (const [name, def] of httpFunctions) {
    const mod = (await import(pathToFileURL(resolve(REPO_ROOT, def.entry)).href)) as { handler: Handler };
    handlers.set(name, mod.handler);
  }
  // One real complaint, so generated ids sometimes hit an existing item and go past the lookup.
  const created = await handlers.get('intake')!(
    event(functions.intake.trigger as HttpTrigger, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'web', customer: { id: 'c1', email: 'a@example.com' }, description: 'parcel late' }),
    }),
  );
  known.complaintId = JSON.parse(created.body!).id;
}, 120_000);
afterAll(() => setRuntime(undefined));

function event(trigger: HttpTrigger, parts: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${trigger.method} ${trigger.path}`,
    rawPath: trigger.path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    ...parts,
    requestContext: {
      accountId: 'fuzz',
      apiId: 'fuzz',
      domainName: 'fuzz.example',
      domainPrefix: 'fuzz',
      http: { method: trigger.method, path: trigger.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'fuzz' },
      requestId: 'fuzz',
      routeKey: `${trigger.method} ${trigger.path}`,
      stage: '$default',
      time: '20/Nov/2026:09:30:00 +0000',
      timeEpoch: 0,
      // What API Gateway adds after the agent authorizer let the request through (an admin machine client).
      authorizer: { lambda: { principal: FUZZ_PRINCIPAL } },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

const FUZZ_PRINCIPAL = JSON.stringify({ id: 'fuzz-agent', kind: 'machine', admin: true, departments: [] });

/** Strings an attacker sends: ordinary, full Unicode, escapes, near and over DynamoDB's key limits. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '%', '%ZZ', '%E0%A4%A', '%FF', '../../etc', '\u202Egnp.exe', '\u0000', 'null', '[]', '{}', '-1', '1e309', 'NaN'),
  fc.string({ minLength: 2040, maxLength: 2060, unit: 'grapheme-ascii' }),
  fc.string({ minLength: 700, maxLength: 900, unit: 'grapheme' }),
);

/** Mostly ordinary field values, so generated bodies often pass validation and reach the store. */
const text = fc.oneof({ arbitrary: fc.constantFrom('agent-7', 'late parcel', '张三', 'refund please'), weight: 3 }, hostileString);

/** Base64url JSON objects: forged pagination cursors, some shaped like real ones. */
const forgedCursor = fc
  .oneof(
    fc.dictionary(fc.constantFrom('id', 'status', 'receivedAt', 'department', 'category', 'dueBucket', 'dueAt', 'x'), fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.string({ minLength: 2049, maxLength: 2100 }))),
    fc.record({ id: fc.string() }, { requiredKeys: ['id'] }),
    fc.record({ id: fc.string({ minLength: 1 }), status: fc.constantFrom('received', 'resolved'), receivedAt: fc.string() }),
    fc.jsonValue(),
  )
  .map((v) => Buffer.from(JSON.stringify(v) ?? '', 'utf8').toString('base64url'));

const queryKeys = fc.constantFrom('status', 'department', 'category', 'overdue', 'limit', 'cursor', 'from', 'to', 'lang', 'state', 'ref', 'q', 'x');
const queryValue = fc.oneof(
  hostileString,
  forgedCursor,
  fc.constantFrom('received', 'resolved', 'open', 'acknowledged', 'true', 'false', '1', '0', '100', '101', 'en', 'zh-CN', '2026-11-01', '2026-11-20T00:00:00Z'),
  fc.constant(defaultConfig.categories[0]!.id),
  fc.constant(defaultConfig.departments[0]!.id),
);
/** Listing-shaped queries (a valid filter plus a forged cursor) reach the query itself, not just validation. */
const listingQuery = fc.record(
  {
    status: fc.constantFrom('received', 'resolved', 'in_progress'),
    department: fc.constant(defaultConfig.departments[0]!.id),
    overdue: fc.constantFrom('true', 'false'),
    limit: fc.constantFrom('1', '2', '50'),
    cursor: forgedCursor,
  },
  { requiredKeys: ['cursor'] },
);
const query = fc.option(fc.oneof(fc.dictionary(queryKeys, queryValue, { maxKeys: 4 }), listingQuery), { nil: undefined });

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
  '',
  ';;;',
);
const headers = fc
  .record({
    contentType,
    extra: fc.dictionary(fc.constantFrom('authorization', 'x-forwarded-for', 'accept-language', 'cookie', 'origin', 'user-agent', 'x-x'), hostileString, { maxKeys: 3 }),
  })
  .map(({ contentType: type, extra }) => ({ ...extra, ...(type !== undefined && { 'content-type': type }) }));

/** Bodies: nothing, junk, JSON of any shape, forms, and valid-looking bodies of each JSON route broken in one field. */
const jsonish = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
  fc
    .record({
      type: fc.constantFrom('acknowledge', 'start', 'resolve', 'update', 'x'),
      actor: text,
      note: fc.option(text, { nil: undefined }),
      expectedVersion: fc.option(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer(), fc.double()), { nil: undefined }),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      category: fc.oneof(hostileString, fc.constant(defaultConfig.categories[0]!.id)),
      from: fc.oneof(hostileString, fc.constant('2026-11-20T10:00:00Z')),
      to: fc.oneof(hostileString, fc.constant('2026-11-20T12:00:00Z')),
      reason: text,
      actor: text,
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({ threshold: fc.record({ count: fc.oneof(fc.integer(), fc.double()), windowMinutes: fc.integer() }), detector: fc.string(), actor: text })
    .map((v) => JSON.stringify(v)),
  fc
    .record({ channel: fc.constantFrom('web', 'fax'), customer: fc.record({ id: text, phone: fc.constantFrom('+8613800000000', '0139') }), description: text })
    .map((v) => JSON.stringify(v)),
);
const form = fc
  .dictionary(fc.constantFrom('rating', 'solved', 'comment', 'lang', 'List-Unsubscribe', 'x'), hostileString, { maxKeys: 4 })
  .map((fields) => new URLSearchParams(fields).toString());
/** Multipart forms (boundary `x`, as one of the content types says) with a text field and a file of any name and type: the reply page's POST. */
const multipart = fc
  .record({ text: hostileString, name: hostileString, type: fc.constantFrom('image/png', 'application/x-msdownload', '', 'text/plain; charset=utf-8'), truncated: fc.boolean() })
  .map(({ text: t, name, type, truncated }) => {
    const whole = `--x\r\nContent-Disposition: form-data; name="text"\r\n\r\n${t}\r\n--x\r\nContent-Disposition: form-data; name="files"; filename="${name.replace(/["\r\n\\]/g, '')}"\r\nContent-Type: ${type}\r\n\r\n\u0089PNG\r\n--x--\r\n`;
    return truncated ? whole.slice(0, whole.length / 2) : whole;
  });
const body = fc.oneof(
  { arbitrary: jsonish, weight: 3 },
  multipart,
  fc.constant(undefined),
  hostileString,
  jsonish,
  form,
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);

function pathParameter(name: string) {
  const real = name === 'id' ? [fc.constant(known.complaintId), fc.constant(known.categoryId)] : [];
  return fc.oneof(hostileString, fc.string({ minLength: 2049, maxLength: 3000, unit: 'grapheme-ascii' }), ...real);
}

function request(trigger: HttpTrigger) {
  const params = [...trigger.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return fc
    .record({
      pathParameters: fc.record(Object.fromEntries(params.map((p) => [p, pathParameter(p)]))),
      queryStringParameters: query,
      headers,
      body,
      isBase64Encoded: fc.boolean(),
    })
    .map((r) =>
      event(trigger, {
        ...(params.length && { pathParameters: r.pathParameters as Record<string, string> }),
        ...(r.queryStringParameters && { queryStringParameters: r.queryStringParameters }),
        headers: r.headers,
        ...(r.body !== undefined && { body: r.isBase64Encoded ? Buffer.from(r.body, 'utf8').toString('base64') : r.body }),
        isBase64Encoded: r.body !== undefined && r.isBase64Encoded,
      }),
    );
}

describe('every HTTP route in functions/pipeline.ts answers generated requests without a 5xx', () => {
  it('covers every route the pipeline declares', () => {
    expect(httpFunctions.length).toBeGreaterThanOrEqual(10);
    expect(httpFunctions.map(([name]) => name)).toEqual(expect.arrayContaining(['intake', 'getComplaint', 'listComplaints', 'complaintEvents', 'surveyAnswer', 'alertAck']));
  });

  it.each(httpFunctions.map(([name, def]) => [`${def.trigger.method} ${def.trigger.path}`, name, def.trigger] as const))(
    '%s',
    async (_route, name, trigger) => {
      const handler = handlers.get(name)!;
      await fc.assert(
        fc.asyncProperty(request(trigger), async (req) => {
          const res = await handler(req);
          expect(res.statusCode, JSON.stringify({ path: req.pathParameters, query: req.queryStringParameters, headers: req.headers, body: req.body?.slice(0, 200) }).slice(0, 600)).toBeLessThan(500);
          expect(res.statusCode).toBeGreaterThanOrEqual(200);
        }),
        { numRuns: 100, seed: 20261202 },
      );
    },
    120_000,
  );
});

describe('the requests the issue reproduced', () => {
  const call = (name: string, parts: Partial<APIGatewayProxyEventV2>) => handlers.get(name)!(event(functions[name as keyof typeof functions].trigger as HttpTrigger, parts));

  it('answers a forged cursor with 400 naming the cursor', async () => {
    const res = await call('listComplaints', { queryStringParameters: { status: 'received', cursor: 'eyJpZCI6IngifQ' } });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).issues).toEqual([{ path: 'cursor', message: expect.stringMatching(/not one this API issued/) }]);
  });

  it('answers a cursor issued for another listing with 400, and follows a real one', async () => {
    const agent = { headers: { 'content-type': 'application/json' } };
    for (let i = 0; i < 3; i += 1) {
      await call('intake', { ...agent, body: JSON.stringify({ channel: 'web', customer: { id: `p${i}` }, description: `page ${i}` }) });
    }
    const first = JSON.parse((await call('listComplaints', { queryStringParameters: { status: 'received', limit: '2' } })).body!);
    expect(first.cursor).toEqual(expect.any(String));
    const next = await call('listComplaints', { queryStringParameters: { status: 'received', limit: '2', cursor: first.cursor } });
    expect(next.statusCode).toBe(200);
    const other = await call('listComplaints', { queryStringParameters: { status: 'resolved', cursor: first.cursor } });
    expect(other.statusCode).toBe(400);
    const otherIndex = await call('listComplaints', { queryStringParameters: { department: defaultConfig.departments[0]!.id, cursor: first.cursor } });
    expect(otherIndex.statusCode).toBe(400);
  });

  it.each([
    ['getComplaint', {}],
    ['complaintEvents', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'acknowledge', actor: 'a' }) }],
  ])('answers an id over 2,048 bytes on %s with 400 naming the id', async (name, parts) => {
    const res = await call(name, { ...parts, pathParameters: { id: 'é'.repeat(1025) } });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).issues).toEqual([{ path: 'id', message: expect.stringMatching(/longer than 2048 bytes/) }]);
  });

  it('answers an unknown id of legal size with 404', async () => {
    const res = await call('getComplaint', { pathParameters: { id: 'x'.repeat(2048) } });
    expect(res.statusCode).toBe(404);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', undefined])('answers POST /complaints sent as %s with 415', async (type) => {
    const res = await call('intake', {
      headers: type ? { 'content-type': type } : {},
      body: JSON.stringify({ channel: 'web', customer: { id: 'c1' }, description: 'cross-site' }),
    });
    expect(res.statusCode).toBe(415);
    expect(JSON.parse(res.body!)).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('keeps the public forms on form encoding (the survey answer page is not a JSON route)', async () => {
    const res = await call('surveyAnswer', { pathParameters: { token: 'unknown-token' }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rating=5&solved=yes' });
    expect(res.statusCode).toBe(404);
  });
});

describe('through the local HTTP server (raw request targets and Host headers)', () => {
  const AGENT_TOKEN = 'fuzz-agent-token';
  /** Path segments as they arrive on the wire: escapes good and malformed, dots, Unicode. */
  const segment = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
    fc.constantFrom('%ZZ', '%E0%A4%A', '%FF', '%', '%2F', '%00', '..', '.', '%E4%BD%A0', '%C0%AF', 'a%2', '%%'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((v) => encodeURIComponent(v)),
    fc.string({ minLength: 2049, maxLength: 2500, unit: 'grapheme-ascii' }).map((v) => encodeURIComponent(v)),
  );
  const rawQuery = fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9=&%._~+-]{0,60}$/).map((q) => `?${q}`), fc.constantFrom('?status=received&cursor=eyJpZCI6IngifQ', '?cursor=%ZZ', '?lang=%E0%A4%A'));
  const host = fc.oneof(fc.constant('127.0.0.1'), fc.constantFrom('exa mple', '[::1', 'a:b:c', '%', 'x/y?z', 'localhost:99999999', ''), fc.stringMatching(/^[ -~]{0,30}$/));

  it('answers every generated request to a declared route without a 5xx', async () => {
    const routes = httpFunctions.map(([name, def]) => ({ name, trigger: def.trigger, handler: handlers.get(name)! }));
    const server = createLocalServer({ routes, clock: new SimulatedClock(new Date('2026-11-20T09:30:00Z')), authorizer: bearerAuthorizer(AGENT_TOKEN), advanceClock: async (t) => t, localViews: {} });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    const { port } = server.address() as AddressInfo;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes.map((r) => r.trigger)),
          fc.array(segment, { minLength: 2, maxLength: 2 }),
          rawQuery,
          host,
          fc.boolean(),
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
          async (trigger, segments, q, hostHeader, agent, type) => {
            let i = 0;
            const path = trigger.path.replace(/\{\w+\}/g, () => segments[i++]!);
            const lines = [`${trigger.method} ${path}${q} HTTP/1.1`, `host: ${hostHeader}`, `content-type: ${type}`, ...(agent ? [`authorization: Bearer ${AGENT_TOKEN}`] : [])];
            const body = type === 'application/json' ? JSON.stringify({ type: 'acknowledge', actor: 'agent-7' }) : 'rating=5&solved=yes';
            const status = await rawRequest(port, lines, trigger.method === 'GET' ? '' : body);
            expect(status, lines.join(' | ').slice(0, 300)).toBeLessThan(500);
          },
        ),
        { numRuns: 300, seed: 20261202 },
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  }, 180_000);
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServer, type LocalRoute } from '../../functions/local/http-server.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { rawRequest } from '../support/raw-http.ts';
import { bearerAuthorizer } from '../support/bearer-authorizer.ts';

const seen: APIGatewayProxyEventV2[] = [];
const route = (path: string, method: 'GET' | 'POST' = 'GET'): LocalRoute => ({
  name: path,
  trigger: { kind: 'http', method, path, auth: 'public' },
  handler: async (event) => {
    seen.push(event);
    return { statusCode: 200, body: JSON.stringify(event.pathParameters ?? {}) };
  },
});

let server: Server;
let port: number;
beforeAll(async () => {
  server = createLocalServer({
    routes: [route('/s/{token}'), route('/a/{token}'), route('/complaints/{id}'), route('/complaints', 'POST')],
    clock: new SimulatedClock(new Date('2026-11-20T09:30:00Z')),
    authorizer: bearerAuthorizer('token'),
    advanceClock: async (t) => t,
    localViews: {},
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

describe('local HTTP layer: bad requests are 400, never 500', () => {
  it.each(['/s/%ZZ', '/a/%E0%A4%A', '/complaints/%FF', '/complaints/%', '/s/%C0%AF'])('answers GET %s with 400 without calling the handler', async (path) => {
    const before = seen.length;
    expect(await rawRequest(port, [`GET ${path} HTTP/1.1`, 'host: 127.0.0.1'])).toBe(400);
    expect(seen.length).toBe(before);
  });

  it.each(['exa mple', 'a:b:c', '[::1', '%', 'host/with/slash?x'])('answers a Host header of %j with 400', async (host) => {
    expect(await rawRequest(port, ['GET /s/abc HTTP/1.1', `host: ${host}`])).toBe(400);
  });

  it('still decodes well-formed escapes into path parameters', async () => {
    expect(await rawRequest(port, ['GET /complaints/%E4%BD%A0%20x HTTP/1.1', 'host: 127.0.0.1'])).toBe(200);
    expect(seen.at(-1)?.pathParameters).toEqual({ id: '你 x' });
  });
});

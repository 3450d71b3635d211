import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoAuthenticator } from '../../functions/adapters/cognito-authenticator.ts';
import { createJwtSigner, type JwtSigner } from '../../functions/adapters/jwt-signer.ts';
import type { Authenticator } from '../../functions/ports/authenticator.ts';
import { defaultConfig } from '../fixtures/config.ts';

const POOL = 'eu-west-1_TestPool1';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const CONSOLE_CLIENT = 'console-client-id';
const MACHINE_CLIENT = 'machine-client-id';

// The user pool's key, as a test key whose JWKS a local server publishes.
const poolKey: JwtSigner = createJwtSigner('pool-key-1');
const otherKey: JwtSigner = createJwtSigner('pool-key-1');
let server: Server;
let jwksUrl = '';
const fetched: string[] = [];
let auth: Authenticator;

const now = () => Math.floor(Date.now() / 1000);
function userToken(claims: Record<string, unknown> = {}, signer: JwtSigner = poolKey): string {
  return signer.sign({ iss: ISSUER, sub: 'u-1', username: 'mei.chen', client_id: CONSOLE_CLIENT, token_use: 'access', scope: 'openid email', 'cognito:groups': ['finance'], iat: now() - 10, exp: now() + 3600, ...claims });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(poolKey.jwks));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  // The verifier asks for the pool's own JWKS address; the fetcher serves it from the test server.
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        fetched.push(uri);
        return (await fetch(jwksUrl)).arrayBuffer();
      },
    },
  });
  auth = cognitoAuthenticator({ userPoolId: POOL, clientIds: [CONSOLE_CLIENT, MACHINE_CLIENT], agentScope: 'complaint-api/agent' }, defaultConfig, jwksCache);
});

afterAll(async () => {
  await new Promise<void>((ok) => server.close(() => ok()));
});

describe('Cognito access token verification (aws-jwt-verify against a JWKS)', () => {
  it('accepts a department user and names their departments, fetching the pool JWKS from its well-known address', async () => {
    const result = await auth.verify(userToken());
    expect(result).toMatchObject({ ok: true, principal: { id: 'mei.chen', kind: 'user', admin: false, departments: ['finance'] } });
    expect(fetched).toContain(`${ISSUER}/.well-known/jwks.json`);
  });

  it('makes a member of the admin group an admin', async () => {
    expect(await auth.verify(userToken({ 'cognito:groups': ['admin', 'finance'] }))).toMatchObject({ ok: true, principal: { admin: true, departments: [] } });
  });

  it('accepts a machine client with the agent scope for the whole company, and not without it', async () => {
    const machine = { username: undefined, 'cognito:groups': undefined, client_id: MACHINE_CLIENT };
    expect(await auth.verify(userToken({ ...machine, scope: 'complaint-api/agent' }))).toMatchObject({ ok: true, principal: { id: MACHINE_CLIENT, kind: 'machine', admin: true } });
    expect(await auth.verify(userToken({ ...machine, scope: 'complaint-api/other' }))).toEqual({ ok: false, reason: 'no_access' });
  });

  it('grants nothing to a user in no known group', async () => {
    expect(await auth.verify(userToken({ 'cognito:groups': ['marketing'] }))).toEqual({ ok: false, reason: 'no_access' });
    expect(await auth.verify(userToken({ 'cognito:groups': undefined }))).toEqual({ ok: false, reason: 'no_access' });
  });

  it.each([
    ['expired', () => userToken({ iat: now() - 7200, exp: now() - 3600 }), 'expired'],
    ['for another app client (wrong audience)', () => userToken({ client_id: 'someone-elses-client' }), 'invalid'],
    ['from another issuer', () => userToken({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }), 'invalid'],
    ['an id token instead of an access token', () => userToken({ token_use: 'id' }), 'invalid'],
    ['signed by another key with the same key id', () => userToken({}, otherKey), 'invalid'],
    [
      'tampered (groups changed after signing)',
      () => {
        const [header, , signature] = userToken().split('.');
        const payload = Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'u-1', username: 'mei.chen', client_id: CONSOLE_CLIENT, token_use: 'access', 'cognito:groups': ['admin'], iat: now(), exp: now() + 3600 })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
      'invalid',
    ],
    ['not a JWT at all', () => 'not-a-token', 'invalid'],
  ])('refuses a token %s', async (_what, token, reason) => {
    expect(await auth.verify(token())).toEqual({ ok: false, reason });
  });
});

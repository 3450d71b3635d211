import { timingSafeEqual } from 'node:crypto';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { ADMIN_GROUP, principalFromClaims } from '../domain/access.ts';
import type { PipelineConfig } from '../domain/config.ts';
import type { Clock } from '../ports/clock.ts';
import type { ConsoleAuth } from '../ports/authenticator.ts';
import { createJwtSigner, type JwtSigner } from './jwt-signer.ts';

/** Issuer and client id of locally issued console sessions. */
const LOCAL_ISSUER = 'urn:complaint-pipeline:local';
const LOCAL_CLIENT = 'local-console';
const LOCAL_SCOPE = 'local/agent';
/** A local console session lasts a working day. */
export const LOCAL_SESSION_SECONDS = 8 * 3600;

let sessionSigner: JwtSigner | undefined;

/**
 * The key that signs local console sessions: made once per process (an RSA key takes about 0.1
 * CPU-second to generate, and a test process starts dozens of pipelines), so it lives as long as the
 * process and a restart of `npm start` signs everyone out.
 */
function localSessionSigner(): JwtSigner {
  sessionSigner ??= createJwtSigner('local-console');
  return sessionSigner;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Sign-in for the local runtime. Machines send `Authorization: Bearer <agent token>` and act for the
 * whole company. People type the agent token on the console's sign-in page, optionally with a
 * department to try the restrictions; they get a session token shaped like a Cognito access token
 * (`username`, `cognito:groups`), signed by a key that lives only in this process and verified with
 * the same `aws-jwt-verify` library as in AWS.
 * @param wallClock sessions expire in real time, not in the simulated pipeline time
 */
export function localConsoleAuth(agentToken: string, config: PipelineConfig, wallClock: Clock): ConsoleAuth {
  const signer = localSessionSigner();
  const verifier = JwtRsaVerifier.create({ issuer: LOCAL_ISSUER, audience: null, jwksUri: `${LOCAL_ISSUER}/jwks.json` });
  verifier.cacheJwks(signer.jwks);
  return {
    authenticator: {
      async verify(token) {
        if (!token) return { ok: false, reason: 'missing' };
        if (sameSecret(token, agentToken)) {
          return { ok: true, principal: { id: 'agent-token', kind: 'machine', admin: true, departments: [] }, expiresAt: new Date(8.64e15) };
        }
        try {
          const claims = await verifier.verify(token);
          if (claims.client_id !== LOCAL_CLIENT) return { ok: false, reason: 'invalid' };
          const principal = principalFromClaims(claims as Record<string, unknown>, config, LOCAL_SCOPE);
          return principal ? { ok: true, principal, expiresAt: new Date((claims.exp ?? 0) * 1000) } : { ok: false, reason: 'no_access' };
        } catch (err) {
          return { ok: false, reason: err instanceof JwtExpiredError ? 'expired' : 'invalid' };
        }
      },
    },
    signIn: {
      kind: 'agent-token',
      async signIn(presented, department) {
        if (!sameSecret(presented, agentToken)) return undefined;
        if (department !== undefined && !config.departments.some((d) => d.id === department)) return undefined;
        const now = Math.floor(wallClock.now().getTime() / 1000);
        const exp = now + LOCAL_SESSION_SECONDS;
        const token = signer.sign({
          iss: LOCAL_ISSUER,
          sub: department ? `local-${department}` : 'local-admin',
          username: department ? `local-${department}` : 'local-admin',
          'cognito:groups': [department ?? ADMIN_GROUP],
          client_id: LOCAL_CLIENT,
          token_use: 'access',
          iat: now,
          exp,
        });
        return { token, expiresAt: new Date(exp * 1000) };
      },
    },
  };
}

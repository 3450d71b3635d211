import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import { principalFromClaims } from '../domain/access.ts';
import type { PipelineConfig } from '../domain/config.ts';
import type { Authentication, Authenticator } from '../ports/authenticator.ts';

/** Settings of the Cognito user pool the stack creates. */
export interface CognitoAuthSettings {
  readonly userPoolId: string;
  /** App clients whose access tokens are accepted: the console's and the machine client's. */
  readonly clientIds: readonly string[];
  /** OAuth scope a machine client's token must carry, e.g. `complaint-api/agent`. */
  readonly agentScope: string;
}

/**
 * Verifies Cognito access tokens with `aws-jwt-verify`: RS256 signature against the pool's JWKS
 * (fetched once per container and cached; a new key id triggers one refetch), issuer, `token_use`
 * = access, `client_id` among the stack's clients, and expiry. The groups or scopes then decide
 * the principal.
 * @param jwksCache replaces the default HTTPS JWKS cache (tests serve a test key's JWKS)
 */
export function cognitoAuthenticator(settings: CognitoAuthSettings, config: PipelineConfig, jwksCache?: JwksCache): Authenticator {
  const props = { userPoolId: settings.userPoolId, tokenUse: 'access' as const, clientId: [...settings.clientIds] };
  const verifier = jwksCache ? CognitoJwtVerifier.create(props, { jwksCache }) : CognitoJwtVerifier.create(props);
  return {
    async verify(token: string): Promise<Authentication> {
      if (!token) return { ok: false, reason: 'missing' };
      try {
        const claims = await verifier.verify(token);
        const principal = principalFromClaims(claims as Record<string, unknown>, config, settings.agentScope);
        if (!principal) return { ok: false, reason: 'no_access' };
        return { ok: true, principal, expiresAt: new Date(claims.exp * 1000) };
      } catch (err) {
        return { ok: false, reason: err instanceof JwtExpiredError ? 'expired' : 'invalid' };
      }
    },
  };
}

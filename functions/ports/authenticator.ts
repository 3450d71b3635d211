import type { Principal } from '../domain/access.ts';

/** Why a token was refused; logged (never the token), not shown in detail to the caller. */
export type TokenRejection = 'missing' | 'expired' | 'invalid' | 'no_access';

export type Authentication = { ok: true; principal: Principal; expiresAt: Date } | { ok: false; reason: TokenRejection };

/** Verifies a bearer or session token and names the principal behind it. */
export interface Authenticator {
  verify(token: string): Promise<Authentication>;
}

/** How people sign in to the console: through the user pool's hosted UI (AWS) or with the agent token (local). */
export type SignInMethod =
  | {
      readonly kind: 'hosted-ui';
      /** Hosted UI base URL, e.g. `https://prefix.auth.eu-west-1.amazoncognito.com`. */
      readonly domainUrl: string;
      /** The console's public app client (authorization code with PKCE, no secret). */
      readonly clientId: string;
    }
  | {
      readonly kind: 'agent-token';
      /** Checks the token typed on the sign-in page and, when it is right, issues a session token. */
      signIn(agentToken: string, department: string | undefined): Promise<{ token: string; expiresAt: Date } | undefined>;
    };

/** What the API and the console need to know who is calling. */
export interface ConsoleAuth {
  readonly authenticator: Authenticator;
  readonly signIn: SignInMethod;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../domain/access.ts';
import type { Authentication, Authenticator, TokenRejection } from '../ports/authenticator.ts';

/** The console's session cookie: the verified access token itself, never readable by scripts. */
export const SESSION_COOKIE = 'console_session';

type Headers = Readonly<Record<string, string | undefined>> | undefined;

function header(headers: Headers, name: string): string | undefined {
  if (!headers) return undefined;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/** Cookies of a request; API Gateway (payload 2.0) hands them in `cookies`, a plain server in the header. */
export function readCookies(headers: Headers, cookies?: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const parts = [...(cookies ?? []), ...(header(headers, 'cookie')?.split(';') ?? [])];
  for (const part of parts) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    // A cookie value with a malformed percent-escape is nobody's session: ignore it.
    try {
      out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      continue;
    }
  }
  return out;
}

/** The bearer token of the Authorization header. */
export function bearerToken(headers: Headers): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header(headers, 'authorization') ?? '')?.[1];
}

/** The console session token (cookie). */
export function sessionToken(headers: Headers, cookies?: readonly string[]): string | undefined {
  return readCookies(headers, cookies).get(SESSION_COOKIE) || undefined;
}

/**
 * Authenticates a request to the agent API by its bearer token. The session cookie is deliberately
 * not accepted there: the JSON API then needs no CSRF defence, and the console's forms go to its
 * own CSRF-checked routes.
 */
export async function authenticateBearer(authenticator: Authenticator, headers: Headers): Promise<Authentication> {
  const token = bearerToken(headers);
  return token ? authenticator.verify(token) : { ok: false, reason: 'missing' };
}

/** Authenticates a console request by its session cookie (`missing` when it has none), with the token it verified. */
export async function authenticateSession(
  authenticator: Authenticator,
  headers: Headers,
  cookies?: readonly string[],
): Promise<{ ok: true; principal: Principal; token: string } | { ok: false; reason: TokenRejection }> {
  const token = sessionToken(headers, cookies);
  if (!token) return { ok: false, reason: 'missing' };
  const result = await authenticator.verify(token);
  return result.ok ? { ok: true, principal: result.principal, token } : result;
}

/**
 * The CSRF token of a session: a hash of the session token, put in every form. A cross-site page
 * can neither read the HttpOnly cookie nor compute its hash, so it cannot forge a form post
 * (the SameSite=Strict cookie and the Origin check are the other two layers).
 */
export function csrfToken(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`, 'utf8').digest('base64url');
}

export function csrfMatches(sessionToken: string, presented: string | null | undefined): boolean {
  const expected = Buffer.from(csrfToken(sessionToken));
  const given = Buffer.from(presented ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Whether a form post comes from this origin: browsers send Origin on POSTs; a foreign one is refused. */
export function sameOrigin(headers: Headers, host: string): boolean {
  const origin = header(headers, 'origin');
  if (!origin || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A `Set-Cookie` value for the session (or its removal with `maxAgeSeconds` 0). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

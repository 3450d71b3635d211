import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links that carry what they stand for, signed, instead of a random token stored under its hash:
 * issuing one writes nothing, and a leaked table still holds no working link (the key is not in it).
 * Format: `<key id>.<base64url JSON payload>.<base64url HMAC-SHA256, first 16 bytes>`; the MAC covers
 * the purpose too, so a link of one kind never verifies as another.
 */

/** The signing keys: `current` signs, every listed key verifies (a rotation keeps older links working). */
export interface LinkKeys {
  readonly current: string;
  readonly keys: Readonly<Record<string, Buffer>>;
}

/** A key id: short, so links stay short, and never containing the separator. */
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
/** At least 256 bits of key material (as text: 32 characters or more). */
const MIN_KEY_LENGTH = 32;
const MAC_BYTES = 16;
/** Longer than any link this module issues: anything longer is answered without computing a MAC. */
export const MAX_SIGNED_TOKEN_LENGTH = 512;
const SIGNED_SHAPE = /^[A-Za-z0-9_-]{1,16}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{22}$/;

/** A key file or secret that cannot be used; the message names the field. */
export class LinkKeysError extends Error {
  override readonly name = 'LinkKeysError';
}

/**
 * Reads keys from their stored form, a JSON object: `current` names the signing key, every other
 * field is a key id with its secret text (`{"current":"k2","k1":"…","k2":"…"}`).
 * @throws LinkKeysError naming the field that is missing, short or malformed
 */
export function parseLinkKeys(text: string): LinkKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LinkKeysError('link keys: not a JSON object');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LinkKeysError('link keys: not a JSON object');
  const { current, ...rest } = raw as Record<string, unknown>;
  const keys: Record<string, Buffer> = {};
  for (const [id, secret] of Object.entries(rest)) {
    if (!KEY_ID.test(id)) throw new LinkKeysError(`link keys: key id '${id}' must be 1-16 letters, digits, '-' or '_'`);
    if (typeof secret !== 'string' || secret.length < MIN_KEY_LENGTH) throw new LinkKeysError(`link keys: ${id} must be a secret of at least ${MIN_KEY_LENGTH} characters`);
    keys[id] = Buffer.from(secret, 'utf8');
  }
  if (typeof current !== 'string' || !keys[current]) throw new LinkKeysError('link keys: current must name one of the keys given');
  return { current, keys };
}

/** Whether a path segment has the shape of a signed link (no MAC is computed). */
export function isSignedTokenShape(token: string): boolean {
  return token.length <= MAX_SIGNED_TOKEN_LENGTH && SIGNED_SHAPE.test(token);
}

function mac(key: Buffer, purpose: string, keyId: string, body: string): Buffer {
  return createHmac('sha256', key).update(`${purpose}\n${keyId}\n${body}`, 'utf8').digest().subarray(0, MAC_BYTES);
}

/** A signed link for `purpose` carrying `payload` (JSON), signed with the current key. */
export function signToken(keys: LinkKeys, purpose: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${keys.current}.${body}.${mac(keys.keys[keys.current]!, purpose, keys.current, body).toString('base64url')}`;
}

/**
 * The payload of a link signed for `purpose` by one of `keys`, or undefined for anything else
 * (malformed, unknown key id, wrong MAC, another purpose). Compares MACs in constant time.
 */
export function verifyToken(keys: LinkKeys, purpose: string, token: string): unknown {
  if (!isSignedTokenShape(token)) return undefined;
  const [keyId, body, given] = token.split('.') as [string, string, string];
  const key = keys.keys[keyId];
  if (!key) return undefined;
  // Compared as canonical text: base64url's last character carries unused bits, so comparing decoded
  // bytes would let several spellings of one MAC through.
  const expected = Buffer.from(mac(key, purpose, keyId, body).toString('base64url'), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { replyTokenFrom, sha256Hex } from './inbound-mail.ts';
import { DAY_MS } from './time.ts';

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
/** Key text of 32 characters or more (the deployed secret's is 64 random letters and digits, about 380 bits). */
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
  // No prototype: a key id such as `constructor` in a link must find nothing, not an inherited member.
  const keys: Record<string, Buffer> = Object.create(null) as Record<string, Buffer>;
  for (const [id, secret] of Object.entries(rest)) {
    if (!KEY_ID.test(id)) throw new LinkKeysError(`link keys: key id '${id}' must be 1-16 letters, digits, '-' or '_'`);
    if (typeof secret !== 'string' || secret.length < MIN_KEY_LENGTH) throw new LinkKeysError(`link keys: ${id} must be a secret of at least ${MIN_KEY_LENGTH} characters`);
    keys[id] = Buffer.from(secret, 'utf8');
  }
  if (typeof current !== 'string' || !Object.hasOwn(keys, current)) throw new LinkKeysError('link keys: current must name one of the keys given');
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
  const key = Object.hasOwn(keys.keys, keyId) ? keys.keys[keyId] : undefined;
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

/**
 * Reply addresses (`complaints+<token>@…`) are read back by mail servers that may lower their case
 * and limit a local part to 64 characters, so their signed tokens are short and of one case: a tag of
 * the signing key (one base32 character), the complaint id (a ULID, lower-cased), the expiry (whole
 * days since 2020, four base-36 characters) and a 64-bit MAC (base32) that also covers the SHA-256 of
 * the address the token was sent to, which the token does not carry: only a reply from that address
 * verifies. 44 characters.
 */
export const SIGNED_REPLY_TOKEN_LENGTH = 44;
const SIGNED_REPLY_SHAPE = /^[a-z2-7][0-7][0-9a-hjkmnp-tv-z]{25}[0-9a-z]{4}[a-z2-7]{13}$/;
const ULID_SHAPE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const REPLY_EPOCH_MS = Date.UTC(2020, 0, 1);

/** One base32 character naming a key: a token whose tag several keys share is tried with each. */
const keyTag = (keyId: string) => replyTokenFrom(createHash('sha256').update(keyId, 'utf8').digest().subarray(0, 1))[0]!;

const replyMac = (key: Buffer, keyId: string, id: string, days: string, recipientHash: string) =>
  replyTokenFrom(createHmac('sha256', key).update(`reply\n${keyId}\n${id}\n${days}\n${recipientHash}`, 'utf8').digest().subarray(0, 8));

/** The SHA-256 a reply token is bound to: of the address as sent to, trimmed and lower-cased. */
export function replyRecipientHash(address: string): string {
  return sha256Hex(address.trim().toLowerCase());
}

/**
 * A signed reply token for an email about `complaintId` to `recipient`, valid until `expiresAt`
 * (rounded up to a whole day); undefined when the complaint id is not a ULID (it could not be carried).
 */
export function signReplyToken(keys: LinkKeys, complaintId: string, recipient: string, expiresAt: Date): string | undefined {
  if (!ULID_SHAPE.test(complaintId)) return undefined;
  const days = Math.min(36 ** 4 - 1, Math.max(0, Math.ceil((expiresAt.getTime() - REPLY_EPOCH_MS) / DAY_MS))).toString(36).padStart(4, '0');
  const id = complaintId.toLowerCase();
  return keyTag(keys.current) + id + days + replyMac(keys.keys[keys.current]!, keys.current, id, days, replyRecipientHash(recipient));
}

/** Whether a string has the shape of a signed reply token (no MAC is computed). */
export function isSignedReplyTokenShape(token: string): boolean {
  return SIGNED_REPLY_SHAPE.test(token);
}

/**
 * The complaint and expiry of a reply token signed by one of `keys` for mail to `sender`, or
 * undefined (malformed, another sender, an unknown key, a changed character). Expiry is the caller's.
 */
export function verifyReplyToken(keys: LinkKeys, token: string, sender: string): { complaintId: string; expiresAt: string } | undefined {
  if (!isSignedReplyTokenShape(token)) return undefined;
  const id = token.slice(1, 27);
  const days = token.slice(27, 31);
  const given = Buffer.from(token.slice(31), 'utf8');
  const recipientHash = replyRecipientHash(sender);
  for (const [keyId, key] of Object.entries(keys.keys)) {
    if (keyTag(keyId) === token[0] && timingSafeEqual(Buffer.from(replyMac(key, keyId, id, days, recipientHash), 'utf8'), given)) {
      return { complaintId: id.toUpperCase(), expiresAt: new Date(REPLY_EPOCH_MS + Number.parseInt(days, 36) * DAY_MS).toISOString() };
    }
  }
  return undefined;
}

import { describe, expect, it } from 'vitest';
import { ulid } from '../../functions/domain/ids.ts';
import { addressedTo } from '../../functions/domain/inbound-mail.ts';
import {
  isSignedTokenShape,
  LinkKeysError,
  MAX_SIGNED_TOKEN_LENGTH,
  parseLinkKeys,
  SIGNED_REPLY_TOKEN_LENGTH,
  signReplyToken,
  signToken,
  verifyReplyToken,
  verifyToken,
} from '../../functions/domain/link-signing.ts';

const SECRET_A = 'a'.repeat(32);
const SECRET_B = 'b'.repeat(40);
const keys = parseLinkKeys(JSON.stringify({ current: 'k1', k1: SECRET_A }));

describe('parseLinkKeys', () => {
  it('reads the secret form: current names the signing key, every other field is a key', () => {
    const parsed = parseLinkKeys(JSON.stringify({ current: 'k2', k1: SECRET_A, k2: SECRET_B }));
    expect(parsed.current).toBe('k2');
    expect(Object.keys(parsed.keys).sort()).toEqual(['k1', 'k2']);
  });

  it.each([
    ['not JSON', '{current', /not a JSON object/],
    ['an array', '[]', /not a JSON object/],
    ['a short key', JSON.stringify({ current: 'k1', k1: 'short' }), /k1 must be a secret of at least 32 characters/],
    ['a key that is not text', JSON.stringify({ current: 'k1', k1: 42 }), /k1 must be a secret/],
    ['a key id with the separator', JSON.stringify({ current: 'k.1', 'k.1': SECRET_A }), /key id 'k\.1'/],
    ['current naming no key', JSON.stringify({ current: 'k2', k1: SECRET_A }), /current must name one of the keys/],
    ['no current', JSON.stringify({ k1: SECRET_A }), /current must name one of the keys/],
  ])('refuses %s, naming what is wrong', (_what, text, message) => {
    expect(() => parseLinkKeys(text)).toThrow(LinkKeysError);
    expect(() => parseLinkKeys(text)).toThrow(message);
  });
});

describe('signed links', () => {
  const payload = ['cust-1', 'zh-CN', 'email', 'x'.repeat(43), 1_900_000_000];

  it('verify to their payload, for their purpose only', () => {
    const token = signToken(keys, 'unsubscribe', payload);
    expect(token).toMatch(/^k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(isSignedTokenShape(token)).toBe(true);
    expect(verifyToken(keys, 'unsubscribe', token)).toEqual(payload);
    expect(verifyToken(keys, 'survey', token)).toBeUndefined();
  });

  it('verify with any listed key, so a rotation keeps older links working, and not once their key is dropped', () => {
    const old = signToken(keys, 'unsubscribe', payload);
    const rotated = parseLinkKeys(JSON.stringify({ current: 'k2', k1: SECRET_A, k2: SECRET_B }));
    const fresh = signToken(rotated, 'unsubscribe', payload);
    expect(fresh.startsWith('k2.')).toBe(true);
    expect(verifyToken(rotated, 'unsubscribe', old)).toEqual(payload);
    expect(verifyToken(rotated, 'unsubscribe', fresh)).toEqual(payload);
    const dropped = parseLinkKeys(JSON.stringify({ current: 'k2', k2: SECRET_B }));
    expect(verifyToken(dropped, 'unsubscribe', old)).toBeUndefined();
    // The same key id with other key material (a secret replaced instead of rotated) verifies nothing.
    expect(verifyToken(parseLinkKeys(JSON.stringify({ current: 'k1', k1: SECRET_B })), 'unsubscribe', old)).toBeUndefined();
  });

  it('refuse every changed character, and other spellings of the same MAC', () => {
    const token = signToken(keys, 'unsubscribe', payload);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const other = alphabet[(alphabet.indexOf(token[i]!) + 1) % alphabet.length]!;
      const changed = token.slice(0, i) + other + token.slice(i + 1);
      expect(verifyToken(keys, 'unsubscribe', changed), `position ${i}`).toBeUndefined();
    }
  });

  it('find no key under an inherited name: a link naming `constructor` or `__proto__` is refused, not a crash', () => {
    for (const keyId of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(verifyToken(keys, 'unsubscribe', `${keyId}.WyJ4Il0.AAAAAAAAAAAAAAAAAAAAAA`), keyId).toBeUndefined();
    }
    expect(() => parseLinkKeys(JSON.stringify({ current: 'constructor', k1: SECRET_A }))).toThrow(/current must name one of the keys/);
  });

  it.each([
    ['empty', ''],
    ['a stored (random) token', 'T2xkTGlua0lzc3VlZEJlZm9yZVRoZUZp'],
    ['two parts', 'k1.abc'],
    ['four parts', 'k1.abc.def.ghi'],
    ['a slash', 'k1.ab/c.AAAAAAAAAAAAAAAAAAAAAA'],
    ['too long', `k1.${'A'.repeat(MAX_SIGNED_TOKEN_LENGTH)}.AAAAAAAAAAAAAAAAAAAAAA`],
  ])('refuse %s without computing a MAC', (_what, token) => {
    expect(isSignedTokenShape(token)).toBe(false);
    expect(verifyToken(keys, 'unsubscribe', token)).toBeUndefined();
  });
});

describe('signed reply tokens', () => {
  const complaintId = ulid(new Date('2026-12-04T10:00:00Z'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  const expires = new Date('2027-06-02T10:00:00Z');
  const token = signReplyToken(keys, complaintId, 'Li.Na@Example.com', expires)!;

  it('fit a reply address: 44 characters of one case, so complaints+<token> stays within 64', () => {
    expect(token).toMatch(/^[a-z2-7][0-9a-z]{43}$/);
    expect(token.slice(1, 27)).toBe(complaintId.toLowerCase());
    expect(token).toHaveLength(SIGNED_REPLY_TOKEN_LENGTH);
    // A mail server that lowers the case of the local part changes nothing.
    expect(addressedTo([`COMPLAINTS+${token.toUpperCase()}@shop.example`], { address: 'complaints@shop.example' })).toEqual({ kind: 'reply', token });
  });

  it('verify for the address they were sent to, in any case or with spaces, to the complaint and the day after the expiry', () => {
    expect(verifyReplyToken(keys, token, ' li.na@example.com ')).toEqual({ complaintId, expiresAt: '2027-06-03T00:00:00.000Z' });
  });

  it('verify for no other sender, with no other key, and after no changed character', () => {
    expect(verifyReplyToken(keys, token, 'someone@example.com')).toBeUndefined();
    expect(verifyReplyToken(parseLinkKeys(JSON.stringify({ current: 'k1', k1: SECRET_B })), token, 'li.na@example.com')).toBeUndefined();
    // Each character replaced by the next one its place allows (the complaint id's Crockford letters, base 36, base32).
    const next = (c: string, i: number) => {
      const alphabet = i === 0 || i >= 31 ? 'abcdefghijklmnopqrstuvwxyz234567' : i < 27 ? '0123456789abcdefghjkmnpqrstvwxyz'.slice(0, i === 1 ? 8 : 32) : '0123456789abcdefghijklmnopqrstuvwxyz';
      return alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!;
    };
    for (let i = 0; i < token.length; i++) {
      const changed = token.slice(0, i) + next(token[i]!, i) + token.slice(i + 1);
      expect(changed).not.toBe(token);
      expect(verifyReplyToken(keys, changed, 'li.na@example.com'), `position ${i}`).toBeUndefined();
    }
  });

  it('survive a rotation: a token signed with the older key verifies while that key is listed', () => {
    const rotated = parseLinkKeys(JSON.stringify({ current: 'k2', k1: SECRET_A, k2: SECRET_B }));
    expect(verifyReplyToken(rotated, token, 'li.na@example.com')?.complaintId).toBe(complaintId);
    const fresh = signReplyToken(rotated, complaintId, 'li.na@example.com', expires)!;
    expect(verifyReplyToken(rotated, fresh, 'li.na@example.com')?.complaintId).toBe(complaintId);
    expect(verifyReplyToken(keys, fresh, 'li.na@example.com')).toBeUndefined();
  });

  it('are not made for a complaint id that is not a ULID, and stored tokens are not mistaken for them', () => {
    expect(signReplyToken(keys, 'complaint-1', 'li.na@example.com', expires)).toBeUndefined();
    expect(verifyReplyToken(keys, 'abcdefghijklmnopqrstuvwxyz234567', 'li.na@example.com')).toBeUndefined();
  });
});

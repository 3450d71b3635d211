const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters). Ids sort by
 * receipt time and are not guessable.
 * @param random at least 10 random bytes
 */
export function ulid(now: Date, random: Uint8Array): string {
  if (random.length < 10) throw new RangeError('ulid needs 10 random bytes');
  let time = now.getTime();
  let timePart = '';
  for (let i = 0; i < 10; i += 1) {
    timePart = CROCKFORD[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  let bits = 0n;
  for (let i = 0; i < 10; i += 1) bits = (bits << 8n) | BigInt(random[i]!);
  let randomPart = '';
  for (let i = 0; i < 16; i += 1) {
    randomPart = CROCKFORD[Number(bits & 31n)] + randomPart;
    bits >>= 5n;
  }
  return timePart + randomPart;
}

/** Short references: a prefix, then 8 Crockford base32 characters in two groups of four. */
export const REF_PATTERN = /^[A-Z]{1,3}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * A short human reference such as `YX-4K7M-9QD2` (10–12 characters) that a customer can read over
 * the phone: 40 random bits in Crockford base32, which has no I, L, O or U to mistake. Uniqueness is
 * enforced where it is stored (see `ComplaintRepository.create`).
 * @param random at least 5 random bytes
 */
export function shortRef(prefix: string, random: Uint8Array): string {
  if (random.length < 5) throw new RangeError('shortRef needs 5 random bytes');
  let bits = 0n;
  for (let i = 0; i < 5; i += 1) bits = (bits << 8n) | BigInt(random[i]!);
  let out = '';
  for (let i = 0; i < 8; i += 1) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `${prefix}-${out.slice(0, 4)}-${out.slice(4)}`;
}

/** A reference as people type or read it out: any case, groups apart by dashes, spaces or nothing. */
const TYPED_REF = /^([A-Z]{1,3})[\s-]*([0-9A-Z]{4})[\s-]*([0-9A-Z]{4})$/;

/**
 * The reference a person meant (`yx thmn pd33`, `YXTHMNPD33`, `yx-thmn-pd3l` → `YX-THMN-PD31`):
 * case, spaces and dashes forgiven, and in the code O read as 0, I and L as 1 (Crockford's base 32
 * has none of them).
 * @returns the canonical reference, or undefined when the text cannot be one
 */
export function parseRef(text: string): string | undefined {
  const m = TYPED_REF.exec(text.trim().toUpperCase());
  if (!m) return undefined;
  const code = (group: string) => group.replace(/O/g, '0').replace(/[IL]/g, '1');
  const ref = `${m[1]}-${code(m[2]!)}-${code(m[3]!)}`;
  return REF_PATTERN.test(ref) ? ref : undefined;
}

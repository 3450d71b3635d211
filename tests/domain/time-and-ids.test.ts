import { describe, expect, it } from 'vitest';
import { ulid } from '../../functions/domain/ids.ts';
import { parseDuration } from '../../functions/domain/time.ts';

describe('parseDuration', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['PT30M', 1_800_000],
    ['P7D', 7 * 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT2H', 26 * 3_600_000],
    ['PT1.5S', 1500],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '1H', 'P1M', 'P1Y', 'PT-1H', 'P1DT'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('ulid', () => {
  it('is 26 Crockford characters that sort by time', () => {
    const zero = new Uint8Array(10);
    const a = ulid(new Date('2026-01-01T00:00:00Z'), zero);
    const b = ulid(new Date('2026-01-01T00:00:00.001Z'), zero);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(ulid(new Date(0), new Uint8Array(10).fill(255)).slice(10)).toBe('ZZZZZZZZZZZZZZZZ');
  });
});

import { describe, expect, it } from 'vitest';
import { ulid } from '../../functions/domain/ids.ts';
import { formatNamedTime, formatLocalTime, formatShortTime, formatWithin, parseDuration } from '../../functions/domain/time.ts';

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

describe('times for people', () => {
  const t = new Date('2026-11-24T14:15:00Z');
  it.each([
    ['Asia/Shanghai', 'en', '2026-11-24 22:15 (Asia/Shanghai)'],
    ['America/New_York', 'en', '2026-11-24 09:15 (America/New_York)'],
    // Etc/GMT+5 is five hours behind UTC: its name would read backwards, so the offset is shown.
    ['Etc/GMT+5', 'en', '2026-11-24 09:15 (GMT-5)'],
    ['Etc/GMT-8', 'zh-CN', '2026-11-24 22:15 (GMT+8)'],
    ['Etc/UTC', 'en', '2026-11-24 14:15 (UTC)'],
  ])('%s (%s) is written %s', (zone, locale, text) => {
    expect(formatLocalTime(t, zone, locale)).toBe(text);
  });

  it('writes SMS times with the offset, never an Etc name', () => {
    expect(formatShortTime(t, 'Etc/GMT+5', 'en')).toBe('24 Nov 09:15 GMT-5');
    expect(formatShortTime(t, 'Etc/GMT+5', 'zh-CN')).toBe('11月24日 09:15（GMT-5）');
  });
});

describe('formatNamedTime', () => {
  const t = new Date('2026-11-24T14:15:00Z');
  it.each([
    ['Asia/Shanghai', 'en', '2026-11-24 22:15 (China Standard Time)'],
    ['Asia/Shanghai', 'zh-CN', '2026-11-24 22:15（北京时间）'],
    ['America/New_York', 'en', '2026-11-24 09:15 (Eastern Standard Time)'],
    ['America/New_York', 'zh-CN', '2026-11-24 09:15（北美东部标准时间）'],
    ['Etc/GMT+5', 'en', '2026-11-24 09:15 (GMT-5)'],
    ['Etc/UTC', 'zh-CN', '2026-11-24 14:15（UTC）'],
  ])('%s in %s: %s (the zone as people name it, never an IANA id)', (zone, locale, text) => {
    expect(formatNamedTime(t, zone, locale)).toBe(text);
  });

  it('names summer time in summer', () => {
    expect(formatNamedTime(new Date('2026-07-01T12:00:00Z'), 'America/New_York', 'en')).toBe('2026-07-01 08:00 (Eastern Daylight Time)');
  });
});

describe('formatWithin', () => {
  it.each([
    [1, 'en', '1 hour'],
    [3_600_000, 'en', '1 hour'],
    [3_600_001, 'zh-CN', '2 小时'],
    [47 * 3_600_000, 'en', '47 hours'],
    [47 * 3_600_000 + 1, 'en', '2 days'],
    [4.2 * 86_400_000, 'en', '5 days'],
    [4.2 * 86_400_000, 'zh-CN', '5 天'],
  ])('%d ms (%s) → %s, rounded up', (ms, locale, text) => {
    expect(formatWithin(ms, locale)).toBe(text);
  });

  it('says nothing for a time already due', () => {
    expect(formatWithin(0, 'en')).toBeUndefined();
    expect(formatWithin(-5, 'zh-CN')).toBeUndefined();
    expect(formatWithin(Number.NaN, 'en')).toBeUndefined();
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

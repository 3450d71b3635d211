import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, isBusinessTime, uncachedBusinessTime } from '../../functions/domain/business-time.ts';
import type { BusinessHours } from '../../functions/domain/config.ts';
import { HOUR_MS } from '../../functions/domain/time.ts';
import { defaultConfig } from '../fixtures/config.ts';

const shipped = defaultConfig.departments.find((d) => d.businessHours?.holidaySchedule === 'cn-mainland')!.businessHours!;
const CALENDARS: Record<string, BusinessHours> = {
  'shipped cn-mainland': shipped,
  'Berlin with DST and a holiday': { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: ['2026-12-24'] },
  'New York nights around DST': { timeZone: 'America/New_York', days: [6, 7], start: '01:00', end: '04:00', holidays: [], workdays: ['2026-03-11'] },
  'Lord Howe half-hour DST': { timeZone: 'Australia/Lord_Howe', days: [1, 2, 3, 4, 5, 6, 7], start: '02:00', end: '23:00', holidays: [] },
};

/** Instants from 2025 to mid-2027: across the schedule's 调休 days, DST changes and its end of data. */
const instant = fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2027-06-30T00:00:00Z') }).map((ms) => new Date(ms));
const calendar = fc.constantFrom(...Object.keys(CALENDARS));

describe('the SLA computation cache gives exactly the uncached answers', () => {
  it('addBusinessTime', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 0, max: 300 * HOUR_MS }), (name, start, duration) => {
        const cal = CALENDARS[name]!;
        expect(addBusinessTime(start, duration, cal).toISOString()).toBe(uncachedBusinessTime.addBusinessTime(start, duration, cal).toISOString());
      }),
      { numRuns: 300 },
    );
  });

  it('businessTimeBetween', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: -HOUR_MS, max: 60 * 24 * HOUR_MS }), (name, from, span) => {
        const cal = CALENDARS[name]!;
        const to = new Date(from.getTime() + span);
        expect(businessTimeBetween(from, to, cal)).toBe(uncachedBusinessTime.businessTimeBetween(from, to, cal));
      }),
      { numRuns: 300 },
    );
  });

  it('isBusinessTime', () => {
    fc.assert(
      fc.property(calendar, instant, (name, t) => {
        const cal = CALENDARS[name]!;
        expect(isBusinessTime(t, cal)).toBe(uncachedBusinessTime.isBusinessTime(t, cal));
      }),
      { numRuns: 1000 },
    );
  });
});

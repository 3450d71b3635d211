import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../functions/domain/config.ts';
import {
  addBusinessTime,
  businessTimeBetween,
  isBusinessTime,
  isWithinDailyWindow,
  localParts,
  nextWindowEnd,
  zonedTime,
} from '../../functions/domain/business-time.ts';
import { HOUR_MS, MINUTE_MS } from '../../functions/domain/time.ts';
import { defaultConfig } from '../fixtures/config.ts';

const at = (iso: string) => new Date(iso);

/** Shanghai office hours without holidays: UTC+8 all year, so local 09:00 is 01:00Z and 18:00 is 10:00Z. */
const shanghai: BusinessHours = { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: [] };

/** The shipped customer-service calendar: Monday to Friday with the official mainland schedule (cn-mainland). */
const shippedCalendar = defaultConfig.departments.find((d) => d.id === 'customer-service')?.businessHours;
if (!shippedCalendar) throw new Error('the shipped config lost the customer-service calendar');

/** Night shift on Sundays only, spanning the hour New York skips or repeats. */
const newYorkSundayNight: BusinessHours = { timeZone: 'America/New_York', days: [7], start: '01:00', end: '04:00', holidays: [] };
/** Almost the whole day, every day: a DST day's length shows directly. */
const newYorkAllDay: BusinessHours = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59', holidays: [] };
const berlin: BusinessHours = { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: [] };
/** Exactly the hour Berlin skips on 2026-03-29 and repeats on 2026-10-25. */
const berlinSundayGapHour: BusinessHours = { timeZone: 'Europe/Berlin', days: [7], start: '02:00', end: '03:00', holidays: [] };

describe('addBusinessTime', () => {
  it.each<[string, string, number, BusinessHours | undefined, string]>([
    // No calendar: the SLA clock runs around the clock, so it is plain addition straight through the weekend.
    ['24/7 plain addition', '2026-03-06T20:00:00+08:00', 8 * HOUR_MS, undefined, '2026-03-07T04:00:00+08:00'],
    // 2026-03-06 is a Friday. Friday evening and the weekend do not count; Monday 09:00 + 8 h = 17:00.
    ['first response received Friday 20:00', '2026-03-06T20:00:00+08:00', 8 * HOUR_MS, shanghai, '2026-03-09T17:00:00+08:00'],
    // Received Saturday morning: nothing counts until Monday's opening, so the same 8 h end Monday 17:00.
    ['received on Saturday', '2026-03-07T10:00:00+08:00', 8 * HOUR_MS, shanghai, '2026-03-09T17:00:00+08:00'],
    // Before opening on a working day: counting starts at 09:00 that day.
    ['received Monday 07:30', '2026-03-09T07:30:00+08:00', 2 * HOUR_MS, shanghai, '2026-03-09T11:00:00+08:00'],
    // Inside hours: plain addition while the day lasts.
    ['start inside hours', '2026-03-09T10:30:00+08:00', 2 * HOUR_MS, shanghai, '2026-03-09T12:30:00+08:00'],
    // Monday 16:00 leaves 2 h that day; the other 2 h run from Tuesday 09:00.
    ['spills into the next day', '2026-03-09T16:00:00+08:00', 4 * HOUR_MS, shanghai, '2026-03-10T11:00:00+08:00'],
    // A full 9 h day from opening ends exactly at closing: 18:00 Monday, not 09:00 Tuesday.
    ['exactly at closing (whole day)', '2026-03-09T09:00:00+08:00', 9 * HOUR_MS, shanghai, '2026-03-09T18:00:00+08:00'],
    // The last business hour of the day also ends at closing.
    ['exactly at closing (last hour)', '2026-03-09T17:00:00+08:00', HOUR_MS, shanghai, '2026-03-09T18:00:00+08:00'],
    // One millisecond more than is left today is the first millisecond of tomorrow's hours.
    ['one ms past closing', '2026-03-09T17:00:00+08:00', HOUR_MS + 1, shanghai, '2026-03-10T09:00:00.001+08:00'],
    // Friday 17:00 leaves 1 h on Friday; 2 h more is Monday 09:00 + 2 h = 11:00 (week boundary, not calendar days).
    ['Friday afternoon over the weekend', '2026-03-06T17:00:00+08:00', 3 * HOUR_MS, shanghai, '2026-03-09T11:00:00+08:00'],
    // Zero duration: nothing needs to elapse, so the answer is the start itself, even on a Saturday.
    ['zero duration outside hours', '2026-03-07T12:00:00+08:00', 0, shanghai, '2026-03-07T12:00:00+08:00'],
    ['zero duration inside hours', '2026-03-09T10:00:00+08:00', 0, shanghai, '2026-03-09T10:00:00+08:00'],
    // Shipped calendar: Wed 2026-09-30 17:00 has 1 h left. Thu 1, Fri 2 are holidays, Sat 3 / Sun 4 weekend,
    // Mon 5 - Wed 7 holidays, so the second hour is Thursday 2026-10-08 09:00-10:00.
    ['National Day holidays skipped', '2026-09-30T17:00:00+08:00', 2 * HOUR_MS, shippedCalendar, '2026-10-08T10:00:00+08:00'],
    // Year end: Thu 2026-12-31 17:00 has 1 h left; 2027-01-01 (Friday) is a shipped holiday, then the weekend,
    // so the second hour is Monday 2027-01-04 09:00-10:00.
    ['across the year end and New Year holiday', '2026-12-31T17:00:00+08:00', 2 * HOUR_MS, shippedCalendar, '2027-01-04T10:00:00+08:00'],
    // Three full weeks of 5 x 9 h from Monday 09:00 end at the third Friday's closing, 2026-03-27 18:00.
    ['multi-week', '2026-03-09T09:00:00+08:00', 3 * 5 * 9 * HOUR_MS, shanghai, '2026-03-27T18:00:00+08:00'],
  ])('%s', (_name, start, duration, calendar, expected) => {
    expect(addBusinessTime(at(start), duration, calendar).toISOString()).toBe(at(expected).toISOString());
  });

  it('refuses a negative or non-finite duration and an invalid start', () => {
    expect(() => addBusinessTime(at('2026-03-09T10:00:00Z'), -1, shanghai)).toThrow(RangeError);
    expect(() => addBusinessTime(at('2026-03-09T10:00:00Z'), Number.NaN, undefined)).toThrow(RangeError);
    expect(() => addBusinessTime(at('2026-03-09T10:00:00Z'), Number.POSITIVE_INFINITY, shanghai)).toThrow(RangeError);
    expect(() => addBusinessTime(new Date(Number.NaN), HOUR_MS, shanghai)).toThrow(RangeError);
  });
});

describe('daylight saving time', () => {
  it.each<[string, string, number, BusinessHours, string]>([
    // New York 2026-03-08 (Sunday): 02:00 EST jumps to 03:00 EDT at 07:00Z. The shift opens 01:00 EST (06:00Z);
    // one real hour later the clock reads 03:00 EDT, so 90 minutes end at 03:30 EDT = 07:30Z.
    ['New York spring-forward, 90 min into the shift', '2026-03-07T12:00:00-05:00', 90 * MINUTE_MS, newYorkSundayNight, '2026-03-08T07:30:00Z'],
    // The shift is only 2 real hours that night (01:00 EST-04:00 EDT), so 2 h end exactly at closing, 08:00Z.
    ['New York spring-forward, whole shift', '2026-03-08T01:00:00-05:00', 2 * HOUR_MS, newYorkSundayNight, '2026-03-08T04:00:00-04:00'],
    // 3 h need the next Sunday: 2 h on 03-08, then 1 h from 2026-03-15 01:00 EDT (05:00Z) = 06:00Z.
    ['New York spring-forward, into next Sunday', '2026-03-08T01:00:00-05:00', 3 * HOUR_MS, newYorkSundayNight, '2026-03-15T02:00:00-04:00'],
    // New York 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00Z. The shift opens at the first 01:00
    // (EDT, 05:00Z); 90 real minutes later it is 06:30Z, which the clock shows as the second 01:30 (EST).
    ['New York fall-back, 90 min into the shift', '2026-10-31T12:00:00-04:00', 90 * MINUTE_MS, newYorkSundayNight, '2026-11-01T01:30:00-05:00'],
    // That night's shift is 4 real hours (01:00 EDT-04:00 EST = 05:00Z-09:00Z), so 4 h end exactly at closing.
    ['New York fall-back, whole shift', '2026-11-01T01:00:00-04:00', 4 * HOUR_MS, newYorkSundayNight, '2026-11-01T04:00:00-05:00'],
    // Berlin 2026-03-29 (Sunday): 02:00 CET jumps to 03:00 CEST. Friday 17:00 CET leaves 1 h; the second hour is
    // Monday 09:00-10:00 CEST, i.e. 08:00Z (adding 2 h at the winter offset would wrongly give 09:00Z).
    ['Berlin spring-forward weekend, office hours stay 09:00 local', '2026-03-27T17:00:00+01:00', 2 * HOUR_MS, berlin, '2026-03-30T10:00:00+02:00'],
    // Berlin 2026-10-25 back to CET: Friday 17:00 CEST + 2 h is Monday 10:00 CET = 09:00Z.
    ['Berlin fall-back weekend', '2026-10-23T17:00:00+02:00', 2 * HOUR_MS, berlin, '2026-10-26T10:00:00+01:00'],
    // 02:00-03:00 does not exist in Berlin on 2026-03-29, so that Sunday has no working time at all;
    // 30 min are worked the next Sunday, 2026-04-05 02:00-02:30 CEST.
    ['Berlin working hours wholly inside the gap', '2026-03-28T12:00:00+01:00', 30 * MINUTE_MS, berlinSundayGapHour, '2026-04-05T02:30:00+02:00'],
    // 02:00-03:00 happens twice in Berlin on 2026-10-25: opening is the first 02:00 (CEST, 00:00Z), closing is
    // 03:00 CET (02:00Z), so 90 min from opening end at the second 02:30 (CET) = 01:30Z.
    ['Berlin working hours spanning the repeated hour', '2026-10-24T12:00:00+02:00', 90 * MINUTE_MS, berlinSundayGapHour, '2026-10-25T01:30:00Z'],
  ])('%s', (_name, start, duration, calendar, expected) => {
    expect(addBusinessTime(at(start), duration, calendar).toISOString()).toBe(at(expected).toISOString());
  });

  it.each<[string, string, string, BusinessHours, number]>([
    // Spring-forward night: 01:00 EST to 04:00 EDT is 06:00Z-08:00Z, two real hours.
    ['New York 2026-03-08 shift', '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00', newYorkSundayNight, 2 * HOUR_MS],
    // Fall-back night: 01:00 EDT to 04:00 EST is 05:00Z-09:00Z, four real hours.
    ['New York 2026-11-01 shift', '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00', newYorkSundayNight, 4 * HOUR_MS],
    // 00:00-23:59 on a 23 h day: 23 h 59 min of wall clock minus the skipped hour.
    ['New York 2026-03-08 all day', '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00', newYorkAllDay, 22 * HOUR_MS + 59 * MINUTE_MS],
    // 00:00-23:59 on a 25 h day: the repeated hour is worked twice.
    ['New York 2026-11-01 all day', '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00', newYorkAllDay, 24 * HOUR_MS + 59 * MINUTE_MS],
    // The gap swallows Berlin's 02:00-03:00 on 2026-03-29 entirely.
    ['Berlin gap hour', '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', berlinSundayGapHour, 0],
    // ...and doubles it on 2026-10-25: first 02:00 (CEST) to 03:00 CET.
    ['Berlin repeated hour', '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00', berlinSundayGapHour, 2 * HOUR_MS],
  ])('businessTimeBetween over %s', (_name, from, to, calendar, expected) => {
    expect(businessTimeBetween(at(from), at(to), calendar)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    // 01:30 EST, the second 01:30 of 2026-11-01: still inside the 01:00-04:00 shift.
    ['second 01:30 on fall-back night', '2026-11-01T06:30:00Z', true],
    // 03:00 EDT is the first instant after the spring-forward gap, inside the shift.
    ['first instant after the gap', '2026-03-08T07:00:00Z', true],
    // 04:00 EDT is closing time: closing is exclusive.
    ['closing on spring-forward night', '2026-03-08T08:00:00Z', false],
    // 00:59 EST on 2026-03-08: one minute before opening.
    ['before opening', '2026-03-08T05:59:00Z', false],
  ])('isBusinessTime at %s', (_name, t, expected) => {
    expect(isBusinessTime(at(t), newYorkSundayNight)).toBe(expected);
  });
});

describe('businessTimeBetween', () => {
  it.each<[string, string, string, BusinessHours | undefined, number]>([
    // Friday 20:00 to Saturday 23:00 holds no working hours, so a complaint from Friday evening has used none of its SLA.
    ['received Friday evening is not overdue on Saturday', '2026-03-06T20:00:00+08:00', '2026-03-07T23:00:00+08:00', shanghai, 0],
    // Friday 17:00-18:00, then Monday 09:00-10:30: 2.5 h.
    ['across a weekend', '2026-03-06T17:00:00+08:00', '2026-03-09T10:30:00+08:00', shanghai, 2.5 * HOUR_MS],
    // Without a calendar every millisecond counts: 27 h.
    ['24/7', '2026-03-06T20:00:00+08:00', '2026-03-07T23:00:00+08:00', undefined, 27 * HOUR_MS],
    // An empty or reversed range holds nothing.
    ['to equals from', '2026-03-09T10:00:00+08:00', '2026-03-09T10:00:00+08:00', shanghai, 0],
    ['to before from', '2026-03-09T12:00:00+08:00', '2026-03-09T10:00:00+08:00', undefined, 0],
    // Whole National Day week (Thu 10-01 to Wed 10-07) in the shipped calendar: all holidays or weekend.
    ['holiday week', '2026-10-01T00:00:00+08:00', '2026-10-08T00:00:00+08:00', shippedCalendar, 0],
  ])('%s', (_name, from, to, calendar, expected) => {
    expect(businessTimeBetween(at(from), at(to), calendar)).toBe(expected);
  });
});

describe('long durations', () => {
  it('a 90-day (2160 business hour) target is computed day by day, quickly', () => {
    const withNationalDay: BusinessHours = { ...shanghai, holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'] };
    const started = performance.now();
    const due = addBusinessTime(at('2026-01-05T09:00:00+08:00'), 2160 * HOUR_MS, withNationalDay);
    const elapsed = performance.now() - started;
    // 2160 h / 9 h = 240 working days = 48 weeks from Monday 01-05, whose last Friday is 2026-12-04; the five
    // weekday holidays push that five working days on, to Friday 2026-12-11, ending exactly at 18:00.
    expect(due.toISOString()).toBe(at('2026-12-11T18:00:00+08:00').toISOString());
    expect(businessTimeBetween(at('2026-01-05T09:00:00+08:00'), due, withNationalDay)).toBe(2160 * HOUR_MS);
    // About 340 calendar days of a few Intl calls each take milliseconds; a per-minute loop would take seconds.
    expect(elapsed).toBeLessThan(500);
  });

  it('24/7 for 90 days is plain addition', () => {
    // No calendar: 90 x 24 h of wall time, regardless of zones.
    expect(addBusinessTime(at('2026-01-05T01:00:00Z'), 90 * 24 * HOUR_MS, undefined).toISOString()).toBe('2026-04-05T01:00:00.000Z');
  });
});

describe('businessTimeBetween inverts addBusinessTime', () => {
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata'];
  // Starts near the 2026 transitions of these zones, so the random cases cross gaps and overlaps often.
  const transitions = [
    '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z',
    '2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z', '2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z',
  ].map((s) => Date.parse(s));
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

  const calendarArb = fc
    .record({
      zone: fc.constantFrom(...zones),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      start: fc.integer({ min: 0, max: 1438 }),
      length: fc.integer({ min: 1, max: 1439 }),
      holidays: fc.array(fc.integer({ min: 0, max: 420 }), { maxLength: 6 }),
    })
    .map(({ zone, days, start, length, holidays }): BusinessHours => ({
      timeZone: zone,
      days,
      start: hhmm(start),
      end: hhmm(Math.min(1439, start + length)),
      holidays: holidays.map((d) => new Date(Date.UTC(2025, 11, 1) + d * 86_400_000).toISOString().slice(0, 10)),
    }));
  const startArb = fc.oneof(
    fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 0, 31) }),
    fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 })).map(([t, d]) => t + d),
  );

  it('for a few hundred seeded random calendars, starts and durations', () => {
    fc.assert(
      fc.property(calendarArb, startArb, fc.integer({ min: 1, max: 6_000_000 }), (calendar, startMs, scale) => {
        const [sh, sm] = calendar.start.split(':').map(Number);
        const [eh, em] = calendar.end.split(':').map(Number);
        const dailyMs = ((eh ?? 0) * 60 + (em ?? 0) - (sh ?? 0) * 60 - (sm ?? 0)) * MINUTE_MS;
        // Up to about six weeks of this calendar's business time, so sparse calendars stay quick.
        const duration = Math.max(1, Math.round((scale / 1_000_000) * dailyMs * calendar.days.length));
        const start = new Date(startMs);
        const due = addBusinessTime(start, duration, calendar);
        expect(businessTimeBetween(start, due, calendar)).toBe(duration);
        // "Earliest": the last millisecond before the due instant was business time.
        expect(isBusinessTime(new Date(due.getTime() - 1), calendar)).toBe(true);
        // isBusinessTime agrees with the millisecond that follows it.
        expect(isBusinessTime(start, calendar)).toBe(businessTimeBetween(start, new Date(startMs + 1), calendar) === 1);
      }),
      { seed: 20260308, numRuns: 300 },
    );
  });
});

describe('localParts', () => {
  it.each<[string, string, string, { date: string; weekday: number; minutes: number }]>([
    // 12:00Z is 20:00 in Shanghai (UTC+8) on Friday 2026-03-06.
    ['Shanghai evening', '2026-03-06T12:00:00Z', 'Asia/Shanghai', { date: '2026-03-06', weekday: 5, minutes: 20 * 60 }],
    // 16:30Z is already 00:30 Saturday in Shanghai: the local date differs from the UTC date.
    ['local date ahead of UTC', '2026-03-06T16:30:00Z', 'Asia/Shanghai', { date: '2026-03-07', weekday: 6, minutes: 30 }],
    // 07:00Z on 2026-03-08 is the first instant after New York's gap: 03:00 EDT on a Sunday.
    ['New York after the gap', '2026-03-08T07:00:00Z', 'America/New_York', { date: '2026-03-08', weekday: 7, minutes: 180 }],
    // 05:30Z and 06:30Z on 2026-11-01 both read 01:30 in New York (EDT, then EST).
    ['New York first 01:30', '2026-11-01T05:30:00Z', 'America/New_York', { date: '2026-11-01', weekday: 7, minutes: 90 }],
    ['New York second 01:30', '2026-11-01T06:30:00Z', 'America/New_York', { date: '2026-11-01', weekday: 7, minutes: 90 }],
    // Seconds are dropped: 09:59:59 is minute 599.
    ['seconds truncated', '2026-03-09T01:59:59.999Z', 'Asia/Shanghai', { date: '2026-03-09', weekday: 1, minutes: 599 }],
    // New Year's Eve 23:59 local, across the UTC midnight already passed.
    ['year end', '2026-12-31T15:59:00Z', 'Asia/Shanghai', { date: '2026-12-31', weekday: 4, minutes: 1439 }],
  ])('%s', (_name, t, zone, expected) => {
    expect(localParts(at(t), zone)).toEqual(expected);
  });
});

describe('zonedTime', () => {
  it.each<[string, string, number, string, string]>([
    // No DST in Shanghai: local 20:00 is 12:00Z.
    ['plain', '2026-03-06', 20 * 60, 'Asia/Shanghai', '2026-03-06T12:00:00.000Z'],
    // 1440 minutes is the next local midnight.
    ['next midnight', '2026-03-06', 1440, 'Asia/Shanghai', '2026-03-06T16:00:00.000Z'],
    // 02:30 does not exist in New York on 2026-03-08: the gap ends at 03:00 EDT = 07:00Z.
    ['New York gap', '2026-03-08', 150, 'America/New_York', '2026-03-08T07:00:00.000Z'],
    // 02:00 itself is the first skipped minute: also the gap's end.
    ['New York gap start', '2026-03-08', 120, 'America/New_York', '2026-03-08T07:00:00.000Z'],
    // 03:00 is the first real time after the gap: EDT, 07:00Z.
    ['New York just after the gap', '2026-03-08', 180, 'America/New_York', '2026-03-08T07:00:00.000Z'],
    // 01:30 happens twice on 2026-11-01; the earlier is EDT (UTC-4) = 05:30Z.
    ['New York overlap', '2026-11-01', 90, 'America/New_York', '2026-11-01T05:30:00.000Z'],
    // Berlin's gap on 2026-03-29 ends at 03:00 CEST = 01:00Z.
    ['Berlin gap', '2026-03-29', 150, 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
    // Berlin's 02:30 on 2026-10-25 happens twice; the earlier is CEST (UTC+2) = 00:30Z.
    ['Berlin overlap', '2026-10-25', 150, 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    // Lord Howe moves 30 minutes: 02:00 -> 02:30 (+11:00) on 2026-10-04, so 02:15 maps to 02:30 = 15:30Z the day before.
    ['half-hour gap', '2026-10-04', 135, 'Australia/Lord_Howe', '2026-10-03T15:30:00.000Z'],
    // Samoa skipped all of 2011-12-30 (UTC-10 to UTC+14): its noon maps to the end of the gap, 2011-12-31 00:00 +14.
    ['whole skipped day', '2011-12-30', 720, 'Pacific/Apia', '2011-12-30T10:00:00.000Z'],
  ])('%s', (_name, date, minutes, zone, expected) => {
    expect(zonedTime(date, minutes, zone).toISOString()).toBe(expected);
  });

  it('round-trips with localParts wherever the local time exists once', () => {
    // Every quarter hour of New York's spring-forward day, except the skipped 02:00-02:59.
    for (let m = 0; m < 1440; m += 15) {
      if (m >= 120 && m < 180) continue;
      const t = zonedTime('2026-03-08', m, 'America/New_York');
      expect(localParts(t, 'America/New_York')).toEqual({ date: '2026-03-08', weekday: 7, minutes: m });
    }
  });

  it('refuses a date that is not a calendar date', () => {
    expect(() => zonedTime('2026-02-30', 0, 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => zonedTime('30/09/2026', 0, 'Asia/Shanghai')).toThrow(RangeError);
  });
});

describe('daily windows (quiet hours)', () => {
  const quiet = { start: '22:00', end: '08:00', timeZone: 'Asia/Shanghai' };
  const office = { start: '09:00', end: '18:00', timeZone: 'Asia/Shanghai' };
  const newYorkQuiet = { start: '22:00', end: '08:00', timeZone: 'America/New_York' };
  const newYorkShort = { start: '22:00', end: '01:30', timeZone: 'America/New_York' };

  it.each<[string, { start: string; end: string; timeZone: string }, string, boolean]>([
    // Wrapping window 22:00-08:00: start inclusive, end exclusive, both sides of midnight inside.
    ['21:59 is before quiet hours', quiet, '2026-03-09T21:59:00+08:00', false],
    ['22:00 starts quiet hours', quiet, '2026-03-09T22:00:00+08:00', true],
    ['23:59 is quiet', quiet, '2026-03-09T23:59:00+08:00', true],
    ['00:00 is quiet', quiet, '2026-03-10T00:00:00+08:00', true],
    ['07:59 is quiet', quiet, '2026-03-10T07:59:59+08:00', true],
    ['08:00 ends quiet hours', quiet, '2026-03-10T08:00:00+08:00', false],
    // A window that does not wrap: [09:00, 18:00).
    ['09:00 opens the office window', office, '2026-03-09T09:00:00+08:00', true],
    ['18:00 is outside the office window', office, '2026-03-09T18:00:00+08:00', false],
    ['03:00 is outside the office window', office, '2026-03-09T03:00:00+08:00', false],
    // start === end is an empty window, not a full day.
    ['an empty window holds nothing', { start: '08:00', end: '08:00', timeZone: 'Asia/Shanghai' }, '2026-03-09T08:00:00+08:00', false],
  ])('isWithinDailyWindow: %s', (_name, window, t, expected) => {
    expect(isWithinDailyWindow(at(t), window)).toBe(expected);
  });

  it.each<[string, { start: string; end: string; timeZone: string }, string, string]>([
    // Before midnight inside a wrapping window: it ends tomorrow at 08:00.
    ['late evening waits until the morning', quiet, '2026-03-09T23:00:00+08:00', '2026-03-10T08:00:00+08:00'],
    // After midnight: it ends today at 08:00.
    ['small hours wait until 08:00 today', quiet, '2026-03-10T03:00:00+08:00', '2026-03-10T08:00:00+08:00'],
    // Outside the window nothing waits: the answer is t itself.
    ['outside quiet hours nothing waits', quiet, '2026-03-10T12:00:00+08:00', '2026-03-10T12:00:00+08:00'],
    // Non-wrapping window: ends at 18:00 the same day.
    ['office window ends at 18:00', office, '2026-03-09T10:00:00+08:00', '2026-03-09T18:00:00+08:00'],
    // Saturday 2026-03-07 23:00 EST: the night loses an hour, and 08:00 Sunday is EDT = 12:00Z (8 real hours later).
    ['New York quiet night across spring-forward', newYorkQuiet, '2026-03-07T23:00:00-05:00', '2026-03-08T08:00:00-04:00'],
    // Inside the window at 00:30 EDT on 2026-11-01: it ends at the first 01:30 (EDT, 05:30Z).
    ['closing time that happens twice, first pass', newYorkShort, '2026-11-01T00:30:00-04:00', '2026-11-01T01:30:00-04:00'],
    // At 01:15 EST the clock is back inside 22:00-01:30; the window now ends at the second 01:30 (EST, 06:30Z).
    ['closing time that happens twice, second pass', newYorkShort, '2026-11-01T01:15:00-05:00', '2026-11-01T01:30:00-05:00'],
  ])('nextWindowEnd: %s', (_name, window, t, expected) => {
    const end = nextWindowEnd(at(t), window);
    expect(end.toISOString()).toBe(at(expected).toISOString());
    expect(isWithinDailyWindow(end, window)).toBe(false);
  });

  it('refuses a time that is not HH:MM', () => {
    expect(() => isWithinDailyWindow(at('2026-03-09T00:00:00Z'), { start: '22', end: '08:00', timeZone: 'Asia/Shanghai' })).toThrow(RangeError);
  });
});

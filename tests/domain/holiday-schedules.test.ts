import { readFileSync } from 'node:fs';
import { isHoliday, isWorkday } from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { chineseDaysData, renderCnMainland, statutoryEntry, STATUTORY_YEARS } from '../../functions/cli/build-holiday-schedules.ts';
import { addBusinessTime, businessTimeBetween, isBusinessTime } from '../../functions/domain/business-time.ts';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { parseConfig, type BusinessHours } from '../../functions/domain/config.ts';
import { statutoryHolidays } from '../../functions/domain/holiday-schedule-data.ts';
import { HOLIDAY_SCHEDULE_COVERAGE, holidayScheduleWarnings } from '../../functions/domain/holiday-schedules.ts';
import { HOUR_MS } from '../../functions/domain/time.ts';
import { defaultConfig, rawDefaultConfig } from '../fixtures/config.ts';

const weekdays: BusinessHours = { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: [] };
const official: BusinessHours = { ...weekdays, holidaySchedule: 'cn-mainland' };
const noonOf = (date: string) => new Date(`${date}T12:00:00+08:00`);

describe('the cn-mainland holiday schedule', () => {
  it('is exactly what the installed chinese-days package holds (run `npm run calendars` after updating it)', () => {
    const file = readFileSync(new URL('../../functions/domain/calendars/cn-mainland.ts', import.meta.url), 'utf8');
    expect(file).toBe(renderCnMainland(chineseDaysData()));
  });

  it('agrees with the package on every date it covers: worked or not, Monday to Friday plus 调休', () => {
    const first = Date.parse(`${HOLIDAY_SCHEDULE_COVERAGE['cn-mainland'].coversFrom}T00:00:00Z`);
    const last = Date.parse(`${HOLIDAY_SCHEDULE_COVERAGE['cn-mainland'].coversThrough}T00:00:00Z`);
    const disagree: string[] = [];
    for (let t = first; t <= last; t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (isBusinessTime(noonOf(date), official) !== isWorkday(date)) disagree.push(date);
    }
    expect(disagree).toEqual([]);
    expect((last - first) / 86_400_000).toBeGreaterThan(700);
  });

  it.each([
    ['2026-02-14', 'Saturday worked for the Spring Festival', true],
    ['2026-02-16', 'Monday inside the Spring Festival holiday', false],
    ['2025-10-01', 'National Day', false],
    ['2025-09-28', 'Sunday worked for National Day', true],
    ['2025-10-11', 'Saturday worked for National Day', true],
    ['2026-02-21', 'an ordinary Saturday inside the holiday', false],
  ])('%s (%s): worked = %s', (date, _what, worked) => {
    expect(isBusinessTime(noonOf(date), official)).toBe(worked);
  });

  it('counts a make-up Saturday: 4 business hours from Friday 2026-02-13 17:00 end Saturday 12:00, not after the holiday', () => {
    const friday5pm = new Date('2026-02-13T17:00:00+08:00');
    expect(addBusinessTime(friday5pm, 4 * HOUR_MS, official).toISOString()).toBe(new Date('2026-02-14T12:00:00+08:00').toISOString());
    // Without the schedule the same clock would wrongly run on Monday 2026-02-16, a holiday.
    expect(addBusinessTime(friday5pm, 4 * HOUR_MS, weekdays).toISOString()).toBe(new Date('2026-02-16T12:00:00+08:00').toISOString());
    // 12 hours: Friday 1 + Saturday 9, then the holiday 15th to 23rd, then Tuesday 24th 09:00 + 2.
    expect(addBusinessTime(friday5pm, 12 * HOUR_MS, official).toISOString()).toBe(new Date('2026-02-24T11:00:00+08:00').toISOString());
    expect(businessTimeBetween(friday5pm, new Date('2026-02-24T11:00:00+08:00'), official)).toBe(12 * HOUR_MS);
  });

  it('skips the 2025 National Day week: 3 hours from Tuesday 2025-09-30 17:00 end Thursday 2025-10-09 11:00', () => {
    const at = new Date('2025-09-30T17:00:00+08:00');
    expect(addBusinessTime(at, 3 * HOUR_MS, official).toISOString()).toBe(new Date('2025-10-09T11:00:00+08:00').toISOString());
  });

  it('the shipped config follows it: an after-sales complaint on Friday 2026-02-13 17:00 is due for first response Saturday 16:00', () => {
    const created = createComplaint(
      { channel: 'web', customer: { id: 'c1' }, description: '退货申请没有人处理', category: 'after-sales', severity: 'high' },
      defaultConfig,
      new Date('2026-02-13T09:00:00.000Z'),
      'C1',
    );
    if (!created.ok) throw new Error('fixture');
    // high: 8 business hours = Friday 17:00-18:00 and Saturday (a make-up working day) 09:00-16:00.
    expect(created.complaint.firstResponseDueAt).toBe('2026-02-14T08:00:00.000Z');
  });

  it('lets the calendar\'s own dates win over the schedule', () => {
    const own: BusinessHours = { ...official, holidays: ['2026-02-14'], workdays: ['2026-02-16'] };
    expect(isBusinessTime(noonOf('2026-02-14'), own)).toBe(false);
    expect(isBusinessTime(noonOf('2026-02-16'), own)).toBe(true);
    // Explicit workdays without a schedule: a Sunday worked.
    expect(isBusinessTime(noonOf('2026-03-01'), { ...weekdays, workdays: ['2026-03-01'] })).toBe(true);
  });
});

describe('after the published schedule: the statutory holidays', () => {
  it('match the State Council\'s days off in the years the package publishes: all 13 statutory days of 2025 and 2026 are among them', () => {
    for (const year of [2025, 2026]) {
      const days = statutoryHolidays(statutoryEntry(year));
      expect(days).toHaveLength(13);
      expect(days.filter((d) => !isHoliday(d))).toEqual([]);
    }
    // The published years' Spring Festival eves, from the lunar calendar: 2025-01-28 and 2026-02-16.
    expect(statutoryHolidays(statutoryEntry(2025))).toContain('2025-01-28');
    expect(statutoryHolidays(statutoryEntry(2026))).toContain('2026-02-16');
  });

  it('2027 as the law gives it: New Year\'s Day, Spring Festival eve 5 February to the 8th, Qingming 5 April, May 1-2, Dragon Boat 9 June, Mid-Autumn 15 September, October 1-3', () => {
    expect(statutoryHolidays(statutoryEntry(2027))).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
    // A Mid-Autumn inside National Day counts once (2031: 1 October).
    expect(statutoryHolidays(statutoryEntry(2031))).toHaveLength(12);
    const coverage = HOLIDAY_SCHEDULE_COVERAGE['cn-mainland'];
    expect(coverage.statutoryThrough).toBe(`${Number(coverage.coversThrough.slice(0, 4)) + STATUTORY_YEARS}-12-31`);
  });

  it('the shipped config: a high complaint on Thursday 2027-02-04 at 17:00 is due Tuesday the 9th at 16:00, after the Spring Festival days, not on Friday the 5th', () => {
    const created = createComplaint(
      { channel: 'web', customer: { id: 'c1' }, description: '退货申请没有人处理', category: 'after-sales', severity: 'high' },
      defaultConfig,
      new Date('2027-02-04T09:00:00.000Z'),
      'C1',
    );
    if (!created.ok) throw new Error('fixture');
    // 8 business hours: Thursday 17:00-18:00, then the eve (Friday) and the weekend and Monday (days 1-3) off, Tuesday 09:00-16:00.
    expect(created.complaint.firstResponseDueAt).toBe(new Date('2027-02-09T16:00:00+08:00').toISOString());
    expect(addBusinessTime(new Date('2027-02-04T17:00:00+08:00'), 8 * HOUR_MS, weekdays).toISOString()).toBe(new Date('2027-02-05T16:00:00+08:00').toISOString());
  });

  it('counts no make-up working day after the published years, and plain weekdays after the statutory ones', () => {
    // 2027-01-04 is a Monday, worked; 2027-01-02 a Saturday, not (the State Council may yet make it a working day).
    expect(isBusinessTime(noonOf('2027-01-04'), official)).toBe(true);
    expect(isBusinessTime(noonOf('2027-01-02'), official)).toBe(false);
    expect(isBusinessTime(noonOf('2027-01-01'), official)).toBe(false);
    // 2037-01-01 is a Thursday: past the statutory years it is worked, as in a weekday calendar.
    expect(isBusinessTime(noonOf('2037-01-01'), official)).toBe(true);
    expect(isBusinessTime(noonOf('2036-01-01'), official)).toBe(false);
  });
});

describe('when the schedule runs out', () => {
  it('warns once the next 60 days reach past the published schedule, naming the key, the department and what is counted instead', () => {
    expect(holidayScheduleWarnings(defaultConfig.departments, new Date('2026-06-01T00:00:00Z'))).toEqual([]);
    const warnings = holidayScheduleWarnings(defaultConfig.departments, new Date('2026-11-15T00:00:00Z'));
    const withSchedule = defaultConfig.departments.filter((d) => d.businessHours?.holidaySchedule === 'cn-mainland');
    expect(withSchedule.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(withSchedule.length);
    for (const d of withSchedule) {
      const i = defaultConfig.departments.indexOf(d);
      expect(warnings.find((w) => w.startsWith(`departments[${i}].businessHours.holidaySchedule:`))).toContain(`'${d.id}'`);
    }
    expect(warnings[0]).toContain('has the published schedule through 2026-12-31');
    expect(warnings[0]).toContain('count only the statutory holidays (New Year\'s Day, Spring Festival eve to its third day');
    expect(warnings[0]).toContain('miss the bridge days and make-up working days');
    // Past the statutory years too: plain weekdays.
    expect(holidayScheduleWarnings(defaultConfig.departments, new Date('2036-12-01T00:00:00Z'))[0]).toContain('count the statutory holidays through 2036-12-31 and plain weekdays after it');
  });
});

describe('calendar config', () => {
  it('refuses an unknown schedule and a date both off and worked, naming the key', () => {
    const raw = rawDefaultConfig();
    raw.departments[2].businessHours.holidaySchedule = 'atlantis';
    raw.departments[3].businessHours.workdays = ['2027-01-01'];
    expect(() => parseConfig(raw, 'bad')).toThrow(/departments\[2\]\.businessHours\.holidaySchedule[\s\S]*departments\[3\]\.businessHours\.workdays/);
  });
});

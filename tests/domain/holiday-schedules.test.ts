import { readFileSync } from 'node:fs';
import { isWorkday } from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { chineseDaysData, renderCnMainland } from '../../functions/cli/build-holiday-schedules.ts';
import { addBusinessTime, businessTimeBetween, isBusinessTime } from '../../functions/domain/business-time.ts';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { parseConfig, type BusinessHours } from '../../functions/domain/config.ts';
import { HOLIDAY_SCHEDULES, holidayScheduleWarnings } from '../../functions/domain/holiday-schedules.ts';
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
    const first = Date.parse(`${HOLIDAY_SCHEDULES['cn-mainland'].coversFrom}T00:00:00Z`);
    const last = Date.parse(`${HOLIDAY_SCHEDULES['cn-mainland'].coversThrough}T00:00:00Z`);
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

describe('when the schedule runs out', () => {
  it('warns once the next 60 days reach past the last covered date, naming the key and the department', () => {
    expect(holidayScheduleWarnings(defaultConfig.departments, new Date('2026-06-01T00:00:00Z'))).toEqual([]);
    const warnings = holidayScheduleWarnings(defaultConfig.departments, new Date('2026-11-15T00:00:00Z'));
    const withSchedule = defaultConfig.departments.filter((d) => d.businessHours?.holidaySchedule === 'cn-mainland');
    expect(withSchedule.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(withSchedule.length);
    for (const d of withSchedule) {
      const i = defaultConfig.departments.indexOf(d);
      expect(warnings.find((w) => w.startsWith(`departments[${i}].businessHours.holidaySchedule:`))).toContain(`'${d.id}'`);
    }
    expect(warnings[0]).toContain('2026-12-31');
  });

  it('counts plain weekdays after the last covered date (the documented fallback)', () => {
    // 2027-01-04 is a Monday: without 2027 data it is worked, as in a weekday calendar.
    expect(isBusinessTime(noonOf('2027-01-04'), official)).toBe(isBusinessTime(noonOf('2027-01-04'), weekdays));
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

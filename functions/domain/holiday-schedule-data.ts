/**
 * The dates of the official holiday schedules a business-hours calendar can follow (`holidaySchedule`),
 * as sets business-time.ts reads. Pure data: generated into functions/domain/calendars/ from a package
 * at development time (`npm run calendars`). Only functions that compute due times carry it; what
 * the data covers, and the warning when it runs out, are in holiday-schedules.ts, which every
 * function carries.
 */
import { CN_MAINLAND } from './calendars/cn-mainland.ts';
import type { HolidayScheduleName } from './holiday-schedules.ts';
import { DAY_MS } from './time.ts';

/**
 * Dates from runs as the calendar files write them: `YYYY-MM-DD`, or `YYYY-MM-DD+n` for that day and
 * the `n` days after it (a holiday period in one entry).
 *
 * @param runs the runs, as `npm run calendars` writes them
 * @returns every date they cover, `YYYY-MM-DD`
 */
export function expandDateRuns(runs: readonly string[]): string[] {
  return runs.flatMap((run) => {
    const [start = run, extra = '0'] = run.split('+');
    const first = Date.parse(`${start}T00:00:00Z`);
    return Array.from({ length: Number(extra) + 1 }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
  });
}

/**
 * A year's statutory days off in mainland China (《全国年节及纪念日放假办法》, as in force since 2025:
 * 13 days) from the year's entry (`YYYY-MMDD-MMDD-MMDD-MMDD`: Spring Festival, Qingming, Dragon Boat,
 * Mid-Autumn): New Year's Day; Spring Festival eve (除夕) to its third day; Qingming; May 1 and 2;
 * Dragon Boat; Mid-Autumn; October 1 to 3. Not the bridge days and make-up working days (调休) the
 * State Council announces for each year; where two holidays fall on one day it counts once.
 */
export function statutoryHolidays(entry: string): string[] {
  const [year, spring = '', qingming = '', dragonBoat = '', midAutumn = ''] = entry.split('-');
  const date = (mmdd: string) => `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
  const eve = new Date(Date.parse(`${date(spring)}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  return [...new Set(expandDateRuns([`${year}-01-01`, `${eve}+3`, date(qingming), `${year}-05-01+1`, date(dragonBoat), date(midAutumn), `${year}-10-01+2`]))];
}

/** A published schedule's dates: days off and weekend days worked in exchange (调休). */
export interface HolidayScheduleDates {
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
}

/**
 * The schedules' dates by the name a config uses: the published years, then the statutory holidays
 * of the years after (what each covers: `HOLIDAY_SCHEDULE_COVERAGE` in holiday-schedules.ts).
 */
// Pure: a bundle that imports business-time.ts without computing a due time (the console's) leaves the dates out.
export const HOLIDAY_SCHEDULES: Readonly<Record<HolidayScheduleName, HolidayScheduleDates>> = /* @__PURE__ */ (() => ({
  'cn-mainland': {
    holidays: new Set([...expandDateRuns(CN_MAINLAND.holidays), ...CN_MAINLAND.statutory.flatMap(statutoryHolidays)]),
    workdays: new Set(expandDateRuns(CN_MAINLAND.workdays)),
  },
}))();

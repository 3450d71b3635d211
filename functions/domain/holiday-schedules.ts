/**
 * Official public-holiday schedules a business-hours calendar can follow (`holidaySchedule`), and the
 * warning when a schedule's data runs out. Pure data: the dates are generated into
 * functions/domain/calendars/ from a package at development time (`npm run calendars`).
 */
import { CN_MAINLAND } from './calendars/cn-mainland.ts';

const DAY_MS = 86_400_000;

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

/** A published schedule: days off and weekend days worked in exchange (调休). */
export interface HolidaySchedule {
  /** Where the dates come from, for messages. */
  readonly source: string;
  /** First date the schedule knows (`YYYY-MM-DD`); earlier dates follow the calendar's weekly days only. */
  readonly coversFrom: string;
  /** Last date the schedule knows (`YYYY-MM-DD`); later dates follow the calendar's weekly days only. */
  readonly coversThrough: string;
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
}

/** The schedules by the name a config uses. */
export const HOLIDAY_SCHEDULES = {
  'cn-mainland': {
    source: CN_MAINLAND.source,
    coversFrom: CN_MAINLAND.coversFrom,
    coversThrough: CN_MAINLAND.coversThrough,
    holidays: new Set(expandDateRuns(CN_MAINLAND.holidays)),
    workdays: new Set(expandDateRuns(CN_MAINLAND.workdays)),
  },
} as const satisfies Record<string, HolidaySchedule>;

export type HolidayScheduleName = keyof typeof HOLIDAY_SCHEDULES;

/** Names a config may give in `businessHours.holidaySchedule`. */
export const HOLIDAY_SCHEDULE_NAMES = Object.keys(HOLIDAY_SCHEDULES) as [HolidayScheduleName, ...HolidayScheduleName[]];

/** How far ahead SLA due times reach: the longest resolution target (240 business hours) is about 6 weeks. */
export const SCHEDULE_HORIZON_DAYS = 60;

/**
 * One warning per department whose calendar follows a schedule that ends before `now` plus the
 * horizon: due times computed past that date ignore that year's official holidays and make-up
 * working days. Shown by `npm start`, `cdk synth` and each function's cold start, so a stale schedule
 * is never a silent wrong answer.
 * @param departments the config's departments (only `id` and `businessHours` are read)
 * @param now the current instant
 */
export function holidayScheduleWarnings(
  departments: ReadonlyArray<{ id: string; businessHours?: { holidaySchedule?: HolidayScheduleName | undefined } | undefined }>,
  now: Date,
): string[] {
  const horizon = new Date(now.getTime() + SCHEDULE_HORIZON_DAYS * 86_400_000).toISOString().slice(0, 10);
  return departments.flatMap((d, i) => {
    const name = d.businessHours?.holidaySchedule;
    if (!name) return [];
    const schedule = HOLIDAY_SCHEDULES[name];
    if (horizon <= schedule.coversThrough) return [];
    return [
      `departments[${i}].businessHours.holidaySchedule: '${name}' (${schedule.source}) knows dates through ${schedule.coversThrough}; ` +
        `SLA due times of department '${d.id}' after that count plain weekdays and miss that year's official holidays and make-up working days. ` +
        `Update the package and run \`npm run calendars\`, or list the dates in businessHours.holidays and businessHours.workdays.`,
    ];
  });
}

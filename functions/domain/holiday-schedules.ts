/**
 * Official public-holiday schedules a business-hours calendar can follow (`holidaySchedule`): their
 * names, what their data covers, and the warning when it runs out. The dates themselves are in
 * holiday-schedule-data.ts, carried only by functions that compute due times.
 */
import { CN_MAINLAND_COVERAGE } from './calendars/cn-mainland.ts';

/** What a schedule's data covers. */
export interface HolidayScheduleCoverage {
  /** Where the dates come from, for messages. */
  readonly source: string;
  /** First date the schedule knows (`YYYY-MM-DD`); earlier dates follow the calendar's weekly days only. */
  readonly coversFrom: string;
  /** Last date of the published schedule (`YYYY-MM-DD`): holidays and make-up working days (调休). */
  readonly coversThrough: string;
  /** Last date of the statutory holidays after it (`YYYY-MM-DD`); later dates follow the calendar's weekly days only. */
  readonly statutoryThrough: string;
}

/** The schedules by the name a config uses. */
export const HOLIDAY_SCHEDULE_COVERAGE = {
  'cn-mainland': CN_MAINLAND_COVERAGE,
} as const satisfies Record<string, HolidayScheduleCoverage>;

export type HolidayScheduleName = keyof typeof HOLIDAY_SCHEDULE_COVERAGE;

/** Names a config may give in `businessHours.holidaySchedule`. */
export const HOLIDAY_SCHEDULE_NAMES = Object.keys(HOLIDAY_SCHEDULE_COVERAGE) as [HolidayScheduleName, ...HolidayScheduleName[]];

/** How far ahead SLA due times reach: the longest resolution target (240 business hours) is about 6 weeks. */
export const SCHEDULE_HORIZON_DAYS = 60;

/**
 * One warning per department whose calendar follows a schedule whose published data ends before
 * `now` plus the horizon. Past the published schedule, due times count the statutory holidays but not
 * that year's bridge days and make-up working days; past the statutory years, plain weekdays. Shown
 * by `npm start`, `cdk synth` and each function's cold start, so a stale schedule is never a silent
 * wrong answer.
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
    const schedule = HOLIDAY_SCHEDULE_COVERAGE[name];
    if (horizon <= schedule.coversThrough) return [];
    const after =
      horizon <= schedule.statutoryThrough
        ? `count only the statutory holidays (New Year's Day, Spring Festival eve to its third day, Qingming, May 1-2, Dragon Boat, Mid-Autumn, October 1-3) and miss the bridge days and make-up working days the State Council announces for each year`
        : `count the statutory holidays through ${schedule.statutoryThrough} and plain weekdays after it, and miss the bridge days and make-up working days the State Council announces for each year`;
    return [
      `departments[${i}].businessHours.holidaySchedule: '${name}' (${schedule.source}) has the published schedule through ${schedule.coversThrough}; ` +
        `SLA due times of department '${d.id}' after that ${after}. ` +
        `Update the package and run \`npm run calendars\`, or list the dates in businessHours.holidays and businessHours.workdays.`,
    ];
  });
}

/**
 * SLA clock arithmetic on business-hours calendars, and the wall-clock helpers quiet hours need.
 *
 * Pure: every function takes the instants it works on. Time zones come from the built-in Intl API only.
 *
 * Which days are worked: a date in the calendar's `holidays` is off and one in its `workdays` is worked;
 * otherwise a date in its `holidaySchedule`'s holidays (published, or statutory after the published years) is off and one in its make-up working days (调休)
 * is worked; otherwise the ISO weekday decides (`days`).
 *
 * Cached: a calendar (by object identity: configs are parsed once) is prepared once, and each local
 * day's working interval is computed once, so a sweep of thousands of complaints does the Intl
 * conversions for the few days they span rather than for every complaint (`npm run bench`, sla-cache).
 * `uncachedBusinessTime` computes the same from scratch, for the benchmark and the property test.
 *
 * Model: a working day D contributes one interval of instants, [opening, closing), where opening and
 * closing are the instants of the calendar's local `start` and `end` on D (see {@link zonedTime}). Working
 * hours are wall-clock hours, so on a DST day the interval is shorter or longer in real time; the three
 * calendar functions below share this one model, so they always agree with each other.
 */
import type { BusinessHours } from './config.ts';
import { HOLIDAY_SCHEDULES, type HolidayScheduleDates } from './holiday-schedule-data.ts';
import { zonedFormatter } from './time-zone.ts';
import { DAY_MS } from './time.ts';

const MINUTE_MS = 60_000;

/** A local wall-clock position: the date, its ISO weekday and whole minutes since local midnight. */
export interface LocalParts {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number;
  /** Whole minutes since local midnight (0..1439); seconds are dropped, which keeps `[HH:MM, HH:MM)` tests exact. */
  minutes: number;
}

/** A daily wall-clock window such as quiet hours; `start > end` wraps midnight. */
export interface DailyWindow {
  start: string;
  end: string;
  timeZone: string;
}

/** The local wall clock at instant `ms`, written as if it were a UTC instant (whole seconds). */
function wallClockMs(ms: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const p of zonedFormatter('wallClock', timeZone).formatToParts(ms)) {
    if (p.type !== 'literal') fields[p.type] = Number(p.value);
  }
  const hour = fields['hour'] ?? 0;
  return Date.UTC(
    fields['year'] ?? 1970,
    (fields['month'] ?? 1) - 1,
    fields['day'] ?? 1,
    hour === 24 ? 0 : hour,
    fields['minute'] ?? 0,
    fields['second'] ?? 0,
  );
}

/** The zone's UTC offset at instant `ms`, in milliseconds (local = UTC + offset). */
function offsetAt(ms: number, timeZone: string): number {
  return wallClockMs(ms, timeZone) - Math.floor(ms / 1000) * 1000;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; the calendar loops step on these integers. */
function epochDay(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: '${date}'`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March; a date that does not survive the round trip is not a date.
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: '${date}'`);
  return ms / DAY_MS;
}

function dateOfEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isoWeekdayOfEpochDay(day: number): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function localEpochDay(ms: number, timeZone: string): number {
  return Math.floor(wallClockMs(ms, timeZone) / DAY_MS);
}

/**
 * The local date, ISO weekday and minutes since local midnight of an instant.
 * @param t the instant
 * @param timeZone an IANA zone such as `Asia/Shanghai`
 */
export function localParts(t: Date, timeZone: string): LocalParts {
  const wall = wallClockMs(checkedMs(t), timeZone);
  const day = Math.floor(wall / DAY_MS);
  return {
    date: dateOfEpochDay(day),
    weekday: isoWeekdayOfEpochDay(day),
    minutes: Math.floor((wall - day * DAY_MS) / MINUTE_MS),
  };
}

/** Every instant whose local wall clock reads `wall`: none in a DST gap, two in an overlap, else one. */
function instantsAt(wall: number, timeZone: string): number[] {
  // Offsets a day either side bracket the candidate instant (no zone is more than 14 h from UTC), and
  // no zone changes its offset twice within two days, so these are the only offsets that can apply.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const found = new Set<number>();
  for (const offset of [before, after]) {
    const t = wall - offset;
    if (offsetAt(t, timeZone) === offset) found.add(t);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The instant a DST gap containing wall-clock `wall` ends. Between the instants the wall time would have
 * under the old and the new offset lies exactly one transition; bisection on whole seconds finds it.
 */
function gapEnd(wall: number, timeZone: string): number {
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  let lo = Math.floor((wall - Math.max(before, after)) / 1000);
  let hi = Math.ceil((wall - Math.min(before, after)) / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * 1000, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}

function zonedMs(day: number, minutes: number, timeZone: string): number {
  const wall = day * DAY_MS + minutes * MINUTE_MS;
  const found = instantsAt(wall, timeZone);
  return found[0] ?? gapEnd(wall, timeZone);
}

/**
 * The instant a local wall-clock time happens.
 *
 * A time skipped by a DST gap (02:30 on a spring-forward night) maps to the instant the gap ends, the first
 * moment the clock reads later than it; a time that happens twice (01:30 on a fall-back night) maps to the
 * earlier instant.
 * @param date local date, `YYYY-MM-DD`
 * @param minutes minutes since local midnight; 1440 is the next midnight
 * @param timeZone an IANA zone
 * @throws RangeError when `date` is not a calendar date or `minutes` is not finite
 */
export function zonedTime(date: string, minutes: number, timeZone: string): Date {
  if (!Number.isFinite(minutes)) throw new RangeError(`minutes must be finite, got ${minutes}`);
  return new Date(zonedMs(epochDay(date), minutes, timeZone));
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

function clockMinutes(text: string): number {
  const m = CLOCK.exec(text);
  if (!m) throw new RangeError(`not a 24-hour HH:MM time: '${text}'`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function checkedMs(t: Date): number {
  const ms = t.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return ms;
}

/** A calendar prepared for the day loop: parsed clock times and date sets, so the loop does lookups only. */
interface Calendar {
  timeZone: string;
  days: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  schedule: HolidayScheduleDates | undefined;
  startMinutes: number;
  endMinutes: number;
  /** Days off that can be met in a row beyond the weekly pattern (bounds the search loop). */
  extraDaysOff: number;
  /** Working interval per local epoch day (`null`: a day off); absent when uncached. */
  intervals: Map<number, Interval | null> | undefined;
}

interface Interval {
  open: number;
  close: number;
}

/** Days whose interval a cached calendar keeps; past it the memo starts afresh (decades of days). */
const MAX_CACHED_DAYS = 20_000;

function prepare(calendar: BusinessHours, cached: boolean): Calendar {
  const startMinutes = clockMinutes(calendar.start);
  const endMinutes = clockMinutes(calendar.end);
  // The schema refines this too; an unparsed calendar must not make the day loop run forever.
  if (startMinutes >= endMinutes) throw new RangeError(`business hours start ${calendar.start} is not before end ${calendar.end}`);
  if (!calendar.days.some((d) => d >= 1 && d <= 7)) throw new RangeError('business hours name no ISO weekday (1..7)');
  const schedule = calendar.holidaySchedule ? HOLIDAY_SCHEDULES[calendar.holidaySchedule] : undefined;
  if (calendar.holidaySchedule && !schedule) throw new RangeError(`unknown holiday schedule '${calendar.holidaySchedule}'`);
  const holidays = new Set(calendar.holidays);
  return {
    timeZone: calendar.timeZone,
    days: new Set(calendar.days),
    holidays,
    workdays: new Set(calendar.workdays ?? []),
    schedule,
    startMinutes,
    endMinutes,
    extraDaysOff: holidays.size + (schedule?.holidays.size ?? 0),
    intervals: cached ? new Map() : undefined,
  };
}

const prepared = new WeakMap<BusinessHours, Calendar>();

/** The prepared calendar with its per-day memo, made once per calendar object. */
function cachedCalendar(calendar: BusinessHours): Calendar {
  let cal = prepared.get(calendar);
  if (!cal) {
    cal = prepare(calendar, true);
    prepared.set(calendar, cal);
  }
  return cal;
}

/** Whether local date `day` is worked (see the rules at the top of this file). */
function isWorkingDay(cal: Calendar, day: number): boolean {
  const needDate = cal.holidays.size > 0 || cal.workdays.size > 0 || cal.schedule !== undefined;
  if (!needDate) return cal.days.has(isoWeekdayOfEpochDay(day));
  const date = dateOfEpochDay(day);
  if (cal.holidays.has(date)) return false;
  if (cal.workdays.has(date)) return true;
  if (cal.schedule?.holidays.has(date)) return false;
  if (cal.schedule?.workdays.has(date)) return true;
  return cal.days.has(isoWeekdayOfEpochDay(day));
}

/** The working interval of local day `day` as [open, close) instants, or undefined on a day off. */
function workingInterval(cal: Calendar, day: number): Interval | undefined {
  const memo = cal.intervals?.get(day);
  if (memo !== undefined) return memo ?? undefined;
  const interval = computeInterval(cal, day);
  if (cal.intervals) {
    if (cal.intervals.size >= MAX_CACHED_DAYS) cal.intervals.clear();
    cal.intervals.set(day, interval ?? null);
  }
  return interval;
}

function computeInterval(cal: Calendar, day: number): Interval | undefined {
  if (!isWorkingDay(cal, day)) return undefined;
  const open = zonedMs(day, cal.startMinutes, cal.timeZone);
  const close = zonedMs(day, cal.endMinutes, cal.timeZone);
  // Both ends inside one DST gap leave nothing to work (Europe/Berlin 02:00-03:00 on the spring-forward Sunday).
  return close > open ? { open, close } : undefined;
}

function checkedDuration(durationMs: number): number {
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite, non-negative number, got ${durationMs}`);
  }
  return durationMs;
}

/**
 * The instant `durationMs` of business time has elapsed after `start`: the earliest `t >= start` with
 * `businessTimeBetween(start, t, calendar) === durationMs`.
 *
 * Consequences of "earliest": a start outside working hours begins counting at the next opening; a duration
 * used up exactly at closing time returns closing time, not the next opening; a zero duration returns `start`
 * itself, even outside hours. Fractional milliseconds are truncated, as `Date` does.
 * @param start when the clock starts (e.g. receipt of a complaint)
 * @param durationMs business time to elapse, in milliseconds
 * @param calendar the department's working calendar; without one the clock runs around the clock
 * @throws RangeError on an invalid `start`, a negative or non-finite duration, or a calendar without working time
 */
export function addBusinessTime(start: Date, durationMs: number, calendar: BusinessHours | undefined): Date {
  return addWith(start, durationMs, calendar, cachedCalendar);
}

/** How a function gets its prepared calendar: cached, or prepared afresh. */
type Preparer = (calendar: BusinessHours) => Calendar;

const uncached: Preparer = (calendar) => prepare(calendar, false);

function addWith(start: Date, durationMs: number, calendar: BusinessHours | undefined, get: Preparer): Date {
  const from = checkedMs(start);
  let remaining = checkedDuration(durationMs);
  if (!calendar) return new Date(from + remaining);
  if (remaining === 0) return new Date(from);
  const cal = get(calendar);
  // Days with no working time (holidays, weekends, a day swallowed by a gap) are finite in number for any
  // real calendar; the bound only turns a pathological one into an error rather than a hung Lambda.
  const lastDay = localEpochDay(from, cal.timeZone) + Math.ceil(remaining / MINUTE_MS) * 7 + cal.extraDaysOff + 14;
  for (let day = localEpochDay(from, cal.timeZone); day <= lastDay; day++) {
    const interval = workingInterval(cal, day);
    if (!interval) continue;
    const open = Math.max(interval.open, from);
    if (open >= interval.close) continue;
    const available = interval.close - open;
    if (remaining <= available) return new Date(open + remaining);
    remaining -= available;
  }
  throw new RangeError(`business hours in ${cal.timeZone} never accumulate ${durationMs} ms`);
}

/**
 * Business milliseconds in `[from, to)`; 0 when `to <= from`.
 *
 * The inverse of {@link addBusinessTime}: `businessTimeBetween(s, addBusinessTime(s, d, c), c) === d` for
 * whole-millisecond `d >= 0`, wherever `s` falls.
 * @param calendar the department's working calendar; without one every millisecond counts
 * @throws RangeError on an invalid Date
 */
export function businessTimeBetween(from: Date, to: Date, calendar: BusinessHours | undefined): number {
  return betweenWith(from, to, calendar, cachedCalendar);
}

function betweenWith(from: Date, to: Date, calendar: BusinessHours | undefined, get: Preparer): number {
  const a = checkedMs(from);
  const b = checkedMs(to);
  if (b <= a) return 0;
  if (!calendar) return b - a;
  const cal = get(calendar);
  let total = 0;
  // One day past `to`'s local date: a fall-back that crosses midnight backwards (00:30 to 23:30) gives
  // instants inside today's interval yesterday's date.
  const lastDay = localEpochDay(b, cal.timeZone) + 1;
  for (let day = localEpochDay(a, cal.timeZone); day <= lastDay; day++) {
    const interval = workingInterval(cal, day);
    if (!interval) continue;
    const overlap = Math.min(interval.close, b) - Math.max(interval.open, a);
    if (overlap > 0) total += overlap;
  }
  return total;
}

/**
 * Whether an instant falls inside working hours (opening inclusive, closing exclusive).
 * @param calendar the department's working calendar; without one every instant is business time
 * @throws RangeError on an invalid Date
 */
export function isBusinessTime(t: Date, calendar: BusinessHours | undefined): boolean {
  return isWith(t, calendar, cachedCalendar);
}

function isWith(t: Date, calendar: BusinessHours | undefined, get: Preparer): boolean {
  const ms = checkedMs(t);
  if (!calendar) return true;
  const cal = get(calendar);
  const day = localEpochDay(ms, cal.timeZone);
  // Tomorrow's interval too, for the hour repeated across midnight by a fall-back (see businessTimeBetween).
  return [day, day + 1].some((d) => {
    const interval = workingInterval(cal, d);
    return interval !== undefined && interval.open <= ms && ms < interval.close;
  });
}

/**
 * The same three functions computing every day from scratch (no prepared calendar, no per-day memo):
 * the baseline the benchmark and the property test compare the cached ones against.
 */
export const uncachedBusinessTime = {
  addBusinessTime: (start: Date, durationMs: number, calendar: BusinessHours | undefined): Date => addWith(start, durationMs, calendar, uncached),
  businessTimeBetween: (from: Date, to: Date, calendar: BusinessHours | undefined): number => betweenWith(from, to, calendar, uncached),
  isBusinessTime: (t: Date, calendar: BusinessHours | undefined): boolean => isWith(t, calendar, uncached),
};

/**
 * Whether the local wall clock at `t` reads within `[start, end)`. A window with `start > end` wraps
 * midnight (22:00-08:00 holds 23:00 and 03:00); one with `start === end` is empty.
 *
 * This reads the wall clock, so on a fall-back night a repeated local time is inside the window both times.
 * @throws RangeError on an invalid Date or a time that is not `HH:MM`
 */
export function isWithinDailyWindow(t: Date, window: DailyWindow): boolean {
  const start = clockMinutes(window.start);
  const end = clockMinutes(window.end);
  const { minutes } = localParts(t, window.timeZone);
  return start <= end ? start <= minutes && minutes < end : minutes >= start || minutes < end;
}

/**
 * The instant the window containing `t` ends: for quiet hours, when a held SMS may go out. When `t` is
 * outside the window this is `t` itself, so the result is always the earliest instant at or after `t`
 * outside the window.
 *
 * A closing time skipped by a DST gap ends the window when the gap ends; a closing time that happens twice
 * ends it at whichever occurrence comes first after `t`.
 * @throws RangeError on an invalid Date or a time that is not `HH:MM`
 */
export function nextWindowEnd(t: Date, window: DailyWindow): Date {
  const ms = checkedMs(t);
  if (!isWithinDailyWindow(t, window)) return new Date(ms);
  const start = clockMinutes(window.start);
  const end = clockMinutes(window.end);
  const wall = wallClockMs(ms, window.timeZone);
  const today = Math.floor(wall / DAY_MS);
  const minutes = Math.floor((wall - today * DAY_MS) / MINUTE_MS);
  // Inside a wrapping window before midnight, the window closes tomorrow.
  const closingDay = start > end && minutes >= start ? today + 1 : today;
  const closingWall = closingDay * DAY_MS + end * MINUTE_MS;
  const later = instantsAt(closingWall, window.timeZone).find((c) => c > ms);
  return new Date(later ?? gapEnd(closingWall, window.timeZone));
}

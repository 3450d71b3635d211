/**
 * EventBridge schedule expressions: `rate(...)` and six-field `cron(...)`, evaluated in UTC (rules)
 * or in a time zone (EventBridge Scheduler schedules). Pure: every function takes the time it works on.
 */
import { localParts, zonedTime } from '../domain/business-time.ts';

/** Thrown for an expression EventBridge would refuse; the message names the expression. */
export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`invalid schedule expression "${expression}": ${reason}`);
  }
}

/** A parsed expression. */
export type Schedule =
  | { readonly kind: 'rate'; readonly expression: string; readonly periodMs: number }
  | { readonly kind: 'cron'; readonly expression: string; readonly fields: CronFields };

export interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  /** Whether a UTC calendar day matches the day-of-month or day-of-week field (whichever is not `?`). */
  readonly day: (year: number, month: number, day: number) => boolean;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

/**
 * Parses `rate(value unit)` (unit minute/hour/day, singular exactly when value is 1) or
 * `cron(minutes hours day-of-month month day-of-week year)` with `*`, `?`, lists, ranges,
 * steps, month and weekday names, and `L`, `W`, `#` as EventBridge documents them.
 * Day-of-week runs 1-7 = SUN-SAT; exactly one of day-of-month and day-of-week is `?`.
 * @throws ScheduleExpressionError naming the expression and what is wrong with it
 */
export function parseScheduleExpression(expression: string): Schedule {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return { kind: 'rate', expression, periodMs: parseRate(expression, rate[1] ?? '') };
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return { kind: 'cron', expression, fields: parseCron(expression, cron[1] ?? '') };
  throw new ScheduleExpressionError(expression, 'expected rate(...) or cron(...)');
}

/**
 * The first time strictly after `after` at which the expression fires. For a rate that is
 * `after` plus the period: callers pass the previous fire time (or the time the schedule was
 * created) to walk the series.
 *
 * With `timeZone` a cron's fields are read on that zone's wall clock, as EventBridge Scheduler reads
 * a schedule with `ScheduleExpressionTimezone`: `cron(0 9 ? * MON *)` in Asia/Shanghai fires at
 * 01:00 UTC. A wall time skipped by a daylight-saving gap fires when the gap ends; one that happens
 * twice fires at the first. Rates ignore the zone.
 * @param timeZone an IANA zone; UTC when absent (EventBridge rules)
 * @throws ScheduleExpressionError when the expression is invalid or a cron never fires again
 */
export function nextFireAfter(expression: string | Schedule, after: Date, timeZone?: string): Date {
  const schedule = typeof expression === 'string' ? parseScheduleExpression(expression) : expression;
  if (schedule.kind === 'rate') return new Date(after.getTime() + schedule.periodMs);
  if (timeZone === undefined) return nextCronTime(schedule, after);
  // Walk the zone's wall clock as if it were UTC, then map each wall time found back to an instant.
  const local = localParts(after, timeZone);
  let wall = new Date(Date.parse(`${local.date}T00:00:00Z`) + local.minutes * 60_000 + (after.getTime() % 60_000));
  for (;;) {
    wall = nextCronTime(schedule, wall);
    const t = zonedTime(wall.toISOString().slice(0, 10), wall.getUTCHours() * 60 + wall.getUTCMinutes(), timeZone);
    if (t.getTime() > after.getTime()) return t;
  }
}

function parseRate(expression: string, body: string): number {
  const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!m) throw new ScheduleExpressionError(expression, 'expected rate(<positive integer> minute(s)|hour(s)|day(s))');
  const value = Number(m[1]);
  const unit = m[2] ?? '';
  if (value < 1) throw new ScheduleExpressionError(expression, 'the rate must be at least 1');
  const singular = !unit.endsWith('s');
  if (singular !== (value === 1)) {
    throw new ScheduleExpressionError(expression, 'use the singular unit for 1 and the plural for more than 1');
  }
  const unitMs = UNIT_MS[singular ? unit : unit.slice(0, -1)] ?? 0;
  return value * unitMs;
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELD = {
  minutes: { label: 'minutes', min: 0, max: 59 },
  hours: { label: 'hours', min: 0, max: 23 },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31 },
  month: { label: 'month', min: 1, max: 12, names: MONTHS },
  dayOfWeek: { label: 'day-of-week', min: 1, max: 7, names: WEEKDAYS },
  year: { label: 'year', min: MIN_YEAR, max: MAX_YEAR },
} as const satisfies Record<string, FieldSpec>;

function parseCron(expression: string, body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleExpressionError(expression, `expected six fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`);
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = parts;
  const fail = (reason: string): never => {
    throw new ScheduleExpressionError(expression, reason);
  };
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    fail('exactly one of day-of-month and day-of-week must be ?');
  }
  return {
    minutes: parseSet(minutes, FIELD.minutes, fail),
    hours: parseSet(hours, FIELD.hours, fail),
    months: parseSet(month, FIELD.month, fail),
    years: parseSet(year, FIELD.year, fail),
    day: dayOfMonth === '?' ? parseDayOfWeek(dayOfWeek, fail) : parseDayOfMonth(dayOfMonth, fail),
  };
}

type Fail = (reason: string) => never;

function parseValue(text: string, spec: FieldSpec, fail: Fail): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + 1 : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    fail(`${spec.label} value "${text}" is not in ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : ''}`);
  }
  return value;
}

/** `*`, `a`, `a-b`, with an optional `/step`, comma-separated. */
function parseSet(text: string, spec: FieldSpec, fail: Fail): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^([^/-]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(item);
    if (!m) fail(`${spec.label} item "${item}" is not a value, range or step`);
    const [, from = '', to, step] = m ?? [];
    let low: number;
    let high: number;
    if (from === '*') {
      if (to !== undefined) fail(`${spec.label} item "${item}" cannot be a range from *`);
      low = spec.min;
      high = spec.max;
    } else {
      low = parseValue(from, spec, fail);
      // "a/step" runs from a to the end of the field, as in EventBridge's cron(0/15 * ...).
      high = to !== undefined ? parseValue(to, spec, fail) : step !== undefined ? spec.max : low;
    }
    if (low > high) fail(`${spec.label} range "${item}" runs backwards`);
    const by = step === undefined ? 1 : Number(step);
    if (by < 1) fail(`${spec.label} step in "${item}" must be at least 1`);
    for (let v = low; v <= high; v += by) values.add(v);
  }
  return values;
}

type DayTest = (year: number, month: number, day: number) => boolean;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday ... 7 = Saturday, as EventBridge numbers weekdays. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (Mon-Fri) nearest to `target` without leaving the month, as `W` means. */
function nearestWeekday(year: number, month: number, target: number): number {
  const last = daysInMonth(year, month);
  const day = Math.min(target, last);
  const wd = weekday(year, month, day);
  if (wd === 7) return day === 1 ? day + 2 : day - 1;
  if (wd === 1) return day === last ? day - 2 : day + 1;
  return day;
}

function parseDayOfMonth(text: string, fail: Fail): DayTest {
  const tests = text.split(',').map((item): DayTest => {
    if (item === 'L') return (y, m, d) => d === daysInMonth(y, m);
    if (item === 'LW') return (y, m, d) => d === nearestWeekday(y, m, daysInMonth(y, m));
    const w = /^(\d+)W$/.exec(item);
    if (w) {
      const target = parseValue(w[1] ?? '', FIELD.dayOfMonth, fail);
      return (y, m, d) => d === nearestWeekday(y, m, target);
    }
    const days = parseSet(item, FIELD.dayOfMonth, fail);
    return (_y, _m, d) => days.has(d);
  });
  return (y, m, d) => tests.some((test) => test(y, m, d));
}

function parseDayOfWeek(text: string, fail: Fail): DayTest {
  const tests = text.split(',').map((item): DayTest => {
    if (item === 'L') return (y, m, d) => weekday(y, m, d) === 7;
    const last = /^(.+)L$/.exec(item);
    if (last) {
      const wd = parseValue(last[1] ?? '', FIELD.dayOfWeek, fail);
      return (y, m, d) => weekday(y, m, d) === wd && d + 7 > daysInMonth(y, m);
    }
    const nth = /^(.+)#(\d+)$/.exec(item);
    if (nth) {
      const wd = parseValue(nth[1] ?? '', FIELD.dayOfWeek, fail);
      const n = Number(nth[2]);
      if (n < 1 || n > 5) fail(`day-of-week "${item}": the occurrence after # must be 1-5`);
      return (y, m, d) => weekday(y, m, d) === wd && Math.ceil(d / 7) === n;
    }
    const days = parseSet(item, FIELD.dayOfWeek, fail);
    return (y, m, d) => days.has(weekday(y, m, d));
  });
  return (y, m, d) => tests.some((test) => test(y, m, d));
}

function nextCronTime(schedule: Extract<Schedule, { kind: 'cron' }>, after: Date): Date {
  const { minutes, hours, months, years, day } = schedule.fields;
  // Start at the first whole minute strictly after `after`.
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  let year = t.getUTCFullYear();
  let month = t.getUTCMonth() + 1;
  let date = t.getUTCDate();
  let hour = t.getUTCHours();
  let minute = t.getUTCMinutes();
  // Walk field by field, resetting the smaller fields whenever a larger one moves on.
  while (year <= MAX_YEAR) {
    if (!years.has(year)) {
      year++;
      month = 1;
      date = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (month > 12 || !months.has(month)) {
      if (month >= 12) {
        year++;
        month = 1;
      } else {
        month++;
      }
      date = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (date > daysInMonth(year, month) || !day(year, month, date)) {
      if (date >= daysInMonth(year, month)) {
        month++;
        date = 1;
      } else {
        date++;
      }
      hour = 0;
      minute = 0;
      continue;
    }
    if (hour > 23 || !hours.has(hour)) {
      if (hour >= 23) {
        date++;
        hour = 0;
      } else {
        hour++;
      }
      minute = 0;
      continue;
    }
    if (minute > 59 || !minutes.has(minute)) {
      if (minute >= 59) {
        hour++;
        minute = 0;
      } else {
        minute++;
      }
      continue;
    }
    return new Date(Date.UTC(year, month - 1, date, hour, minute));
  }
  throw new ScheduleExpressionError(schedule.expression, `never fires after ${after.toISOString()}`);
}

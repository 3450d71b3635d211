/**
 * The calendar of a step series: which local day of week and hour of day each step is, and which
 * step an hourly rollup falls into. Steps are UTC hours (hour cadence) or local calendar days in the
 * company's time zone (day cadence). Pure: the instant is a parameter.
 */
import { localParts, zonedTime } from './business-time.ts';
import { DAY_MS, HOUR_MS } from './time.ts';
import type { Cadence } from './multi-scale.ts';

/** The steps ending with the one containing `now`, oldest first. */
export interface StepFrame {
  readonly cadence: Cadence;
  /** Start instant of each step (epoch ms). */
  readonly starts: readonly number[];
  /** End of the last step (epoch ms). */
  readonly end: number;
  readonly dayOfWeek: readonly number[];
  readonly hourOfDay: readonly number[];
  /** The local calendar day of the current step (days since 1970-01-01). */
  readonly localDay: number;
}

// Local midnights are looked up again and again (every evaluation's week, every refit's history).
const midnights = new Map<string, Map<number, number>>();
function localMidnight(day: number, timeZone: string): number {
  let zone = midnights.get(timeZone);
  if (!zone) midnights.set(timeZone, (zone = new Map()));
  let t = zone.get(day);
  if (t === undefined) {
    t = zonedTime(new Date(day * DAY_MS).toISOString().slice(0, 10), 0, timeZone).getTime();
    if (zone.size > 100_000) zone.clear();
    zone.set(day, t);
  }
  return t;
}

// The local date of an instant, memoised per zone and UTC hour (every zone's offset is whole
// quarter-hours, so all instants of a UTC hour share a local date unless midnight falls inside it;
// those hours are not memoised).
const localDays = new Map<string, Map<number, number>>();

/** The local date (`YYYY-MM-DD`) of an instant, for cache keys and day steps. */
export function localDate(t: Date, timeZone: string): string {
  return new Date(localEpochDay(t.getTime(), timeZone) * DAY_MS).toISOString().slice(0, 10);
}

function localEpochDay(ms: number, timeZone: string): number {
  let zone = localDays.get(timeZone);
  if (!zone) localDays.set(timeZone, (zone = new Map()));
  const hour = Math.floor(ms / HOUR_MS);
  const known = zone.get(hour);
  if (known !== undefined) return known;
  const atStart = Date.parse(`${localParts(new Date(hour * HOUR_MS), timeZone).date}T00:00:00Z`) / DAY_MS;
  const atEnd = Date.parse(`${localParts(new Date(hour * HOUR_MS + HOUR_MS - 1), timeZone).date}T00:00:00Z`) / DAY_MS;
  if (atStart !== atEnd) return Date.parse(`${localParts(new Date(ms), timeZone).date}T00:00:00Z`) / DAY_MS;
  if (zone.size > 200_000) zone.clear();
  zone.set(hour, atStart);
  return atStart;
}

/**
 * The `steps` steps ending with the one that contains `now`.
 * @param timeZone the company's zone: day steps are its calendar days, rhythm is its local time
 */
export function stepFrame(now: Date, cadence: Cadence, steps: number, timeZone: string): StepFrame {
  const starts: number[] = [];
  const dayOfWeek: number[] = [];
  const hourOfDay: number[] = [];
  if (cadence === 'hour') {
    let localDay = 0;
    const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    // The zone's offset is looked up once per UTC day: a DST change shifts a few hours' rhythm slot.
    const offsets = new Map<number, number>();
    for (let k = steps - 1; k >= 0; k--) {
      const start = current - k * HOUR_MS;
      const day = Math.floor(start / DAY_MS);
      let offset = offsets.get(day);
      if (offset === undefined) {
        const p = localParts(new Date(day * DAY_MS + 12 * HOUR_MS), timeZone);
        offset = Date.parse(`${p.date}T00:00:00Z`) + p.minutes * 60_000 - (day * DAY_MS + 12 * HOUR_MS);
        offsets.set(day, offset);
      }
      const wall = start + offset;
      if (k === 0) localDay = Math.floor(wall / DAY_MS);
      starts.push(start);
      dayOfWeek.push(((Math.floor(wall / DAY_MS) % 7) + 7) % 7);
      hourOfDay.push(Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS));
    }
    return { cadence, starts, end: current + HOUR_MS, dayOfWeek, hourOfDay, localDay };
  }
  const today = localEpochDay(now.getTime(), timeZone);
  for (let k = steps - 1; k >= 0; k--) {
    const day = today - k;
    starts.push(localMidnight(day, timeZone));
    dayOfWeek.push(((day % 7) + 7) % 7);
    hourOfDay.push(0);
  }
  const end = localMidnight(today + 1, timeZone);
  return { cadence, starts, end, dayOfWeek, hourOfDay, localDay: today };
}

/** The index of the step an instant falls into, or -1 outside the frame. */
export function stepIndex(frame: StepFrame, t: number): number {
  if (t < frame.starts[0]! || t >= frame.end) return -1;
  if (frame.cadence === 'hour') return Math.floor((t - frame.starts[0]!) / HOUR_MS);
  let lo = 0;
  let hi = frame.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (frame.starts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

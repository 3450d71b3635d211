/** Time arithmetic on instants. Pure: every function takes the time it works on. */
import { zonedFormatter } from './time-zone.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The earliest of some times, skipping the absent ones; none: undefined. */
export function earliest(times: ReadonlyArray<Date | undefined>): Date | undefined {
  let first: Date | undefined;
  for (const t of times) if (t !== undefined && (first === undefined || t.getTime() < first.getTime())) first = t;
  return first;
}

export function addMinutes(t: Date, minutes: number): Date {
  return new Date(t.getTime() + minutes * MINUTE_MS);
}

export function addHours(t: Date, hours: number): Date {
  return new Date(t.getTime() + hours * HOUR_MS);
}

/** Start of the UTC minute containing t. */
export function minuteFloor(t: Date): Date {
  return new Date(Math.floor(t.getTime() / MINUTE_MS) * MINUTE_MS);
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses an ISO 8601 duration made of weeks, days, hours, minutes and seconds (`P7D`, `PT1H30M`).
 * Years and months are refused: their length depends on the calendar.
 * @returns milliseconds, or undefined when the text is not such a duration
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m;
  return (
    Number(w ?? 0) * 7 * 86_400_000 +
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * HOUR_MS +
    Number(min ?? 0) * MINUTE_MS +
    Math.round(Number(s ?? 0) * 1000)
  );
}

/** The zone's wall clock to the minute: `2026-11-22 14:03`. */
function wallClockMinute(t: Date, timeZone: string, locale: string): string {
  const parts = zonedFormatter('minute', timeZone, locale).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** A zone's `timeZoneName` part at `t` in one of the zone-name styles; the zone id when there is none. */
function zoneNamePart(style: 'offset' | 'zoneName', t: Date, timeZone: string, locale?: string): string {
  return zonedFormatter(style, timeZone, locale).formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/**
 * A zone that is only an offset (`Etc/GMT+5`, whose POSIX sign reads backwards to people, or
 * `Etc/UTC`) is named by its offset: `GMT-5`, `UTC`; undefined for a zone of a place.
 */
function offsetOnlyName(t: Date, timeZone: string): string | undefined {
  return timeZone.startsWith('Etc/') ? zoneNamePart('offset', t, timeZone).replace(/^GMT(\+0)?$/, 'UTC') : undefined;
}

/** The name Chinese readers give the mainland's zone (`北京时间`), in Chinese; undefined otherwise. */
function beijingTimeName(timeZone: string, locale: string): string | undefined {
  return locale === 'zh-CN' && timeZone === 'Asia/Shanghai' ? '北京时间' : undefined;
}

/**
 * A wall-clock time in a zone, for staff: `2026-11-22 14:03 (Asia/Shanghai)`, or by its offset for
 * a zone that is only one: `2026-11-22 01:03 (GMT-5)`, `(UTC)`.
 */
export function formatLocalTime(t: Date, timeZone: string, locale: string): string {
  return `${wallClockMinute(t, timeZone, locale)} (${offsetOnlyName(t, timeZone) ?? timeZone})`;
}

/**
 * A wall-clock time for people (customers, and staff in alert messages and pages), with the zone as
 * people name it: `2026-12-05 07:30 (China Standard Time)`, `2026-12-04 18:30 (Eastern Standard
 * Time)`; in Chinese `2026-12-05 07:30（北京时间）` or `（北美东部标准时间）`. A zone that is only an
 * offset is named by it (`(GMT-5)`, `(UTC)`).
 */
export function formatNamedTime(t: Date, timeZone: string, locale: string): string {
  const zone = offsetOnlyName(t, timeZone) ?? beijingTimeName(timeZone, locale) ?? zoneNamePart('zoneName', t, timeZone, locale);
  const when = wallClockMinute(t, timeZone, locale);
  return locale === 'zh-CN' ? `${when}（${zone}）` : `${when} (${zone})`;
}

/**
 * A due time short enough for an SMS, in the recipient's zone: `24 Nov 18:00 GMT+8` (en),
 * `11月24日 18:00（北京时间）` (zh-CN, Asia/Shanghai) or `11月24日 18:00（GMT-5）`.
 */
export function formatShortTime(t: Date, timeZone: string, locale: string): string {
  const parts = zonedFormatter('short', timeZone, locale).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const zone = get('timeZoneName');
  if (locale === 'zh-CN') return `${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')}（${beijingTimeName(timeZone, locale) ?? zone}）`;
  return `${get('day')} ${get('month')} ${get('hour')}:${get('minute')} ${zone}`;
}

/**
 * How long until a promise is due, for a customer, whatever their time zone: whole hours under two
 * days, else whole days, rounded up (`8 hours`, `3 days`; `8 小时`, `3 天`); undefined when already due.
 */
export function formatWithin(ms: number, locale: string): string | undefined {
  if (!(ms > 0)) return undefined;
  const hours = Math.ceil(ms / HOUR_MS);
  if (hours < 48) return locale === 'zh-CN' ? `${hours} 小时` : `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.ceil(ms / (24 * HOUR_MS));
  return locale === 'zh-CN' ? `${days} 天` : `${days} days`;
}

/** A span for people, to the minute, at most two units: `2 d 3 h`, `3 h 20 min` (en); `2 天 3 小时`, `3 小时 20 分钟` (zh-CN). */
export function formatDuration(ms: number, locale: string): string {
  const minutes = Math.max(0, Math.round(ms / MINUTE_MS));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const units = locale === 'zh-CN' ? { d: '天', h: '小时', m: '分钟' } : { d: 'd', h: 'h', m: 'min' };
  const parts: string[] = [];
  if (d) parts.push(`${d} ${units.d}`);
  if (h) parts.push(`${h} ${units.h}`);
  if (!d && (m || !h)) parts.push(`${m} ${units.m}`);
  return parts.slice(0, 2).join(' ');
}

/**
 * The one place `Intl.DateTimeFormat` objects are made for time-zone work, with one cache.
 *
 * Building a formatter costs far more than using one, and the business-hours loops, replays and
 * message rendering format thousands of times with a handful of distinct styles and zones, so each
 * (style, zone, locale) is built once per process. The key is cheap to form: these calls sit in
 * day-by-day loops.
 */

/** The formats the domain reads or prints; each names its options once. */
const STYLES = {
  /** Every wall-clock field as numbers, for time-zone arithmetic (business hours, quiet hours). */
  wallClock: () => ({
    locale: 'en-US',
    // h23, not hour12: false: the latter renders midnight as "24" in some ICU versions.
    options: { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  }),
  /** Date and time to the minute, for people: `2026-11-22 14:03`. */
  minute: (locale: string) => ({
    locale: locale === 'zh-CN' ? 'zh-CN' : 'en-GB',
    options: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  }),
  /** Only the zone's name as people say it, in their language: `China Standard Time`, `北美东部标准时间`. */
  zoneName: (locale: string) => ({ locale: locale === 'zh-CN' ? 'zh-CN' : 'en-GB', options: { timeZoneName: 'long' } }),
  /** Only the zone's offset from UTC, `GMT-5` (`GMT` for UTC itself). */
  offset: () => ({ locale: 'en-US', options: { timeZoneName: 'shortOffset' } }),
  /** Short enough for an SMS, with the zone's short name: `24 Nov 18:00 GMT+8`. */
  short: (locale: string) => ({
    locale: locale === 'zh-CN' ? 'zh-CN' : 'en-GB',
    options: { month: locale === 'zh-CN' ? 'numeric' : 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' },
  }),
} satisfies Record<string, (locale: string) => { locale: string; options: Intl.DateTimeFormatOptions }>;

export type ZonedStyle = keyof typeof STYLES;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The cached formatter of a style in a zone.
 * @param style one of the named formats above
 * @param timeZone an IANA zone such as `Asia/Shanghai`
 * @param locale the reader's locale, for styles meant for people
 */
export function zonedFormatter(style: ZonedStyle, timeZone: string, locale = 'en'): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}|${locale}`;
  let f = formatters.get(key);
  if (!f) {
    const made = STYLES[style](locale);
    f = new Intl.DateTimeFormat(made.locale, { ...(made.options as Intl.DateTimeFormatOptions), timeZone });
    formatters.set(key, f);
  }
  return f;
}

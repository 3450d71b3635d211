/**
 * `npm run calendars`: writes functions/domain/calendars/cn-mainland.ts from the `chinese-days`
 * package (a devDependency), so the functions carry the dates only (about 3 KB, as runs of days) and no package:
 * the published schedule, and for the {@link STATUTORY_YEARS} years after it the moving festivals'
 * dates from its lunar calendar and solar terms, from which the statutory holidays follow.
 * tests/domain/holiday-schedules.test.ts fails when the file and the installed package disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import chineseDays from 'chinese-days';
import { DAY_MS } from '../domain/time.ts';

const require = createRequire(import.meta.url);
const TARGET = fileURLToPath(new URL('../domain/calendars/cn-mainland.ts', import.meta.url));

/**
 * How many years after the package's last published schedule the shipped file carries the statutory
 * holidays for (see {@link statutoryEntry}): about 27 bytes a year in every function that computes
 * due times.
 */
export const STATUTORY_YEARS = 10;

/** The package's data: its published schedule (dates `YYYY-MM-DD` per kind) and the statutory entries for the years after it. */
export function chineseDaysData(): { version: string; holidays: string[]; workdays: string[]; statutory: string[] } {
  const pkg = JSON.parse(readFileSync(require.resolve('chinese-days/package.json'), 'utf8')) as { version: string };
  const data = JSON.parse(readFileSync(require.resolve('chinese-days/dist/chinese-days.json'), 'utf8')) as Record<'holidays' | 'workdays', Record<string, string>>;
  const holidays = Object.keys(data.holidays).sort();
  const workdays = Object.keys(data.workdays).sort();
  const lastYear = Number([...holidays, ...workdays].sort().at(-1)!.slice(0, 4));
  const statutory = Array.from({ length: STATUTORY_YEARS }, (_, i) => statutoryEntry(lastYear + 1 + i));
  return { version: pkg.version, holidays, workdays, statutory };
}

/**
 * The dates of a year's four moving statutory holidays, from the package's lunar calendar and solar
 * terms, as `YYYY-MMDD-MMDD-MMDD-MMDD`: the first day of Spring Festival (正月初一), Qingming (the
 * solar term's day), Dragon Boat (五月初五) and Mid-Autumn (八月十五), each in the regular month when
 * the year has a leap month of that number. `statutoryHolidays` in functions/domain/holiday-schedule-data.ts
 * adds the eve and the fixed days.
 */
export function statutoryEntry(year: number): string {
  const lunar = (monthDay: string) => chineseDays.getSolarDateFromLunar(`${year}-${monthDay}`).date;
  const qingming = chineseDays.getSolarTerms(`${year}-04-01`, `${year}-04-10`).find((t) => t.term === 'pure_brightness')?.date;
  if (!qingming) throw new Error(`chinese-days has no Qingming in April ${year}`);
  const dates = [lunar('01-01'), qingming, lunar('05-05'), lunar('08-15')];
  for (const date of dates) if (!date.startsWith(`${year}-`)) throw new Error(`chinese-days put a ${year} festival on ${date}`);
  return [String(year), ...dates.map((d) => d.slice(5).replace('-', ''))].join('-');
}

/**
 * Sorted dates as runs of consecutive days: `YYYY-MM-DD` alone, or `YYYY-MM-DD+n` for it and the
 * `n` days after it (`expandDateRuns` in functions/domain/holiday-schedules.ts reads them back). A
 * holiday period is one entry instead of up to eight, which keeps every function's bundle about
 * 7 KB smaller.
 */
export function dateRuns(dates: readonly string[]): string[] {
  const runs: Array<{ start: string; extra: number }> = [];
  let previous = Number.NaN;
  for (const date of dates) {
    const t = Date.parse(`${date}T00:00:00Z`);
    const open = runs.at(-1);
    if (open && t - previous === DAY_MS) open.extra += 1;
    else runs.push({ start: date, extra: 0 });
    previous = t;
  }
  return runs.map((r) => (r.extra === 0 ? r.start : `${r.start}+${r.extra}`));
}

/**
 * How many years before the package's last one the shipped schedule keeps. Functions compute due
 * times from the time a complaint arrives (or is reopened, or resumes after waiting on the customer),
 * never in the past, and the package reaches back to 2004: every earlier year would be carried in
 * nearly every function's bundle (about 160 bytes a year) for nothing.
 */
export const YEARS_BACK = 1;

/** The module text for the data: runs of dates grouped by year, one line per year, from {@link YEARS_BACK} years before the last. */
export function renderCnMainland(data: ReturnType<typeof chineseDaysData>): string {
  const lastYear = Number([...data.holidays, ...data.workdays].sort().at(-1)!.slice(0, 4));
  const from = `${lastYear - YEARS_BACK}-01-01`;
  const byYear = (all: string[]) => {
    const runs = dateRuns(all.filter((d) => d >= from));
    const years = [...new Set(runs.map((d) => d.slice(0, 4)))];
    return years.map((y) => `    ${runs.filter((d) => d.startsWith(y)).map((d) => `'${d}'`).join(', ')},`).join('\n');
  };
  const last = [...data.holidays, ...data.workdays].sort().at(-1)!;
  return `/**
 * Mainland China's official public holidays and make-up working days (调休), as published by the
 * State Council, from \`chinese-days\` ${data.version}, and the statutory holidays of the years after
 * them. Generated by \`npm run calendars\`; do not edit.
 */

/** What the data covers (every function's cold start warns from it; the dates themselves are below). */
export const CN_MAINLAND_COVERAGE = {
  source: 'chinese-days ${data.version}',
  /** The first day the schedule knows: dates before it follow the plain weekly days. */
  coversFrom: '${from}',
  /** The last day of the published schedule: after it, only the statutory holidays below. */
  coversThrough: '${last.slice(0, 4)}-12-31',
  /** The last day of the statutory holidays below: dates after it follow the plain weekly days. */
  statutoryThrough: '${data.statutory.at(-1)!.slice(0, 4)}-12-31',
} as const;

export const CN_MAINLAND = {
  /** Days off, weekends inside a holiday period included (\`YYYY-MM-DD+n\`: that day and the n after it). */
  holidays: [
${byYear(data.holidays)}
  ],
  /** Weekend days worked in exchange for a holiday (same notation). */
  workdays: [
${byYear(data.workdays)}
  ],
  /**
   * The years after the published schedule: the days of Spring Festival, Qingming, Dragon Boat and
   * Mid-Autumn (\`YYYY-MMDD-MMDD-MMDD-MMDD\`); the statutory days off follow from them and the law.
   */
  statutory: [
${data.statutory.map((e) => `    '${e}',`).join('\n')}
  ],
} as const;
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const data = chineseDaysData();
  writeFileSync(TARGET, renderCnMainland(data));
  console.log(
    `wrote ${TARGET}: ${data.holidays.length} holidays, ${data.workdays.length} make-up working days, statutory holidays of ${data.statutory.length} more years (chinese-days ${data.version})`,
  );
}

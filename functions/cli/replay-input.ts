import { parse } from 'csv-parse/sync';
import { negativeBinomialBound, tailProbabilityFor } from '../domain/adaptive.ts';
import { zonedTime } from '../domain/business-time.ts';
import type { Category, PipelineConfig } from '../domain/config.ts';
import type { Cadence } from '../domain/multi-scale.ts';
import { choiceFlag, CliInputError, numberFlag, optional, parseFlags } from './args.ts';

/** A replay input problem the user can fix: printed as one line, exit code 2. */
export class ReplayInputError extends CliInputError {
  override readonly name: string = 'ReplayInputError';
}

export type DetectorChoice = 'static' | 'adaptive' | 'both';

export interface ReplayOptions {
  readonly file: string;
  readonly timeColumn: string;
  readonly categoryColumns: readonly string[];
  readonly detector: DetectorChoice;
  readonly configFile?: string;
  readonly json?: string;
  readonly chartDir?: string;
  /** Sliding window in minutes. @default 1440: day-resolution data cannot support shorter windows */
  readonly windowMinutes: number;
  /** Static threshold for every category; by default derived per category (see {@link defaultThreshold}). */
  readonly threshold?: number;
  /** How many of the busiest categories get a chart. @default 5 */
  readonly charts: number;
  /**
   * `day`: count per calendar day (company time zone) and evaluate once a day; `hour`: batches per
   * minute as the stream does. By default, the resolution of the input (see {@link readReplay}).
   */
  readonly cadence?: Cadence;
}

const USAGE =
  'usage: npm run replay -- --file <csv> --time-column <name> --category-column <name> [--category-column <name> ...] ' +
  '[--detector static|adaptive|both] [--cadence day|hour] [--config <file>] [--json <out.json>] [--chart <dir>] [--window <minutes>] [--threshold <n>]';

/** Parses the command line. @throws ReplayInputError naming the problem */
export function parseReplayArgs(argv: readonly string[]): ReplayOptions {
  const values = parseFlags(argv, ['file', 'time-column', 'category-column', 'detector', 'config', 'json', 'chart', 'window', 'threshold', 'charts', 'cadence'], USAGE);
  const one = (k: string) => optional(values, k);
  const file = one('file');
  const timeColumn = one('time-column');
  const categoryColumns = values['category-column'] ?? [];
  if (!file || !timeColumn || !categoryColumns.length) throw new ReplayInputError(`--file, --time-column and --category-column are required; ${USAGE}`);
  const detector = choiceFlag(values, 'detector', ['static', 'adaptive', 'both'], 'both');
  const int = (k: string, min: number, max: number): number | undefined =>
    one(k) === undefined ? undefined : numberFlag(values, k, { ok: (n) => Number.isInteger(n) && n >= min && n <= max, what: `a whole number from ${min} to ${max}` });
  const threshold = int('threshold', 1, 1_000_000);
  const cadence = one('cadence') === undefined ? undefined : choiceFlag(values, 'cadence', ['day', 'hour'], 'hour');
  const configFile = one('config');
  const json = one('json');
  const chartDir = one('chart');
  return {
    file,
    timeColumn,
    categoryColumns,
    detector,
    windowMinutes: int('window', 1, 1440) ?? 1440,
    charts: int('charts', 0, 100) ?? 5,
    ...(threshold !== undefined && { threshold }),
    ...(cadence !== undefined && { cadence }),
    ...(configFile !== undefined && { configFile }),
    ...(json !== undefined && { json }),
    ...(chartDir !== undefined && { chartDir }),
  };
}

/** One complaint to replay. */
export interface ReplayRow {
  readonly at: Date;
  readonly label: string;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Rows with a date only are spread over this part of the day (company time zone). */
export const BUSINESS_DAY = { startMinute: 9 * 60, endMinute: 18 * 60 } as const;

/** Rows in time order and the cadence they are replayed at. */
export interface ReplayInput {
  readonly rows: ReplayRow[];
  readonly cadence: Cadence;
}

/**
 * Reads the CSV at the resolution of its data. Without `cadence`, a file whose times are all dates
 * is replayed per calendar day (`day`): its rows are placed at local midnight of their date, to be
 * counted and evaluated once per day, with no invented times of day. Otherwise (`hour`), dates
 * without a time are spread evenly and deterministically over that day's business hours
 * (09:00–18:00 in `timeZone`), in file order, as before. Times without a zone are read in `timeZone`.
 * @throws ReplayInputError for an empty file, an unknown column or an unparsable date (naming the row)
 */
export function readReplay(csv: string, options: Pick<ReplayOptions, 'timeColumn' | 'categoryColumns' | 'cadence'>, timeZone: string): ReplayInput {
  const parsed = parseRows(csv, options, timeZone);
  const cadence = options.cadence ?? (parsed.timed.length === 0 ? 'day' : 'hour');
  const { dated, timed, offsets } = parsed;
  if (cadence === 'day') {
    for (const d of dated) timed.push({ at: new Date(offsets.localToUtc(d.day, 0)), label: d.label });
  } else {
    spreadOverBusinessHours(dated, timed, offsets);
  }
  // A stable sort keeps file order within a time.
  return { rows: timed.sort((a, b) => a.at.getTime() - b.at.getTime()), cadence };
}

/**
 * Reads the CSV into time-ordered rows at hour cadence: dates without a time are spread over the
 * day's business hours (see {@link readReplay}).
 */
export function readReplayRows(csv: string, options: Pick<ReplayOptions, 'timeColumn' | 'categoryColumns'>, timeZone: string): ReplayRow[] {
  return readReplay(csv, { ...options, cadence: 'hour' }, timeZone).rows;
}

function parseRows(
  csv: string,
  options: Pick<ReplayOptions, 'timeColumn' | 'categoryColumns'>,
  timeZone: string,
): { dated: Array<{ day: string; label: string }>; timed: ReplayRow[]; offsets: ZoneOffsets } {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new ReplayInputError(`cannot read the CSV: ${(err as Error).message}`);
  }
  const header = records[0];
  if (!header) throw new ReplayInputError('the file is empty');
  if (records.length < 2) throw new ReplayInputError('the file has a header but no rows');
  const column = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new ReplayInputError(`unknown column '${name}'; the columns are: ${header.join(', ')}`);
    return i;
  };
  const timeIndex = column(options.timeColumn);
  const labelIndexes = options.categoryColumns.map(column);
  const dated: Array<{ day: string; label: string }> = [];
  const timed: ReplayRow[] = [];
  const offsets = new ZoneOffsets(timeZone);
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    // Row numbers as a spreadsheet shows them: the header is row 1.
    const rowNumber = r + 1;
    const raw = (record[timeIndex] ?? '').trim();
    const label = labelIndexes.map((i) => (record[i] ?? '').trim() || '(blank)').join(' / ');
    const dateOnly = DATE_ONLY.exec(raw);
    if (dateOnly && validDate(raw)) {
      dated.push({ day: raw, label });
    } else if (DATE_TIME.test(raw) && validDate(raw.slice(0, 10))) {
      const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(raw);
      const t = hasZone ? Date.parse(raw.replace(' ', 'T')) : offsets.localToUtc(raw.slice(0, 10), localMinutes(raw));
      if (Number.isNaN(t)) throw new ReplayInputError(`row ${rowNumber}: cannot read '${raw}' in column '${options.timeColumn}' as a date`);
      timed.push({ at: new Date(t), label });
    } else {
      throw new ReplayInputError(`row ${rowNumber}: cannot read '${raw}' in column '${options.timeColumn}' as a date (expected YYYY-MM-DD or an ISO date-time)`);
    }
  }
  return { dated, timed, offsets };
}

function spreadOverBusinessHours(dated: ReadonlyArray<{ day: string; label: string }>, timed: ReplayRow[], offsets: ZoneOffsets): void {
  const perDay = new Map<string, number>();
  for (const d of dated) perDay.set(d.day, (perDay.get(d.day) ?? 0) + 1);
  const seen = new Map<string, number>();
  const span = (BUSINESS_DAY.endMinute - BUSINESS_DAY.startMinute) * 60_000;
  for (const d of dated) {
    const i = seen.get(d.day) ?? 0;
    seen.set(d.day, i + 1);
    const start = offsets.localToUtc(d.day, BUSINESS_DAY.startMinute);
    timed.push({ at: new Date(start + Math.floor(((i + 0.5) * span) / perDay.get(d.day)!)), label: d.label });
  }
}

function validDate(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}

function localMinutes(raw: string): number {
  const [h, m, s] = raw.slice(11).split(/[:Z+-]/);
  return Number(h) * 60 + Number(m) + Number(s ?? 0) / 60;
}

/**
 * Local wall-clock to UTC in one zone. The zone's offset is looked up once per local hour (through
 * the domain's `zonedTime`) and cached, because a replay converts tens of thousands of rows.
 */
class ZoneOffsets {
  readonly #cache = new Map<string, number>();
  constructor(private readonly timeZone: string) {}

  /** Epoch ms of `minutes` after local midnight of `day`. */
  localToUtc(day: string, minutes: number): number {
    const hourStart = Math.floor(minutes / 60) * 60;
    const key = `${day}|${hourStart}`;
    const midnight = Date.parse(`${day}T00:00:00Z`);
    let offset = this.#cache.get(key);
    if (offset === undefined) {
      offset = midnight + hourStart * 60_000 - zonedTime(day, hourStart, this.timeZone).getTime();
      this.#cache.set(key, offset);
    }
    return midnight + minutes * 60_000 - offset;
  }
}

/** A replay category: a config category plus the label it came from and its row count. */
export interface ReplayCategory {
  readonly label: string;
  readonly rows: number;
  readonly category: Category;
}

/**
 * The static threshold a replay gives a category when none is set: the Poisson bound at the
 * configured nominal false-alarm rate around the category's average count per window over the whole
 * file (what "alert when it is clearly above normal" means for flat traffic), never below the
 * adaptive floor. Using the whole file's average is deliberate: it is the setting a team would pick
 * by looking at their history, and the replay shows what that setting would have done.
 */
export function defaultThreshold(rows: number, spanMinutes: number, windowMinutes: number, config: PipelineConfig): number {
  const windows = Math.max(1, spanMinutes / windowMinutes);
  const mean = Math.max(rows / windows, 0.1);
  const tail = tailProbabilityFor(windowMinutes, config.alerting.adaptive.falseAlarmsPerMonth);
  return Math.max(config.alerting.adaptive.minCount, negativeBinomialBound(mean, mean, tail));
}

/** Builds config categories for the labels found, owned by the config's first department. */
export function replayCategories(rows: readonly ReplayRow[], options: Pick<ReplayOptions, 'windowMinutes' | 'threshold'>, detector: DetectorChoice, config: PipelineConfig): ReplayCategory[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  const first = rows[0]?.at.getTime() ?? 0;
  const last = rows.at(-1)?.at.getTime() ?? 0;
  const spanMinutes = Math.max(options.windowMinutes, (last - first) / 60_000);
  const department = config.departments[0]!.id;
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([label, n], i) => ({
      label,
      rows: n,
      category: {
        id: categoryId(label, i),
        name: { 'zh-CN': label, en: label },
        keywords: { 'zh-CN': [], en: [] },
        department,
        threshold: { count: options.threshold ?? defaultThreshold(n, spanMinutes, options.windowMinutes, config), windowMinutes: options.windowMinutes },
        detector,
      },
    }));
}

function categoryId(label: string, index: number): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `c${index + 1}-${slug}`.slice(0, 48).replace(/-+$/, '');
}

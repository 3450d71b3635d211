import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, replayRows } from '../../functions/cli/replay.ts';
import { defaultThreshold, parseReplayArgs, readReplay, readReplayRows, replayCategories, ReplayInputError, type ReplayRow } from '../../functions/cli/replay-input.ts';
import { defaultConfig } from '../fixtures/config.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const base = ['--time-column', 'Date received', '--category-column', 'Product'];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('replay arguments', () => {
  it('reads repeated category columns and defaults', () => {
    const o = parseReplayArgs(['--file', 'x.csv', ...base, '--category-column', 'Issue', '--detector', 'adaptive']);
    expect(o).toMatchObject({ file: 'x.csv', timeColumn: 'Date received', categoryColumns: ['Product', 'Issue'], detector: 'adaptive', windowMinutes: 1440 });
  });

  it.each([
    [['--file', 'x.csv'], /required/],
    [['--file', 'x.csv', ...base, '--detector', 'magic'], /--detector must be/],
    [['--file', 'x.csv', ...base, '--cadence', 'minute'], /--cadence must be day or hour/],
    [['--file', 'x.csv', ...base, '--colour', 'red'], /unknown option --colour/],
    [['--file', 'x.csv', ...base, '--window', '0'], /--window must be a whole number/],
    [['--file'], /--file needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReplayArgs(argv)).toThrow(message);
  });
});

describe('replay input', () => {
  const read = (name: string, columns = ['Product']) =>
    readReplayRows(readFileSync(fixture(name), 'utf8'), { timeColumn: 'Date received', categoryColumns: columns }, 'Asia/Shanghai');

  it('reads quoted fields and joins several category columns with " / "', () => {
    const rows = read('replay-small.csv', ['Product', 'Issue']);
    expect(rows.map((r) => r.label)).toContain('Credit card or prepaid card / Fees, "surprise" interest');
    expect(rows.map((r) => r.label)).toContain('Mortgage / Trouble during payment process');
  });

  it('spreads date-only rows evenly over 09:00–18:00 in the company time zone, in file order, deterministically', () => {
    const rows = read('replay-small.csv');
    // 2 Jan has four rows: 09:00 + (i + 0.5) × 135 min, Shanghai is UTC+8.
    expect(rows.slice(0, 4).map((r) => r.at.toISOString())).toEqual([
      '2023-01-02T02:07:30.000Z',
      '2023-01-02T04:22:30.000Z',
      '2023-01-02T06:37:30.000Z',
      '2023-01-02T08:52:30.000Z',
    ]);
    expect(rows[3]!.label).toBe('Credit card or prepaid card');
    expect(rows[4]!.at.toISOString()).toBe('2023-01-03T05:30:00.000Z');
    expect(read('replay-small.csv')).toEqual(rows);
  });

  it.each([
    ['replay-bad-date.csv', ['Product'], /row 3: cannot read '2023-02-30' in column 'Date received' as a date/],
    ['replay-small.csv', ['Prodcut'], /unknown column 'Prodcut'; the columns are: Complaint ID, Date received, Product, Issue/],
    ['replay-empty.csv', ['Product'], /the file is empty/],
    ['replay-header-only.csv', ['Product'], /header but no rows/],
  ])('%s with %j gives a clear error', (name, columns, message) => {
    expect(() => read(name, columns)).toThrow(ReplayInputError);
    expect(() => read(name, columns)).toThrow(message);
  });

  it('reads date-times with and without a zone', () => {
    const rows = readReplayRows('t,p\n2023-01-02T10:15:00Z,A\n2023-01-02 10:15,A\n', { timeColumn: 't', categoryColumns: ['p'] }, 'Asia/Shanghai');
    expect(rows.map((r) => r.at.toISOString())).toEqual(['2023-01-02T02:15:00.000Z', '2023-01-02T10:15:00.000Z']);
  });
});

describe('replay command', () => {
  it.each([
    [['--file', fixture('replay-bad-date.csv'), ...base], 'replay: row 3:'],
    [['--file', fixture('replay-empty.csv'), ...base], 'replay: the file is empty'],
    [['--file', fixture('replay-small.csv'), '--time-column', 'When', '--category-column', 'Product'], "replay: unknown column 'When'"],
    [['--file', fixture('does-not-exist.csv'), ...base], 'replay: cannot read'],
  ])('exits 2 with one line for %j', async (argv, start) => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(argv)).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.startsWith(start)).toBe(true);
    expect(errors[0]).not.toContain('\n');
  });

  it('writes the JSON report and one chart per top category', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const code = await main(['--file', fixture('replay-small.csv'), ...base, '--json', join(dir, 'out.json'), '--chart', join(dir, 'charts'), '--charts', '1']);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(json).toMatchObject({ rows: 5, incidents: [] });
    expect(json.categories.map((c: { category: string }) => c.category)).toEqual(['Credit card or prepaid card', 'Mortgage']);
    expect(readdirSync(join(dir, 'charts'))).toEqual(['c1-credit-card-or-prepaid-card.svg']);
    expect(out.join('\n')).toContain('Incidents per category-month');
  });
});

describe('replaying through the pipeline use cases', () => {
  // Six weeks of 20 complaints a day, then a day of 100: one incident, resolved once it falls.
  const day = (d: number) => Date.UTC(2023, 0, 2 + d, 1, 0);
  const rows: ReplayRow[] = [];
  for (let d = 0; d < 45; d++) {
    const n = d === 42 ? 100 : 20;
    for (let i = 0; i < n; i++) rows.push({ at: new Date(day(d) + Math.floor((i * 9 * 3_600_000) / n)), label: 'Cards' });
  }

  it.each(['static', 'adaptive', 'both'] as const)('with the %s detector opens one incident for the surge and resolves it', async (detector) => {
    const categories = replayCategories(rows, { windowMinutes: 1440 }, detector, defaultConfig);
    const run = await replayRows(rows, categories, defaultConfig, detector);
    expect(run.incidents).toHaveLength(1);
    const [incident] = run.incidents;
    expect(incident!.openedAt.slice(0, 10)).toBe('2023-02-13');
    expect(incident!.state).toBe('resolved');
    expect(incident!.peak).toBeGreaterThanOrEqual(categories[0]!.category.threshold.count);
    if (detector === 'adaptive') expect(incident!.detector).toBe('adaptive');
  });

  it('derives a default static threshold above the ordinary daily volume', () => {
    const threshold = defaultThreshold(20 * 45, 45 * 1440, 1440, defaultConfig);
    expect(threshold).toBeGreaterThan(30);
    expect(threshold).toBeLessThan(45);
  });
});

describe('replay cadence', () => {
  it('reads a file of dates at day cadence, each row at local midnight, unless --cadence hour says otherwise', () => {
    expect(parseReplayArgs(['--file', 'x.csv', ...base, '--cadence', 'hour']).cadence).toBe('hour');
    const csv = 't,p\n2023-01-02,A\n2023-01-02,A\n2023-01-03,B\n';
    const day = readReplay(csv, { timeColumn: 't', categoryColumns: ['p'] }, 'Asia/Shanghai');
    expect(day.cadence).toBe('day');
    expect(day.rows.map((r) => r.at.toISOString())).toEqual(['2023-01-01T16:00:00.000Z', '2023-01-01T16:00:00.000Z', '2023-01-02T16:00:00.000Z']);
    const hour = readReplay(csv, { timeColumn: 't', categoryColumns: ['p'], cadence: 'hour' }, 'Asia/Shanghai');
    expect(hour.cadence).toBe('hour');
    expect(new Set(hour.rows.map((r) => r.at.toISOString())).size).toBe(3);
    expect(readReplay('t,p\n2023-01-02T10:15:00Z,A\n', { timeColumn: 't', categoryColumns: ['p'] }, 'Asia/Shanghai').cadence).toBe('hour');
  });

  it('at day cadence evaluates once per day: a surge day opens one day-scale incident, next to the v1 run', async () => {
    const rows: ReplayRow[] = [];
    // Ten weeks at about 20 a day (a weekly rhythm), then one day of 80, all at local midnight.
    for (let d = 0; d < 75; d++) {
      const n = d === 70 ? 80 : d % 7 >= 5 ? 14 : 22;
      for (let i = 0; i < n; i++) rows.push({ at: new Date(Date.UTC(2023, 0, 1, 16) + d * 86_400_000), label: 'Cards' });
    }
    const categories = replayCategories(rows, { windowMinutes: 1440 }, 'adaptive', defaultConfig);
    const run = await replayRows(rows, categories, defaultConfig, 'adaptive', undefined, { cadence: 'day' });
    expect(run).toMatchObject({ cadence: 'day', label: 'adaptive', method: 'multi-scale' });
    expect(run.incidents).toHaveLength(1);
    expect(run.incidents[0]).toMatchObject({ scale: 'day', detector: 'adaptive', state: 'resolved' });
    // Judged at the day's last minute, local time.
    expect(run.incidents[0]!.openedAt).toBe('2023-03-13T15:59:00.000Z');
    const v1 = await replayRows(rows, categories, defaultConfig, 'adaptive', undefined, { cadence: 'day', method: 'weekly-median' });
    expect(v1.label).toBe('v1 adaptive');
    expect(v1.incidents.every((i) => i.scale === undefined)).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { replayRows } from '../functions/cli/replay.ts';
import { readReplay, readReplayRows, replayCategories } from '../functions/cli/replay-input.ts';

const DATA = fileURLToPath(new URL('../../shared/data/cfpb-bank-of-america-2017-2023.csv', import.meta.url));
/** The naive baseline is quadratic (the whole file takes minutes): both sides are compared on this prefix. */
const COMPARED_ROWS = 20_000;

export interface ReplayBenchResult {
  bench: 'replay';
  rows: number;
  /** Cadence of the whole-file replay (the file has dates only: `day`). */
  cadence: 'day' | 'hour';
  /** Reading and parsing the CSV. */
  parseSeconds: number;
  /** Replay time: the pipeline's use cases on the parsed rows (static + multi-scale detector, `both`). */
  seconds: number;
  /** CPU time of the same replay (what the wall time would be on an otherwise idle core). */
  cpuSeconds: number;
  rowsPerSecond: number;
  /** Rows of the prefix both sides replay for the comparison. */
  comparedRows: number;
  comparedRowsPerSecond: number;
  naiveRowsPerSecond: number;
  ratio: number;
  incidents: number;
}

/**
 * Replays the 62k-row CFPB file (Product, daily window, detector `both`: static threshold and the
 * multi-scale detector) at the file's own cadence (dates only: one evaluation per calendar day)
 * through the pipeline's use cases on in-memory ports; then, on the first 20,000 rows at hour
 * cadence with the static detector, the same replay against a naive backtest that recomputes every
 * window from the raw rows seen so far, in the same run.
 */
export async function benchReplay(log: (line: string) => void): Promise<ReplayBenchResult> {
  const config = loadConfigFile();
  const options = { timeColumn: 'Date received', categoryColumns: ['Product'], windowMinutes: 1440 };
  const t0 = performance.now();
  const csv = readFileSync(DATA, 'utf8');
  const { rows: dayRows, cadence } = readReplay(csv, options, config.company.timeZone);
  const parseSeconds = (performance.now() - t0) / 1000;
  const tr = performance.now();
  const cpu = process.cpuUsage();
  const run = await replayRows(dayRows, replayCategories(dayRows, options, 'both', config), config, 'both', undefined, { cadence });
  const seconds = (performance.now() - tr) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  log(`replay: ${dayRows.length} rows at ${cadence} cadence in ${seconds.toFixed(2)} s of replay time (${cpuSeconds.toFixed(2)} s CPU; + ${parseSeconds.toFixed(2)} s parsing), ${run.incidents.length} incidents (both)`);

  const rows = readReplayRows(csv, options, config.company.timeZone);
  const categories = replayCategories(rows, options, 'static', config);
  const prefix = rows.slice(0, COMPARED_ROWS);
  const tp = performance.now();
  await replayRows(prefix, replayCategories(prefix, options, 'static', config), config, 'static');
  const comparedSeconds = (performance.now() - tp) / 1000;

  const thresholds = new Map(categories.map((c) => [c.label, c.category.threshold.count]));
  const span = 1440 * 60_000;
  const t1 = performance.now();
  let naiveAlerts = 0;
  // Quadratic: every row re-filters all rows before it.
  const naive = prefix;
  for (let i = 0; i < naive.length; i++) {
    const row = naive[i]!;
    const t = row.at.getTime();
    const count = naive.slice(0, i + 1).filter((r) => r.label === row.label && r.at.getTime() > t - span).length;
    if (count === thresholds.get(row.label)) naiveAlerts += 1;
  }
  const naiveSeconds = (performance.now() - t1) / 1000;
  log(`naive replay: ${naive.length} rows in ${naiveSeconds.toFixed(2)} s (${naiveAlerts} threshold crossings)`);
  const rowsPerSecond = Math.round(dayRows.length / seconds);
  const comparedRowsPerSecond = Math.round(prefix.length / comparedSeconds);
  const naiveRowsPerSecond = Math.round(naive.length / naiveSeconds);
  return {
    bench: 'replay',
    rows: dayRows.length,
    cadence,
    parseSeconds: Math.round(parseSeconds * 100) / 100,
    seconds: Math.round(seconds * 100) / 100,
    cpuSeconds: Math.round(cpuSeconds * 100) / 100,
    rowsPerSecond,
    comparedRows: prefix.length,
    comparedRowsPerSecond,
    naiveRowsPerSecond,
    ratio: Math.round((comparedRowsPerSecond / naiveRowsPerSecond) * 10) / 10,
    incidents: run.incidents.length,
  };
}

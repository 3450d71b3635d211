/**
 * `npm run replay`: backtests alert settings on past complaints. Rows go through the SAME
 * monitorVolume and evaluateAlerts use cases the Lambdas run, wired to in-memory ports and a
 * simulated clock: no HTTP, no DynamoDB. Nobody acknowledges during a replay, so every incident
 * runs its full course of escalations and reminders until its all-clear.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../adapters/config-file.ts';
import { MemoryAlertStore } from '../adapters/memory-alert-store.ts';
import { MemoryComplaintSummaries } from '../adapters/memory-complaint-repository.ts';
import { MemoryEventPublisher, MemoryMessageLedger, MemoryNotifier } from '../adapters/memory-notifier.ts';
import { MemoryVolumeStore } from '../adapters/memory-volume-store.ts';
import { SimulatedClock } from '../local/simulated-clock.ts';
import type { AlertIncident } from '../domain/alert.ts';
import { ConfigError, type PipelineConfig } from '../domain/config.ts';
import { DAY_MS, MINUTE_MS } from '../domain/time.ts';

type AdaptiveMethod = AdaptiveSettings['method'];
import { evaluateAlerts } from '../use-cases/evaluate-alerts.ts';
import { monitorVolume } from '../use-cases/monitor-volume.ts';
import { BaselineCache, readMultiScale } from '../use-cases/read-baseline.ts';
import { zonedTime } from '../domain/business-time.ts';
import type { Cadence } from '../domain/multi-scale.ts';
import { localDate } from '../domain/step-series.ts';
import type { AdaptiveSettings } from '../domain/config.ts';
import { CliInputError, runWhenMain } from './args.ts';
import { createProgress } from './progress.ts';
import { parseReplayArgs, readReplay, replayCategories, ReplayInputError, type DetectorChoice, type ReplayCategory, type ReplayOptions, type ReplayRow } from './replay-input.ts';
import { renderChart, renderReport, type ReplayRun } from './replay-report.ts';

/** The evaluator's schedule (functions/pipeline.ts: rate(5 minutes)). */
const EVALUATOR_MINUTES = 5;

/** How one replay pass runs: the cadence, and for the adaptive detector which method. */
export interface ReplayPass {
  /** @default 'hour' */
  readonly cadence?: Cadence;
  /** @default the config's `alerting.adaptive.method` */
  readonly method?: AdaptiveMethod;
}

/**
 * Replays rows through the pipeline's use cases with one detector setting for every category.
 * At `hour` cadence one stream batch per minute of arrivals, with the evaluator every five minutes
 * while an incident is open; at `day` cadence one batch per calendar day (company time zone),
 * evaluated at the end of that day, and the evaluator once a day after it.
 * @param onProgress called with the number of rows done, now and then
 */
export async function replayRows(
  rows: readonly ReplayRow[],
  categories: readonly ReplayCategory[],
  baseConfig: PipelineConfig,
  detector: DetectorChoice,
  onProgress: (done: number) => void = () => undefined,
  pass: ReplayPass = {},
): Promise<ReplayRun> {
  const cadence = pass.cadence ?? 'hour';
  const method = pass.method ?? baseConfig.alerting.adaptive.method;
  const config: PipelineConfig = {
    ...baseConfig,
    alerting: { ...baseConfig.alerting, adaptive: { ...baseConfig.alerting.adaptive, method } },
    categories: categories.map((c) => ({ ...c.category, detector })),
  };
  const idOf = new Map(categories.map((c) => [c.label, c.category.id]));
  const first = rows[0];
  const clock = new SimulatedClock(first ? first.at : new Date(0));
  const volume = new MemoryVolumeStore();
  const alerts = new MemoryAlertStore();
  const complaints = new MemoryComplaintSummaries();
  const notifier = new MemoryNotifier();
  const deps = {
    config,
    clock,
    volume,
    alerts,
    complaints,
    notifier,
    ledger: new MemoryMessageLedger(),
    events: new MemoryEventPublisher(),
    cadence,
    baselineCache: new BaselineCache(),
  };
  const label = detector === 'static' ? 'static' : method === 'weekly-median' ? `v1 ${detector}` : detector;
  let seq = 0;
  const toRecord = (row: ReplayRow) => {
    const category = idOf.get(row.label)!;
    seq += 1;
    const receivedAt = row.at.toISOString();
    complaints.add(category, { id: `R${seq}`, title: row.label, description: row.label, receivedAt });
    return { eventId: String(seq), category, receivedAt };
  };

  if (cadence === 'day') {
    const timeZone = config.company.timeZone;
    const nextMidnight = (t: number) => {
      const date = new Date(Date.parse(`${localDate(new Date(t), timeZone)}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
      return zonedTime(date, 0, timeZone).getTime();
    };
    const last = rows.at(-1)?.at.getTime() ?? 0;
    // Days after the last row let the incidents still open run to their all-clear.
    const stop = last + 8 * DAY_MS;
    let i = 0;
    for (let dayEnd = first ? nextMidnight(first.at.getTime()) : stop; dayEnd <= stop + DAY_MS; dayEnd = nextMidnight(dayEnd)) {
      const batch = [];
      const from = i;
      while (i < rows.length && rows[i]!.at.getTime() < dayEnd) batch.push(toRecord(rows[i++]!));
      // The day is judged once, with all of it counted: at its last minute.
      clock.set(new Date(dayEnd - MINUTE_MS));
      if (batch.length) {
        await monitorVolume(batch, deps);
        volume.forgetLedger();
      }
      if (alerts.hasOpen()) await evaluateAlerts(deps);
      if (i > from && (i >> 10) !== (from >> 10)) onProgress(i);
      if (i >= rows.length && !alerts.hasOpen()) break;
    }
    onProgress(rows.length);
    return { detector, label, method, cadence, incidents: alerts.all(), messages: notifier.messages.length, volume, config };
  }

  const tick = EVALUATOR_MINUTES * MINUTE_MS;
  let nextTick = first ? Math.ceil(first.at.getTime() / tick) * tick : 0;
  const runTicksUntil = async (t: number) => {
    // Ticks with nothing open would find nothing: skip straight past them.
    if (!alerts.hasOpen()) nextTick = Math.max(nextTick, Math.ceil(t / tick) * tick);
    while (nextTick <= t && alerts.hasOpen()) {
      clock.set(new Date(nextTick));
      await evaluateAlerts(deps);
      nextTick += tick;
      if (!alerts.hasOpen()) nextTick = Math.max(nextTick, Math.ceil(t / tick) * tick);
    }
  };

  for (let i = 0; i < rows.length; ) {
    // One stream batch per minute of arrivals.
    const minute = Math.floor(rows[i]!.at.getTime() / MINUTE_MS);
    let j = i;
    const batch = [];
    while (j < rows.length && Math.floor(rows[j]!.at.getTime() / MINUTE_MS) === minute) batch.push(toRecord(rows[j++]!));
    const at = rows[j - 1]!.at.getTime();
    await runTicksUntil(at);
    if (at > clock.now().getTime()) clock.set(new Date(at));
    await monitorVolume(batch, deps);
    // Nothing is ever redelivered in a replay: the ledger need not grow with the file.
    volume.forgetLedger();
    if (j - i > 0 && (j >> 10) !== (i >> 10)) onProgress(j);
    i = j;
  }
  // Let the incidents open at the end run their course.
  const last = rows.at(-1)?.at.getTime() ?? 0;
  const maxWindow = Math.max(...config.categories.map((c) => c.threshold.windowMinutes));
  await runTicksUntil(last + (maxWindow + config.alerting.clearAfterMinutes + 2 * EVALUATOR_MINUTES) * MINUTE_MS);
  onProgress(rows.length);
  return { detector, label, method, cadence, incidents: alerts.all(), messages: notifier.messages.length, volume, config };
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: ReplayOptions;
  let config: PipelineConfig;
  let rows: ReplayRow[];
  let cadence: Cadence;
  try {
    options = parseReplayArgs(argv);
    config = loadConfigFile(options.configFile ? resolve(options.configFile) : DEFAULT_CONFIG_PATH);
    let csv: string;
    try {
      csv = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ReplayInputError(`cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    ({ rows, cadence } = readReplay(csv, options, config.company.timeZone));
  } catch (err) {
    // Bad flags (args.ts) and bad input (ReplayInputError) alike.
    if (err instanceof CliInputError) {
      console.error(`replay: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(`replay: ${err.message.replace(/\n\s*/g, ' ')}`);
      return 2;
    }
    throw err;
  }

  const started = performance.now();
  // `both` also runs the v1 adaptive detector (weekly median), to compare side by side.
  const passes: Array<{ detector: DetectorChoice; method?: 'weekly-median' }> =
    options.detector === 'both'
      ? [{ detector: 'static' }, { detector: 'adaptive', method: 'weekly-median' }, { detector: 'adaptive' }, { detector: 'both' }]
      : [{ detector: options.detector }];
  const runs: ReplayRun[] = [];
  for (const { detector, method } of passes) {
    const categories = replayCategories(rows, options, detector, config);
    // A bar on a terminal; plain periodic lines when stderr is piped, so a long run never looks stuck.
    const bar = createProgress(rows.length, `replay (${method ? 'v1 ' : ''}${detector})`.padEnd(18), { tty: process.stderr.isTTY === true, write: (t) => process.stderr.write(t), now: () => Date.now() });
    runs.push(await replayRows(rows, categories, config, detector, (n) => bar.update(n), { cadence, ...(method && { method }) }));
    bar.done();
  }
  const seconds = (performance.now() - started) / 1000;
  const categories = replayCategories(rows, options, options.detector, config);
  const main = runs.at(-1)!;
  console.log(renderReport({ rows, categories, runs, seconds, options: { ...options, cadence } }));

  if (options.json) {
    const json = {
      incidents: main.incidents.map((i: AlertIncident) => ({
        category: labelOf(categories, i.category),
        openedAt: i.openedAt,
        resolvedAt: i.resolvedAt ?? null,
        peak: i.peak,
        detector: i.detector,
        scale: i.scale ?? null,
      })),
      categories: categories.map((c) => ({
        category: c.label,
        id: c.category.id,
        rows: c.rows,
        threshold: c.category.threshold.count,
        windowMinutes: c.category.threshold.windowMinutes,
        incidents: Object.fromEntries(runs.map((r) => [r.label, r.incidents.filter((i) => i.category === c.category.id).length])),
      })),
      rows: rows.length,
      detector: options.detector,
      cadence,
    };
    writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`wrote ${options.json}`);
  }
  if (options.chartDir) {
    mkdirSync(options.chartDir, { recursive: true });
    const chartCache = new BaselineCache();
    for (const c of categories.slice(0, options.charts)) {
      const file = join(options.chartDir, `${c.category.id}.svg`);
      writeFileSync(file, await renderChart(c, rows, main, (cat, at) => readMultiScale(cat, at, cadence, { ...main, baselineCache: chartCache })));
      console.log(`wrote ${file}`);
    }
  }
  return 0;
}

function labelOf(categories: readonly ReplayCategory[], id: string): string {
  return categories.find((c) => c.category.id === id)?.label ?? id;
}

runWhenMain(import.meta.url, main);

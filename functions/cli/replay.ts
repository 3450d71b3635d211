/**
 * `npm run replay`: backtests alert settings on past complaints. Rows go through the SAME
 * monitorVolume and evaluateAlerts use cases the Lambdas run, wired to in-memory ports and a
 * simulated clock: no HTTP, no DynamoDB. Nobody acknowledges during a replay, so every incident
 * runs its full course of escalations and reminders until its all-clear.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../adapters/config-file.ts';
import { MemoryAlertStore } from '../adapters/memory-alert-store.ts';
import { MemoryComplaintSummaries } from '../adapters/memory-complaint-repository.ts';
import { MemoryEventPublisher, MemoryMessageLedger, MemoryNotifier } from '../adapters/memory-notifier.ts';
import { MemoryVolumeStore } from '../adapters/memory-volume-store.ts';
import { SimulatedClock } from '../local/simulated-clock.ts';
import type { AlertIncident } from '../domain/alert.ts';
import { ConfigError, type PipelineConfig } from '../domain/config.ts';
import { MINUTE_MS } from '../domain/time.ts';
import { evaluateAlerts } from '../use-cases/evaluate-alerts.ts';
import { monitorVolume } from '../use-cases/monitor-volume.ts';
import { readBaseline } from '../use-cases/read-baseline.ts';
import { createProgress } from './progress.ts';
import { parseReplayArgs, readReplayRows, replayCategories, ReplayInputError, type DetectorChoice, type ReplayCategory, type ReplayOptions, type ReplayRow } from './replay-input.ts';
import { renderChart, renderReport, type ReplayRun } from './replay-report.ts';

/** The evaluator's schedule (functions/pipeline.ts: rate(5 minutes)). */
const EVALUATOR_MINUTES = 5;

/**
 * Replays rows through the pipeline's use cases with one detector setting for every category.
 * @param onProgress called with the number of rows done, now and then
 */
export async function replayRows(
  rows: readonly ReplayRow[],
  categories: readonly ReplayCategory[],
  baseConfig: PipelineConfig,
  detector: DetectorChoice,
  onProgress: (done: number) => void = () => undefined,
): Promise<ReplayRun> {
  const config: PipelineConfig = { ...baseConfig, categories: categories.map((c) => ({ ...c.category, detector })) };
  const idOf = new Map(categories.map((c) => [c.label, c.category.id]));
  const first = rows[0];
  const clock = new SimulatedClock(first ? first.at : new Date(0));
  const volume = new MemoryVolumeStore();
  const alerts = new MemoryAlertStore();
  const complaints = new MemoryComplaintSummaries();
  const notifier = new MemoryNotifier();
  const deps = { config, clock, volume, alerts, complaints, notifier, ledger: new MemoryMessageLedger(), events: new MemoryEventPublisher() };

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

  let seq = 0;
  for (let i = 0; i < rows.length; ) {
    // One stream batch per minute of arrivals.
    const minute = Math.floor(rows[i]!.at.getTime() / MINUTE_MS);
    let j = i;
    const batch = [];
    while (j < rows.length && Math.floor(rows[j]!.at.getTime() / MINUTE_MS) === minute) {
      const row = rows[j]!;
      const category = idOf.get(row.label)!;
      seq += 1;
      const receivedAt = row.at.toISOString();
      complaints.add(category, { id: `R${seq}`, title: row.label, description: row.label, receivedAt });
      batch.push({ sequenceNumber: String(seq), category, receivedAt });
      j++;
    }
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
  return { detector, incidents: alerts.all(), messages: notifier.messages.length, volume, config };
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: ReplayOptions;
  let config: PipelineConfig;
  let rows: ReplayRow[];
  try {
    options = parseReplayArgs(argv);
    config = loadConfigFile(options.configFile ? resolve(options.configFile) : DEFAULT_CONFIG_PATH);
    let csv: string;
    try {
      csv = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ReplayInputError(`cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    rows = readReplayRows(csv, options, config.company.timeZone);
  } catch (err) {
    if (err instanceof ReplayInputError) {
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
  const detectors: DetectorChoice[] = options.detector === 'both' ? ['static', 'adaptive', 'both'] : [options.detector];
  const runs: ReplayRun[] = [];
  for (const detector of detectors) {
    const categories = replayCategories(rows, options, detector, config);
    // A bar on a terminal; plain periodic lines when stderr is piped, so a long run never looks stuck.
    const bar = createProgress(rows.length, `replay (${detector})`.padEnd(18), { tty: process.stderr.isTTY === true, write: (t) => process.stderr.write(t), now: () => Date.now() });
    runs.push(await replayRows(rows, categories, config, detector, (n) => bar.update(n)));
    bar.done();
  }
  const seconds = (performance.now() - started) / 1000;
  const categories = replayCategories(rows, options, options.detector, config);
  const main = runs.at(-1)!;
  console.log(renderReport({ rows, categories, runs, seconds, options }));

  if (options.json) {
    const json = {
      incidents: main.incidents.map((i: AlertIncident) => ({
        category: labelOf(categories, i.category),
        openedAt: i.openedAt,
        resolvedAt: i.resolvedAt ?? null,
        peak: i.peak,
        detector: i.detector,
      })),
      categories: categories.map((c) => ({
        category: c.label,
        id: c.category.id,
        rows: c.rows,
        threshold: c.category.threshold.count,
        windowMinutes: c.category.threshold.windowMinutes,
        incidents: Object.fromEntries(runs.map((r) => [r.detector, r.incidents.filter((i) => i.category === c.category.id).length])),
      })),
      rows: rows.length,
      detector: options.detector,
    };
    writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`wrote ${options.json}`);
  }
  if (options.chartDir) {
    mkdirSync(options.chartDir, { recursive: true });
    for (const c of categories.slice(0, options.charts)) {
      const file = join(options.chartDir, `${c.category.id}.svg`);
      writeFileSync(file, await renderChart(c, rows, main, (cat, at) => readBaseline(cat, at, main)));
      console.log(`wrote ${file}`);
    }
  }
  return 0;
}

function labelOf(categories: readonly ReplayCategory[], id: string): string {
  return categories.find((c) => c.category.id === id)?.label ?? id;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

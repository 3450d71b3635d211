import '../functions/local/env-defaults.ts';
import { CliInputError, runWhenMain } from '../functions/cli/args.ts';
import { selectBenchmarks, type BenchName } from './select.ts';
import { benchSlaSweep } from './sla-sweep.ts';
import { benchSlaCache } from './sla-cache.ts';
import { benchReplay } from './replay.ts';
import { benchVolumeMonitor } from './volume-monitor.ts';
import { benchTextModel } from './text-model.ts';
import { benchDetection } from './detection.ts';
import { benchIntakeLoad } from './intake-load.ts';
import { benchBundles } from './bundles.ts';
import { benchIdleWalk } from './idle-walk.ts';

type Log = (line: string) => void;

/**
 * The benchmarks in the order `npm run bench` runs them. Each measures our implementation and a
 * naive baseline in the same run, prints a human summary and then one JSON line per result.
 */
const SECTIONS: Readonly<Record<BenchName, (log: Log) => Promise<void>>> = {
  'volume-monitor': async (log) => {
    const volume = await benchVolumeMonitor(log);
    log(
      `volume monitor: ${volume.counterWritesPerComplaint} counter writes/complaint vs naive ${volume.naiveWritesPerComplaint} → ${volume.ratio}× fewer (plus ${volume.markWritesPerComplaint} counted mark/complaint, ${volume.writesPerComplaint} writes/complaint in all)`,
    );
    log(JSON.stringify(volume));
  },
  'sla-sweep': async (log) => {
    const sweep = await benchSlaSweep(log);
    log(`sla sweep: ${sweep.due} due → ${sweep.readsAt1k} items read at 1k, ${sweep.readsAt100k} at 100k vs naive scan ${sweep.scanReadsAt100k} at 100k → ${sweep.ratioAt100k}× fewer`);
    log(JSON.stringify(sweep));
  },
  'sla-cache': async (log) => log(JSON.stringify(await benchSlaCache(log))),
  replay: async (log) => {
    const replay = await benchReplay(log);
    log(
      `replay: ${replay.rowsPerSecond} rows/s on the whole file (${replay.cadence} cadence, ${replay.seconds} s of replay time); on ${replay.comparedRows} rows ${replay.comparedRowsPerSecond} rows/s vs naive ${replay.naiveRowsPerSecond} rows/s → ${replay.ratio}× faster`,
    );
    log(JSON.stringify(replay));
  },
  'text-model': async (log) => {
    const text = await benchTextModel(log);
    log(`text model: ${text.rows} rows, ${text.labels} labels, ${text.features} features → ${(text.modelBytes / 1e6).toFixed(2)} MB, loads in ${text.loadMs} ms, ${text.predictMs} ms per prediction`);
    log(JSON.stringify(text));
  },
  detection: async (log) => {
    for (const detection of await benchDetection(log)) log(JSON.stringify(detection));
  },
  'intake-load': async (log) => {
    const intake = await benchIntakeLoad(log);
    log(
      `intake load: ${intake.perSecond} complaints/s at ${intake.clients} clients (p50 ${intake.p50Ms} ms, p99 ${intake.p99Ms} ms) vs ${intake.sequentialPerSecond}/s from one client → ${intake.ratio}×; ${intake.accepted} accepted = ${intake.stored} stored = ${intake.counted} counted = ${intake.receipted} receipted`,
    );
    log(JSON.stringify(intake));
  },
  'idle-walk': async (log) => {
    const walk = await benchIdleWalk(log);
    log(
      `idle walk: ${walk.simulatedDays} simulated days of SLA steps in ${walk.seconds} s with idle runs skipped vs ${walk.naiveSeconds} s invoking every run → ${walk.ratio}× faster; ${walk.runs} runs vs ${walk.naiveRuns}, ${walk.requests} DynamoDB requests vs ${walk.naiveRequests} (${walk.requestRatio}× fewer); ${walk.messages} messages, the same in both: ${walk.sameMessages}`,
    );
    log(JSON.stringify(walk));
  },
  bundles: async (log) => {
    const bundles = await benchBundles(log);
    log(
      `bundles: ${bundles.functions.length} entries, largest ${(bundles.maxBytes / 1024).toFixed(0)} KB, ${bundles.sizeRatio}× smaller in total than the naive bundling; module init ${bundles.initRatio}× faster wall, ${bundles.initCpuRatio}× CPU (median over entries; below 1 is slower)`,
    );
    log(JSON.stringify(bundles));
  },
};

/** `npm run bench`: the selected benchmarks one after another. */
export async function main(argv: readonly string[]): Promise<number> {
  let names: BenchName[];
  try {
    names = selectBenchmarks(argv);
  } catch (err) {
    if (!(err instanceof CliInputError)) throw err;
    console.error(err.message);
    return 2;
  }
  const log: Log = (line) => console.log(line);
  for (const name of names) await SECTIONS[name](log);
  return 0;
}

runWhenMain(import.meta.url, main);

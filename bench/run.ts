import '../functions/local/env-defaults.ts';
import { benchSlaSweep } from './sla-sweep.ts';
import { benchSlaCache } from './sla-cache.ts';
import { benchReplay } from './replay.ts';
import { benchVolumeMonitor } from './volume-monitor.ts';
import { benchTextModel } from './text-model.ts';
import { benchDetection } from './detection.ts';
import { benchIntakeLoad } from './intake-load.ts';
import { benchBundles } from './bundles.ts';
import { benchIdleWalk } from './idle-walk.ts';

/**
 * `npm run bench`: each benchmark measures our implementation and a naive baseline in the same run
 * and prints a human summary, then one JSON line per benchmark.
 */
async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const volume = await benchVolumeMonitor(log);
  console.log(
    `volume monitor: ${volume.counterWritesPerComplaint} counter writes/complaint vs naive ${volume.naiveWritesPerComplaint} → ${volume.ratio}× fewer (plus ${volume.markWritesPerComplaint} counted mark/complaint, ${volume.writesPerComplaint} writes/complaint in all)`,
  );
  console.log(JSON.stringify(volume));
  const sweep = await benchSlaSweep(log);
  console.log(
    `sla sweep: ${sweep.due} due → ${sweep.readsAt1k} items read at 1k, ${sweep.readsAt100k} at 100k vs naive scan ${sweep.scanReadsAt100k} at 100k → ${sweep.ratioAt100k}× fewer`,
  );
  console.log(JSON.stringify(sweep));
  console.log(JSON.stringify(await benchSlaCache(log)));
  const replay = await benchReplay(log);
  console.log(
    `replay: ${replay.rowsPerSecond} rows/s on the whole file (${replay.cadence} cadence, ${replay.seconds} s of replay time); on ${replay.comparedRows} rows ${replay.comparedRowsPerSecond} rows/s vs naive ${replay.naiveRowsPerSecond} rows/s → ${replay.ratio}× faster`,
  );
  console.log(JSON.stringify(replay));
  const text = await benchTextModel(log);
  console.log(
    `text model: ${text.rows} rows, ${text.labels} labels, ${text.features} features → ${(text.modelBytes / 1e6).toFixed(2)} MB, loads in ${text.loadMs} ms, ${text.predictMs} ms per prediction`,
  );
  console.log(JSON.stringify(text));
  for (const detection of await benchDetection(log)) console.log(JSON.stringify(detection));
  const intake = await benchIntakeLoad(log);
  console.log(
    `intake load: ${intake.perSecond} complaints/s at ${intake.clients} clients (p50 ${intake.p50Ms} ms, p99 ${intake.p99Ms} ms) vs ${intake.sequentialPerSecond}/s from one client → ${intake.ratio}×; ${intake.accepted} accepted = ${intake.stored} stored = ${intake.counted} counted = ${intake.receipted} receipted`,
  );
  console.log(JSON.stringify(intake));
  const walk = await benchIdleWalk(log);
  console.log(
    `idle walk: ${walk.simulatedDays} simulated days of SLA steps in ${walk.seconds} s with idle runs skipped vs ${walk.naiveSeconds} s invoking every run → ${walk.ratio}× faster; ${walk.runs} runs vs ${walk.naiveRuns}, ${walk.requests} DynamoDB requests vs ${walk.naiveRequests} (${walk.requestRatio}× fewer); ${walk.messages} messages, the same in both: ${walk.sameMessages}`,
  );
  console.log(JSON.stringify(walk));
  const bundles = await benchBundles(log);
  console.log(
    `bundles: ${bundles.functions.length} entries, largest ${(bundles.maxBytes / 1024).toFixed(0)} KB, ${bundles.sizeRatio}× smaller in total than the naive bundling; module init ${bundles.initRatio}× faster wall, ${bundles.initCpuRatio}× CPU (median over entries; below 1 is slower)`,
  );
  console.log(JSON.stringify(bundles));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import '../functions/local/env-defaults.ts';
import { benchVolumeMonitor } from './volume-monitor.ts';

/**
 * `npm run bench`: each benchmark measures our implementation and a naive baseline in the same run
 * and prints a human summary, then one JSON line per benchmark.
 */
async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const volume = await benchVolumeMonitor(log);
  console.log(
    `volume monitor: ${volume.writesPerComplaint} writes/complaint vs naive ${volume.naiveWritesPerComplaint} → ${volume.ratio}× fewer`,
  );
  console.log(JSON.stringify(volume));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { functions } from '../functions/pipeline.ts';
import { bundleFunctions, ESM_REQUIRE_BANNER, type EntryBundle, functionDefines, HANDLER_FILE, stageEntryBundle } from '../lib/bundling.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Fresh Node processes per bundle and variant; the median is reported. */
const INIT_RUNS = 5;

/**
 * The naive baseline: the bundling settings the stack used before (NodejsFunction with the AWS SDK
 * bundled, one self-contained minified file with a linked source map, deployed with
 * `--enable-source-maps`), built from the same sources in the same run.
 */
const NAIVE_OPTIONS: BuildOptions = {
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  external: [],
  splitting: false,
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  charset: 'ascii',
  legalComments: 'eof',
  banner: { js: ESM_REQUIRE_BANNER },
};
const NAIVE_NODE_OPTIONS = ['--enable-source-maps'];

/** One function entry's figures. */
export interface BundleFigures {
  readonly entry: string;
  /** Functions in `functions/pipeline.ts` built from this entry. */
  readonly functions: readonly string[];
  readonly bytes: number;
  readonly naiveBytes: number;
  /** Median wall time of the import. */
  readonly initMs: number;
  readonly naiveInitMs: number;
  /** Median CPU time of the import. */
  readonly initCpuMs: number;
  readonly naiveInitCpuMs: number;
}

/**
 * Importing a module in a fresh Node process (its top level: a cold start's init): wall milliseconds,
 * and the process's CPU milliseconds over the import, which a loaded machine distorts far less.
 */
function importTimes(file: string, nodeOptions: readonly string[]): { wallMs: number; cpuMs: number } {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));`;
  const run = spawnSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    // What a function's init sees before its first invocation: no table names, no region calls.
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', POWERTOOLS_SERVICE_NAME: 'complaint-pipeline' },
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { wallMs: number; cpuMs: number };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * `npm run bench`, bundles: every distinct function entry bundled with the house options
 * (lib/bundling.ts) and with the naive baseline, each staged as Lambda would load it; the deployed
 * bytes (source maps excluded) and the module init time, wall and CPU (the bundle imported in a
 * fresh Node process, median of {@link INIT_RUNS}, the two variants interleaved so machine load hits both).
 * The staged bundles live under node_modules/.cache so the external `@aws-sdk/*` imports resolve to
 * the project's pinned SDK, standing in for the runtime's.
 */
export async function benchBundles(
  log: (line: string) => void,
): Promise<{ bench: 'bundles'; functions: BundleFigures[]; maxBytes: number; totalBytes: number; naiveTotalBytes: number; sizeRatio: number; initRatio: number; initCpuRatio: number }> {
  const config = loadConfigFile();
  const entries = [...new Set(Object.values(functions).map((f) => f.entry))];
  const root = join(PROJECT_ROOT, 'node_modules/.cache/bundle-bench');
  rmSync(root, { recursive: true, force: true });
  const define = functionDefines(config);
  const house = bundleFunctions({ projectRoot: PROJECT_ROOT, entries, define, outdir: join(root, 'build-house') });
  const naive = bundleFunctions({ projectRoot: PROJECT_ROOT, entries, define, outdir: join(root, 'build-naive'), overrides: { ...NAIVE_OPTIONS, define } });
  // Lambda reads index.js as CommonJS (no package.json in the asset); here the project's "type": "module" would apply.
  for (const [variant, type] of [['house', 'commonjs'], ['naive', 'module']]) {
    mkdirSync(join(root, variant!), { recursive: true });
    writeFileSync(join(root, variant!, 'package.json'), JSON.stringify({ type }));
  }

  const stage = (bundle: EntryBundle, variant: string): string => {
    const dir = join(root, variant, bundle.entry.replace(/\W+/g, '-'));
    mkdirSync(dir, { recursive: true });
    stageEntryBundle(bundle, dir, PROJECT_ROOT);
    return join(dir, HANDLER_FILE);
  };
  const figures: BundleFigures[] = [];
  for (const entry of entries) {
    const h = house.entries.get(entry)!;
    const n = naive.entries.get(entry)!;
    // The naive bundle's linked map is read by --enable-source-maps, so it goes next to it, as deployed.
    const naiveFile = stage({ ...n, chunks: [...n.chunks, `${n.entryFile}.map`] }, 'naive');
    const houseFile = stage(h, 'house');
    const houseRuns: { wallMs: number; cpuMs: number }[] = [];
    const naiveRuns: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < INIT_RUNS; i++) {
      houseRuns.push(importTimes(houseFile, []));
      naiveRuns.push(importTimes(naiveFile, NAIVE_NODE_OPTIONS));
    }
    const row: BundleFigures = {
      entry,
      functions: Object.entries(functions)
        .filter(([, f]) => f.entry === entry)
        .map(([name]) => name),
      bytes: h.bytes,
      naiveBytes: n.bytes,
      initMs: Math.round(median(houseRuns.map((r) => r.wallMs))),
      naiveInitMs: Math.round(median(naiveRuns.map((r) => r.wallMs))),
      initCpuMs: Math.round(median(houseRuns.map((r) => r.cpuMs))),
      naiveInitCpuMs: Math.round(median(naiveRuns.map((r) => r.cpuMs))),
    };
    figures.push(row);
    log(
      `bundles: ${entry.padEnd(40)} ${(row.bytes / 1024).toFixed(0).padStart(5)} KB (naive ${(row.naiveBytes / 1024).toFixed(0)} KB), init ${row.initMs} ms wall, ${row.initCpuMs} ms CPU (naive ${row.naiveInitMs} ms, ${row.naiveInitCpuMs} ms CPU)`,
    );
  }
  rmSync(root, { recursive: true, force: true });
  const totalBytes = figures.reduce((s, f) => s + f.bytes, 0);
  const naiveTotalBytes = figures.reduce((s, f) => s + f.naiveBytes, 0);
  return {
    bench: 'bundles',
    functions: figures,
    maxBytes: Math.max(...figures.map((f) => f.bytes)),
    totalBytes,
    naiveTotalBytes,
    sizeRatio: Number((naiveTotalBytes / totalBytes).toFixed(2)),
    initRatio: Number(median(figures.map((f) => f.naiveInitMs / f.initMs)).toFixed(2)),
    initCpuRatio: Number(median(figures.map((f) => f.naiveInitCpuMs / f.initCpuMs)).toFixed(2)),
  };
}

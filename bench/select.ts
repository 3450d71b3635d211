import { CliInputError, parseFlags } from '../functions/cli/args.ts';

/** The benchmarks, in the order `npm run bench` runs them (bench/run.ts has one section per name). */
export const BENCH_NAMES = ['volume-monitor', 'sla-sweep', 'sla-cache', 'replay', 'text-model', 'detection', 'intake-load', 'idle-walk', 'bundles'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export const BENCH_USAGE = `usage: npm run bench [-- --only <name>[,<name>...]]; names: ${BENCH_NAMES.join(', ')}`;

/**
 * The benchmarks a command line asks for, in run order: all of them, or those `--only` names (a
 * comma-separated list; the flag may repeat).
 * @throws CliInputError naming an unknown benchmark, or for an empty list
 * @throws CliHelpRequested for `--help`
 */
export function selectBenchmarks(argv: readonly string[]): BenchName[] {
  const only = parseFlags(argv, ['only'], BENCH_USAGE).only;
  if (!only) return [...BENCH_NAMES];
  const wanted = only.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !(BENCH_NAMES as readonly string[]).includes(name));
  if (unknown.length) throw new CliInputError(`--only: unknown benchmark ${unknown.map((n) => `'${n}'`).join(', ')}; ${BENCH_USAGE}`);
  if (!wanted.length) throw new CliInputError(`--only needs at least one name; ${BENCH_USAGE}`);
  return BENCH_NAMES.filter((name) => wanted.includes(name));
}

import { describe, expect, it } from 'vitest';
import { CliHelpRequested, CliInputError } from '../../functions/cli/args.ts';
import { BENCH_NAMES, selectBenchmarks } from '../../bench/select.ts';

describe('npm run bench -- --only', () => {
  it('runs every benchmark without it, in the usual order', () => {
    expect(selectBenchmarks([])).toEqual([...BENCH_NAMES]);
  });

  it('runs only the named ones, in run order, from a list or a repeated flag', () => {
    expect(selectBenchmarks(['--only', 'bundles,sla-cache'])).toEqual(['sla-cache', 'bundles']);
    expect(selectBenchmarks(['--only', 'bundles', '--only', ' replay '])).toEqual(['replay', 'bundles']);
  });

  it('names an unknown benchmark and lists the real ones; an empty list is an error too', () => {
    expect(() => selectBenchmarks(['--only', 'bundle,sla-cache'])).toThrow(CliInputError);
    expect(() => selectBenchmarks(['--only', 'bundle'])).toThrow(/--only: unknown benchmark 'bundle'; usage: .*names: volume-monitor, .*bundles$/);
    expect(() => selectBenchmarks(['--only', ','])).toThrow(/--only needs at least one name/);
    expect(() => selectBenchmarks(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => selectBenchmarks(['--help'])).toThrow(CliHelpRequested);
  });
});

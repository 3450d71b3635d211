import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PRICES_PATH } from '../../functions/adapters/price-file.ts';
import { loadPriceFile } from '../../functions/adapters/price-file.ts';
import { CliInputError, numberFlag, numberListFlag, parseFlags } from '../../functions/cli/args.ts';
import { costReport, jsonLine, main, parseCostArgs, type MeasureProfile } from '../../functions/cli/cost.ts';
import { ZERO_FUNCTION, ZERO_USAGE, type LifecycleProfile } from '../../functions/domain/cost-model.ts';
import { rawDefaultConfig } from '../fixtures/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'cost-cli-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

/** Runs the CLI in-process (measuring with `measure`, by default refusing to); returns the exit code and output. */
async function run(argv: string[], measure: MeasureProfile = () => Promise.reject(new Error('not measured in this test'))): Promise<{ code: number; stderr: string; stdout: string[] }> {
  const errors: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.join(' '));
  });
  const stdout: string[] = [];
  try {
    const code = await main(argv, (line) => stdout.push(line), measure);
    return { code, stderr: errors.join('\n'), stdout };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('npm run cost: bad input', () => {
  it.each([
    [['--complaints-per-day', 'abc'], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not 'abc'"],
    [['--complaints-per-day', '-5'], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not '-5'"],
    [['--complaints-per-day', '0'], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not '0'"],
    [['--complaints-per-day', ''], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not ''"],
    [['--complaints-per-day', '1000,abc,100000'], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not 'abc'"],
    [['--complaints-per-day', '1000,,100000'], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not ''"],
    [['--complaints-per-day', '1000,'], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not ''"],
    [['--complaints-per-day', '1000,2e9'], "--complaints-per-day must be a number of complaints a day above 0 (up to 1e9), not '2e9'"],
    [[], 'missing --complaints-per-day'],
    [['--complaints-per-day'], '--complaints-per-day needs a value'],
    [['--complaints-per-day', '1000', '--lifecycles', '2.5'], "--lifecycles must be a whole number from 1 to 50, not '2.5'"],
    [['--complaints-per-day', '1000', '--colour', 'red'], 'unknown option --colour'],
  ])('%j → exit 2 naming the flag', async (argv, message) => {
    const { code, stderr, stdout } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).toEqual([]);
  });

  it('an invalid --config names the key', async () => {
    const raw = rawDefaultConfig();
    raw.categories[0].threshold.count = -1;
    const { code, stderr } = await run(['--complaints-per-day', '1000', '--config', file('bad-config.json', raw)]);
    expect(code).toBe(2);
    expect(stderr).toContain('categories[0].threshold.count');
  });

  it('a --config publishing an unknown event type names events.publish and the entry', async () => {
    const raw = { ...rawDefaultConfig(), events: { publish: ['complaint.received', 'complaint.updated'] } };
    const { code, stderr } = await run(['--complaints-per-day', '1000', '--config', file('bad-events.json', raw)]);
    expect(code).toBe(2);
    expect(stderr).toContain('events.publish[1]: unknown event type "complaint.updated"');
  });

  it('a --config that is not there says so', async () => {
    const { code, stderr } = await run(['--complaints-per-day', '1000', '--config', join(dir, 'missing.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read file');
  });

  it('an invalid --prices file names the key', async () => {
    const prices = JSON.parse(readFileSync(DEFAULT_PRICES_PATH, 'utf8'));
    prices.lambda.gbSecondUsd = 'cheap';
    delete prices.asOf;
    const { code, stderr } = await run(['--complaints-per-day', '1000', '--prices', file('bad-prices.json', prices)]);
    expect(code).toBe(2);
    expect(stderr).toContain('lambda.gbSecondUsd');
    expect(stderr).toContain('asOf');
  });

  it('exits with code 2 as a process too', async () => {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'functions/cli/cost.ts', '--complaints-per-day', 'abc']).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--complaints-per-day');
  });
});

describe('npm run cost: arguments and the JSON line', () => {
  it('reads the flags', () => {
    expect(parseCostArgs(['--complaints-per-day', '1e6', '--config', 'c.json', '--lifecycles', '4'])).toEqual({ complaintsPerDay: [1e6], configFile: 'c.json', lifecycles: 4 });
    expect(parseCostArgs(['--complaints-per-day', '1000'])).toEqual({ complaintsPerDay: [1000], lifecycles: 6 });
    expect(parseCostArgs(['--complaints-per-day', '1000000, 1000,100000,1000'])).toEqual({ complaintsPerDay: [1e6, 1000, 100_000], lifecycles: 6 });
  });

  it('ends with one JSON line in the agreed shape, delivery apart', () => {
    const line = jsonLine({
      complaintsPerDay: 1_000_000,
      lifecyclesPerMonth: 30_416_666.67,
      lines: [],
      usdPerMonth: 1500.123,
      deliveryUsdPerMonth: 500,
      usdPerMillionLifecycles: 32.876,
      variableUsdPerMillionLifecycles: 32.8,
      unpricedSms: {},
    });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      cost: 'monthly',
      complaintsPerDay: 1_000_000,
      usdPerMonth: 1000.12,
      usdPerMillionLifecycles: 32.88,
      variableUsdPerMillionLifecycles: 32.8,
      deliveryUsdPerMonth: 500,
      deliveryExcluded: true,
    });
  });
});

// A lifecycle with one HTTP request and 10 records to one stream consumer that batches up to 100
// records in a 10-second window: at 1,000 a day a batch holds one record, at 1,000,000 it is full.
const profile: LifecycleProfile = {
  lifecycle: {
    ...ZERO_USAGE,
    functions: {
      intake: { ...ZERO_FUNCTION, invocations: 1, cpuMs: 5 },
      notifier: { ...ZERO_FUNCTION, invocations: 10, records: 10, cpuMs: 10 },
    },
    dynamodb: { readRequests: 1, writeRequests: 2, readUnits: 1, writeUnits: 4 },
    httpRequests: 1,
  },
  alert: ZERO_USAGE,
  idleRuns: {},
  customMetrics: [],
  shapes: { intake: { memoryMb: 512, trigger: 'http' }, notifier: { memoryMb: 256, trigger: 'stream', batchSize: 100, batchingWindowSeconds: 10 } },
  lifecyclesMeasured: 2,
};
const prices = loadPriceFile(DEFAULT_PRICES_PATH);
const perStreamBatch = (table: string) => /records per stream invocation at this rate \(\d+ shards\): notifier ([\d.]+)/.exec(table)?.[1];

describe('npm run cost: several volumes from one measurement', () => {
  it('measures once and prints a table per volume in the order given, then one JSON line per volume', async () => {
    let measured = 0;
    const { code, stdout } = await run(['--complaints-per-day', '1000,1000000,100000', '--lifecycles', '2'], async (options) => {
      measured += 1;
      expect(options.lifecycles).toBe(2);
      return profile;
    });
    expect(code).toBe(0);
    expect(measured).toBe(1);
    expect(stdout).toEqual(costReport(profile, prices, [1000, 1_000_000, 100_000]));
    const json = stdout.slice(-3).map((l) => JSON.parse(l) as { complaintsPerDay: number; usdPerMonth: number });
    expect(json.map((j) => j.complaintsPerDay)).toEqual([1000, 1_000_000, 100_000]);
    expect(stdout.slice(0, -3).filter((l) => l.startsWith('{'))).toEqual([]);
  });

  it('prices each volume at its own rate: stream batches and the monthly total grow with it, per lifecycle falls to the variable part', () => {
    const lines = costReport(profile, prices, [1000, 1_000_000]);
    const [small, , large] = lines;
    expect(lines[1]).toBe('');
    expect(small).toContain('Monthly AWS estimate: 1,000 complaints a day');
    expect(large).toContain('Monthly AWS estimate: 1,000,000 complaints a day');
    expect(perStreamBatch(small!)).toBe('1.0');
    expect(perStreamBatch(large!)).toBe('100.0');
    const [a, b] = lines.slice(-2).map((l) => JSON.parse(l) as { usdPerMonth: number; usdPerMillionLifecycles: number; variableUsdPerMillionLifecycles: number });
    expect(b!.usdPerMonth).toBeGreaterThan(a!.usdPerMonth * 100);
    expect(b!.usdPerMillionLifecycles).toBeLessThan(a!.usdPerMillionLifecycles);
    expect(b!.variableUsdPerMillionLifecycles).toBeLessThan(a!.variableUsdPerMillionLifecycles); // fewer stream invocations per record
  });

  it('one volume prints as before: the table, then its JSON line', () => {
    const lines = costReport(profile, prices, [100_000]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('100,000 complaints a day');
    expect(JSON.parse(lines[1]!)).toMatchObject({ cost: 'monthly', complaintsPerDay: 100_000 });
  });
});

describe('shared argument helpers', () => {
  it('numberFlag: fallback, bounds and the flag named in the error', () => {
    const v = parseFlags(['--n', '7'], ['n', 'm'], 'usage');
    expect(numberFlag(v, 'n', { ok: (n) => n > 0, what: 'positive' })).toBe(7);
    expect(numberFlag(v, 'm', { ok: (n) => n > 0, what: 'positive', fallback: 3 })).toBe(3);
    expect(() => numberFlag(v, 'm', { ok: (n) => n > 0, what: 'positive' })).toThrow(new CliInputError('missing --m (positive)'));
    expect(() => numberFlag(v, 'n', { ok: (n) => n > 10, what: 'above 10' })).toThrow("--n must be above 10, not '7'");
  });

  it('numberListFlag: the last value split on commas, in order, duplicates dropped; a bad entry named', () => {
    const v = parseFlags(['--n', '9', '--n', '3,1,3'], ['n', 'm'], 'usage');
    expect(numberListFlag(v, 'n', { ok: (n) => n > 0, what: 'positive' })).toEqual([3, 1]);
    expect(() => numberListFlag(v, 'm', { ok: (n) => n > 0, what: 'positive', usage: 'usage' })).toThrow(new CliInputError('missing --m (positive); usage'));
    expect(() => numberListFlag(v, 'n', { ok: (n) => n > 2, what: 'above 2' })).toThrow("--n must be above 2, not '1'");
  });
});

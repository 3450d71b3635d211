import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PRICES_PATH } from '../../functions/adapters/price-file.ts';
import { CliInputError, numberFlag, parseFlags } from '../../functions/cli/args.ts';
import { jsonLine, main, parseCostArgs } from '../../functions/cli/cost.ts';
import { rawDefaultConfig } from '../fixtures/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'cost-cli-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

/** Runs the CLI in-process up to where it would start measuring; returns the exit code and stderr. */
async function run(argv: string[]): Promise<{ code: number; stderr: string; stdout: string[] }> {
  const errors: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.join(' '));
  });
  const stdout: string[] = [];
  try {
    const code = await main(argv, (line) => stdout.push(line));
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
    expect(parseCostArgs(['--complaints-per-day', '1e6', '--config', 'c.json', '--lifecycles', '4'])).toEqual({ complaintsPerDay: 1e6, configFile: 'c.json', lifecycles: 4 });
    expect(parseCostArgs(['--complaints-per-day', '1000'])).toEqual({ complaintsPerDay: 1000, lifecycles: 6 });
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

describe('shared argument helpers', () => {
  it('numberFlag: fallback, bounds and the flag named in the error', () => {
    const v = parseFlags(['--n', '7'], ['n', 'm'], 'usage');
    expect(numberFlag(v, 'n', { ok: (n) => n > 0, what: 'positive' })).toBe(7);
    expect(numberFlag(v, 'm', { ok: (n) => n > 0, what: 'positive', fallback: 3 })).toBe(3);
    expect(() => numberFlag(v, 'm', { ok: (n) => n > 0, what: 'positive' })).toThrow(new CliInputError('missing --m (positive)'));
    expect(() => numberFlag(v, 'n', { ok: (n) => n > 10, what: 'above 10' })).toThrow("--n must be above 10, not '7'");
  });
});

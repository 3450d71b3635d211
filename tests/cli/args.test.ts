import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliInputError, parseFlags, runCli } from '../../functions/cli/args.ts';
import { main as cost } from '../../functions/cli/cost.ts';
import { main as exportTraining } from '../../functions/cli/export-training.ts';

afterEach(() => vi.restoreAllMocks());

describe('--help, for every CLI that reads its flags with parseFlags', () => {
  it.each([
    ['cost', cost, /^usage: npm run cost -- --complaints-per-day/],
    ['export-training', exportTraining, /^usage: npm run export-training -- --table/],
  ])('npm run %s -- --help prints the usage, exit code 0', async (_name, main, usage) => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await runCli(main, ['--help'])).toBe(0);
    expect(await runCli(main, ['--complaints-per-day', '5', '-h'])).toBe(0);
    expect(out.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(usage), expect.stringMatching(usage)]);
    expect(err).not.toHaveBeenCalled();
  });

  it('an unknown flag is still an input error', () => {
    expect(() => parseFlags(['--helpme', 'x'], ['file'], 'usage: x')).toThrow(new CliInputError('unknown option --helpme; usage: x'));
  });
});

/**
 * Command-line helpers shared by the CLIs (`npm run train`, `classify`, `replay`, `cost`,
 * `export-training`): one way to read `--flag value` pairs, one wording for a bad or missing flag, and
 * one way to run as a program.
 */
import { pathToFileURL } from 'node:url';

/**
 * Runs a CLI's `main` when its module is the program Node was started with (not when a test imports
 * it) and exits with the code `main` returns; an unexpected error is printed with its stack, exit code 1.
 */
export function runWhenMain(moduleUrl: string, main: (argv: readonly string[]) => Promise<number>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  runCli(main, process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}

/**
 * Runs a CLI's `main` as the program does: `--help` (thrown by {@link parseFlags} as
 * {@link CliHelpRequested}) prints the usage, exit code 0, for every CLI at once.
 * @returns the exit code
 */
export async function runCli(main: (argv: readonly string[]) => Promise<number>, argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (err) {
    if (!(err instanceof CliHelpRequested)) throw err;
    console.log(err.usage);
    return 0;
  }
}

/** `--help` or `-h` was given: not an input problem, so no CLI's `main` catches it (see {@link runCli}). */
export class CliHelpRequested extends Error {
  override readonly name = 'CliHelpRequested';
  constructor(readonly usage: string) {
    super('help requested');
  }
}

/** A problem with the command line or the input the user can fix: printed as one line, exit code 2. */
export class CliInputError extends Error {
  override readonly name: string = 'CliInputError';
}

/**
 * Parses `--flag value` pairs; a flag may repeat.
 * @param known the flags allowed (without `--`)
 * @throws CliHelpRequested when `--help` or `-h` is given
 * @throws CliInputError for an unknown flag, a flag without value or a stray argument
 */
export function parseFlags(argv: readonly string[], known: readonly string[], usage: string): Record<string, string[]> {
  if (argv.includes('--help') || argv.includes('-h')) throw new CliHelpRequested(usage);
  const values: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (!flag.startsWith('--')) throw new CliInputError(`unexpected argument '${flag}'; ${usage}`);
    const name = flag.slice(2);
    if (!known.includes(name)) throw new CliInputError(`unknown option ${flag}; ${usage}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new CliInputError(`${flag} needs a value; ${usage}`);
    (values[name] ??= []).push(value);
    i++;
  }
  return values;
}

/** The last value of a flag that must be given. @throws CliInputError naming the missing flag */
export function required(values: Record<string, string[]>, name: string, usage: string): string {
  const v = values[name]?.at(-1);
  if (v === undefined) throw new CliInputError(`missing --${name}; ${usage}`);
  return v;
}

/** The last value of an optional flag. */
export function optional(values: Record<string, string[]>, name: string): string | undefined {
  return values[name]?.at(-1);
}

/**
 * A numeric flag: its last value, or `fallback` when it is not given.
 * @param ok whether the number is allowed; `what` says what is, for the error
 * @throws CliInputError naming the flag when the value is not a number `ok` accepts (or missing without fallback)
 */
export function numberFlag(
  values: Record<string, string[]>,
  name: string,
  rule: { readonly ok: (n: number) => boolean; readonly what: string; readonly fallback?: number; readonly usage?: string },
): number {
  const raw = values[name]?.at(-1);
  if (raw === undefined) {
    if (rule.fallback !== undefined) return rule.fallback;
    throw missingNumber(name, rule);
  }
  return checkedNumber(raw, name, rule);
}

/**
 * A numeric flag that takes a comma-separated list (`1000,100000`): its last value's numbers in the
 * order given, duplicates dropped.
 * @throws CliInputError naming the flag and the first entry `ok` refuses (or when missing)
 */
export function numberListFlag(
  values: Record<string, string[]>,
  name: string,
  rule: { readonly ok: (n: number) => boolean; readonly what: string; readonly usage?: string },
): number[] {
  const raw = values[name]?.at(-1);
  if (raw === undefined) throw missingNumber(name, rule);
  return [...new Set(raw.split(',').map((entry) => checkedNumber(entry, name, rule)))];
}

function missingNumber(name: string, rule: { readonly what: string; readonly usage?: string }): CliInputError {
  return new CliInputError(`missing --${name} (${rule.what})${rule.usage ? `; ${rule.usage}` : ''}`);
}

function checkedNumber(raw: string, name: string, rule: { readonly ok: (n: number) => boolean; readonly what: string }): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !rule.ok(n)) throw new CliInputError(`--${name} must be ${rule.what}, not '${raw}'`);
  return n;
}

/** A flag with one of a few values (the last given, else `fallback`). @throws CliInputError listing the allowed values */
export function choiceFlag<T extends string>(values: Record<string, string[]>, name: string, allowed: readonly T[], fallback: T): T {
  const raw = values[name]?.at(-1);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new CliInputError(`--${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, not '${raw}'`);
  return raw as T;
}

/**
 * `npm run cost -- --complaints-per-day <n>[,<n>...] [--config <file>] [--prices <file>] [--lifecycles <n>]`:
 * runs representative complaint lifecycles through the local runtime with every call counted, and
 * prices them for a month at each volume given. The measurement does not depend on the volume (it
 * takes minutes), so it runs once and every volume is priced from it. Ends with one JSON line per
 * volume, in the order given.
 */
import { loadClassifierModel } from '../adapters/classifier-model.ts';
import { loadConfigFile } from '../adapters/config-file.ts';
import { DEFAULT_PRICES_PATH, loadPriceFile, PriceFileError } from '../adapters/price-file.ts';
import { ConfigError } from '../domain/config.ts';
import { estimateBill, type Bill, type LifecycleProfile, type PriceFile } from '../domain/cost-model.ts';
import { CliInputError, numberFlag, numberListFlag, optional, parseFlags, runWhenMain } from './args.ts';
import type { MeasureOptions } from '../local/measure-lifecycle.ts';
import { renderBill } from './cost-report.ts';

const USAGE = 'usage: npm run cost -- --complaints-per-day <n>[,<n>...] [--config <config.json>] [--prices <prices.json>] [--lifecycles <n>]';

/** Options of one cost run, from the command line. */
export interface CostCliOptions {
  /** The volumes to price, in the order given (duplicates dropped). */
  readonly complaintsPerDay: readonly number[];
  readonly configFile?: string;
  readonly pricesFile?: string;
  readonly lifecycles: number;
}

/** Parses the command line. @throws CliInputError naming the missing or bad flag */
export function parseCostArgs(argv: readonly string[]): CostCliOptions {
  const v = parseFlags(argv, ['complaints-per-day', 'config', 'prices', 'lifecycles'], USAGE);
  const configFile = optional(v, 'config');
  const pricesFile = optional(v, 'prices');
  return {
    complaintsPerDay: numberListFlag(v, 'complaints-per-day', { ok: (n) => n > 0 && n <= 1e9, what: 'a number of complaints a day above 0 (up to 1e9)', usage: USAGE }),
    lifecycles: numberFlag(v, 'lifecycles', { ok: (n) => Number.isInteger(n) && n >= 1 && n <= 50, what: 'a whole number from 1 to 50', fallback: 6 }),
    ...(configFile !== undefined && { configFile }),
    ...(pricesFile !== undefined && { pricesFile }),
  };
}

/** The one machine-readable line the CLI ends with. */
export function jsonLine(bill: Bill): string {
  const round = (x: number) => Math.round(x * 100) / 100;
  return JSON.stringify({
    cost: 'monthly',
    complaintsPerDay: bill.complaintsPerDay,
    usdPerMonth: round(bill.usdPerMonth - bill.deliveryUsdPerMonth),
    usdPerMillionLifecycles: round(bill.usdPerMillionLifecycles),
    variableUsdPerMillionLifecycles: round(bill.variableUsdPerMillionLifecycles),
    deliveryUsdPerMonth: round(bill.deliveryUsdPerMonth),
    deliveryExcluded: true,
  });
}

/** The slow part: counts what representative lifecycles use. */
export type MeasureProfile = (options: MeasureOptions) => Promise<LifecycleProfile>;

/** Measures on the local runtime, configured as Lambda runs: the Powertools defaults (INFO logs, EMF metrics on). */
const measureOnLocalRuntime: MeasureProfile = async (options) => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_TRACE_DISABLED ??= 'true';
  process.env.AWS_REGION ??= 'local';
  // Loaded only here: a bad flag is reported without starting the runtime's modules.
  const { measureLifecycles } = await import('../local/measure-lifecycle.ts');
  return measureLifecycles(options);
};

/**
 * What the CLI prints for one measurement: the bill for each volume in the order given (each
 * computed at its own rate, e.g. records per stream batch), a blank line between them, then one JSON
 * line per volume.
 */
export function costReport(profile: LifecycleProfile, prices: PriceFile, volumes: readonly number[]): string[] {
  const bills = volumes.map((perDay) => estimateBill(profile, prices, perDay));
  return [...bills.flatMap((bill, i) => [...(i > 0 ? [''] : []), renderBill(bill, profile, prices)]), ...bills.map(jsonLine)];
}

/**
 * Runs the CLI; returns the exit code (2 for input, config and price-file problems, printed as one line).
 * @param measure measures the profile once for all volumes @default the local runtime
 */
export async function main(argv: readonly string[], print: (line: string) => void = (l) => console.log(l), measure: MeasureProfile = measureOnLocalRuntime): Promise<number> {
  try {
    const options = parseCostArgs(argv);
    const config = loadConfigFile(options.configFile);
    const textModel = loadClassifierModel(config, options.configFile);
    const prices = loadPriceFile(options.pricesFile ?? DEFAULT_PRICES_PATH);
    const profile = await measure({
      config,
      lifecycles: options.lifecycles,
      ...(textModel && { textModel }),
      progress: (line) => console.error(`cost: measuring ${line}…`),
    });
    for (const line of costReport(profile, prices, options.complaintsPerDay)) print(line);
    return 0;
  } catch (err) {
    if (err instanceof CliInputError || err instanceof PriceFileError) {
      console.error(`cost: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(`cost: ${err.message.replace(/\n\s*/g, ' ')}`);
      return 2;
    }
    throw err;
  }
}

runWhenMain(import.meta.url, main);

/**
 * `npm run cost -- --complaints-per-day <n> [--config <file>] [--prices <file>] [--lifecycles <n>]`:
 * runs representative complaint lifecycles through the local runtime with every call counted, and
 * prices them for a month at the given volume. Ends with one JSON line.
 */
import { pathToFileURL } from 'node:url';
import { loadClassifierModel } from '../adapters/classifier-model.ts';
import { loadConfigFile } from '../adapters/config-file.ts';
import { DEFAULT_PRICES_PATH, loadPriceFile, PriceFileError } from '../adapters/price-file.ts';
import { ConfigError } from '../domain/config.ts';
import { estimateBill, type Bill } from '../domain/cost-model.ts';
import { CliInputError, numberFlag, optional, parseFlags } from './args.ts';
import { renderBill } from './cost-report.ts';

const USAGE = 'usage: npm run cost -- --complaints-per-day <n> [--config <config.json>] [--prices <prices.json>] [--lifecycles <n>]';

/** Options of one cost run, from the command line. */
export interface CostCliOptions {
  readonly complaintsPerDay: number;
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
    complaintsPerDay: numberFlag(v, 'complaints-per-day', { ok: (n) => n > 0 && n <= 1e9, what: 'a number of complaints a day above 0 (up to 1e9)', usage: USAGE }),
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

/** Runs the CLI; returns the exit code (2 for input, config and price-file problems, printed as one line). */
export async function main(argv: readonly string[], print: (line: string) => void = (l) => console.log(l)): Promise<number> {
  try {
    const options = parseCostArgs(argv);
    const config = loadConfigFile(options.configFile);
    const textModel = loadClassifierModel(config, options.configFile);
    const prices = loadPriceFile(options.pricesFile ?? DEFAULT_PRICES_PATH);
    // Measure at what Lambda runs with: the Powertools defaults (INFO logs, EMF metrics on).
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.env.POWERTOOLS_TRACE_DISABLED ??= 'true';
    process.env.AWS_REGION ??= 'local';
    const { measureLifecycles } = await import('../local/measure-lifecycle.ts');
    const profile = await measureLifecycles({
      config,
      lifecycles: options.lifecycles,
      ...(textModel && { textModel }),
      progress: (line) => console.error(`cost: measuring ${line}…`),
    });
    const bill = estimateBill(profile, prices, options.complaintsPerDay);
    print(renderBill(bill, profile, prices));
    print(jsonLine(bill));
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}

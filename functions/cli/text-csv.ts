import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** A problem with the command line or the input the user can fix: printed as one line, exit code 2. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
}

/**
 * Parses `--flag value` pairs; a flag may repeat.
 * @param known the flags allowed (without `--`)
 * @throws CliInputError for an unknown flag, a flag without value or a stray argument
 */
export function parseFlags(argv: readonly string[], known: readonly string[], usage: string): Record<string, string[]> {
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

/** A CSV's header and data rows (row 1 is the first row after the header). */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/**
 * Reads a CSV file with a header row.
 * @throws CliInputError when the file cannot be read, is empty, has no data rows or is not CSV
 */
export function readCsvFile(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliInputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new CliInputError(`${path} is not readable as CSV: ${(err as Error).message}`);
  }
  const header = records[0];
  if (!header) throw new CliInputError(`${path} is empty`);
  if (records.length < 2) throw new CliInputError(`${path} has a header but no data rows`);
  return { header, rows: records.slice(1) };
}

/** The index of a column. @throws CliInputError naming the unknown column and listing the real ones */
export function columnIndex(table: CsvTable, name: string, path: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) throw new CliInputError(`unknown column '${name}' in ${path}; its columns are: ${table.header.join(', ')}`);
  return i;
}

/** The text of a row: the given columns joined by line breaks. */
export function rowText(row: readonly string[], indexes: readonly number[]): string {
  return indexes
    .map((i) => (row[i] ?? '').trim())
    .filter(Boolean)
    .join('\n');
}

/** A one-line progress display on stderr: redrawn in place on a terminal, one line per stage otherwise. */
export function progressLine(label: string): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = '';
  return {
    update: (text) => {
      if (text === last) return;
      last = text;
      if (tty) process.stderr.write(`\r\u001b[2K${label}: ${text}`);
      else process.stderr.write(`${label}: ${text}\n`);
    },
    done: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { CliInputError } from './args.ts';

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

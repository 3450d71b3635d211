/**
 * `npm run classify`: labels every row of a CSV with a trained model and writes
 * `[{ "row": 1, "label": "…", "confidence": 0.93 }, …]`, row 1 being the first row after the header.
 */
import { writeFileSync } from 'node:fs';
import { loadTextModelFile, TextModelFileError } from '../adapters/text-model-file.ts';
import { compileTextModel, predictText } from '../domain/text-model.ts';
import { CliInputError, parseFlags, required, runWhenMain } from './args.ts';
import { columnIndex, readCsvFile, rowText } from './text-csv.ts';

const USAGE = 'usage: npm run classify -- --model <model.json> --file <csv> --text-column <col> [--text-column <col> ...] --json <out.json>';

/** One output entry. */
export interface ClassifiedRow {
  readonly row: number;
  readonly label: string;
  readonly confidence: number;
}

/** Runs the CLI; returns the exit code (2 for input problems, printed as one line). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const v = parseFlags(argv, ['model', 'file', 'text-column', 'json'], USAGE);
    const modelPath = required(v, 'model', USAGE);
    const file = required(v, 'file', USAGE);
    const textColumns = v['text-column'] ?? [];
    if (!textColumns.length) throw new CliInputError(`missing --text-column; ${USAGE}`);
    const out = required(v, 'json', USAGE);
    const compiled = compileTextModel(loadTextModelFile(modelPath));
    const table = readCsvFile(file);
    const idx = textColumns.map((c) => columnIndex(table, c, file));
    const results: ClassifiedRow[] = table.rows.map((record, i) => {
      const p = predictText(compiled, rowText(record, idx));
      return { row: i + 1, label: p.label, confidence: Math.round(p.confidence * 1e4) / 1e4 };
    });
    writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
    console.log(`classify: ${results.length} rows → ${out}`);
    return 0;
  } catch (err) {
    if (err instanceof CliInputError || err instanceof TextModelFileError) {
      console.error(`classify: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

runWhenMain(import.meta.url, main);

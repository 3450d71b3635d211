/**
 * `npm run train`: trains the complaint text classifier on labelled history and shows, on rows it
 * did not train on, how it compares with the config's keyword rules and the majority-class baseline.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../adapters/config-file.ts';
import { classify } from '../domain/classify.ts';
import { evaluatePredictions, majorityLabel } from '../domain/classifier-evaluation.ts';
import { ConfigError } from '../domain/config.ts';
import { compileTextModel, predictText } from '../domain/text-model.ts';
import { stratifiedSplit, trainTextModel, TrainingDataError, type TrainingRow } from '../domain/train-text-model.ts';
import { choiceFlag, CliInputError, numberFlag, parseFlags, required, runWhenMain } from './args.ts';
import { columnIndex, progressLine, readCsvFile, rowText } from './text-csv.ts';
import { renderTrainingReport, type NamedEvaluation } from './train-report.ts';

const USAGE =
  'usage: npm run train -- --file <csv> --text-column <col> [--text-column <col> ...] --label-column <col> --out <model.json> ' +
  '[--test-fraction 0.2] [--seed 1] [--label-map <map.json>] [--config <config.json>] [--algorithm auto|logreg|complement-nb] [--max-features 20000]';

const FLAGS = ['file', 'text-column', 'label-column', 'out', 'test-fraction', 'seed', 'label-map', 'config', 'algorithm', 'max-features'];

const LabelMapSchema = z.record(z.string(), z.string().min(1));

/** Options of one training run, from the command line. */
export interface TrainCliOptions {
  readonly file: string;
  readonly textColumns: readonly string[];
  readonly labelColumn: string;
  readonly out: string;
  readonly testFraction: number;
  readonly seed: number;
  readonly labelMap?: string;
  readonly configFile?: string;
  readonly algorithm: 'auto' | 'logreg' | 'complement-nb';
  readonly maxFeatures: number;
}

/** Parses the command line. @throws CliInputError naming the missing or bad flag */
export function parseTrainArgs(argv: readonly string[]): TrainCliOptions {
  const v = parseFlags(argv, FLAGS, USAGE);
  const file = required(v, 'file', USAGE);
  const textColumns = v['text-column'] ?? [];
  if (!textColumns.length) throw new CliInputError(`missing --text-column; ${USAGE}`);
  const labelColumn = required(v, 'label-column', USAGE);
  const out = required(v, 'out', USAGE);
  const num = (name: string, fallback: number, ok: (n: number) => boolean, what: string): number => numberFlag(v, name, { ok, what, fallback });
  const algorithm = choiceFlag(v, 'algorithm', ['auto', 'logreg', 'complement-nb'], 'auto');
  const labelMap = v['label-map']?.at(-1);
  const configFile = v.config?.at(-1);
  return {
    file,
    textColumns,
    labelColumn,
    out,
    testFraction: num('test-fraction', 0.2, (n) => n >= 0 && n < 1, 'a number from 0 up to (not including) 1'),
    seed: num('seed', 1, (n) => Number.isInteger(n) && n >= 0 && n <= 2 ** 32 - 1, 'a whole number from 0 to 4294967295'),
    algorithm,
    maxFeatures: num('max-features', 20000, (n) => Number.isInteger(n) && n >= 100 && n <= 200000, 'a whole number from 100 to 200000'),
    ...(labelMap !== undefined && { labelMap }),
    ...(configFile !== undefined && { configFile }),
  };
}

function readLabelMap(path: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliInputError(`cannot read --label-map ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = LabelMapSchema.safeParse(raw);
  if (!parsed.success) throw new CliInputError(`--label-map ${path} must be a JSON object of label to label`);
  return parsed.data;
}

/** Runs the CLI; returns the exit code (2 for input problems, which are printed as one line). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const options = parseTrainArgs(argv);
    const table = readCsvFile(options.file);
    const textIdx = options.textColumns.map((c) => columnIndex(table, c, options.file));
    const labelIdx = columnIndex(table, options.labelColumn, options.file);
    const config = loadConfigFile(options.configFile ? resolve(options.configFile) : DEFAULT_CONFIG_PATH);
    const labelMap = options.labelMap ? readLabelMap(options.labelMap) : {};
    const rows: TrainingRow[] = [];
    let skipped = 0;
    for (const record of table.rows) {
      const text = rowText(record, textIdx);
      const raw = (record[labelIdx] ?? '').trim();
      if (!text || !raw) {
        skipped++;
        continue;
      }
      rows.push({ text, label: labelMap[raw] ?? raw });
    }
    if (rows.length < 2) throw new CliInputError(`${options.file} has fewer than two rows with both text and a label in '${options.labelColumn}'`);

    const split =
      options.testFraction > 0 ? stratifiedSplit(rows.map((r) => r.label), options.testFraction, options.seed) : { train: rows.map((_, i) => i), test: [] };
    const trainRows = split.train.map((i) => rows[i]!);
    const testRows = split.test.map((i) => rows[i]!);
    const progress = progressLine('train');
    const result = trainTextModel(trainRows, {
      seed: options.seed,
      algorithm: options.algorithm,
      maxFeatures: options.maxFeatures,
      onProgress: (p) => progress.update(`${p.stage}${p.total > 1 ? ` [${p.done}/${p.total}]` : ''}`),
    });
    progress.done();

    const compared: NamedEvaluation[] = [];
    let keywordNote: string | undefined;
    let model = result.model;
    if (testRows.length) {
      const compiled = compileTextModel(model);
      const actual = testRows.map((r) => r.label);
      const modelEval = evaluatePredictions(actual, testRows.map((r) => predictText(compiled, r.text).label));
      compared.push({ name: `model (${model.algorithm})`, evaluation: modelEval });
      const categoryIds = new Set(config.categories.map((c) => c.id));
      const unknown = [...new Set(rows.map((r) => r.label))].filter((l) => !categoryIds.has(l));
      if (unknown.length === 0) {
        compared.push({ name: 'keyword rules (config)', evaluation: evaluatePredictions(actual, testRows.map((r) => classify(r.text, config) ?? config.fallbackCategory)) });
      } else {
        keywordNote = `labels are not the config's category ids (e.g. '${unknown[0]}'); map them with --label-map`;
      }
      const majority = majorityLabel(trainRows.map((r) => r.label));
      compared.push({ name: 'majority class', evaluation: evaluatePredictions(actual, actual.map(() => majority)) });
      model = { ...model, evaluation: { rows: testRows.length, accuracy: round(modelEval.accuracy), macroF1: round(modelEval.macroF1) } };
    }
    const json = JSON.stringify(model);
    writeFileSync(options.out, `${json}\n`);
    console.log(
      renderTrainingReport({
        trainRows: trainRows.length,
        testRows: testRows.length,
        skipped,
        result: { ...result, model },
        compared,
        ...(keywordNote !== undefined && { keywordNote }),
        modelBytes: Buffer.byteLength(json),
        out: options.out,
      }),
    );
    return 0;
  } catch (err) {
    if (err instanceof CliInputError || err instanceof TrainingDataError) {
      console.error(`train: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(`train: ${err.message.replace(/\n\s*/g, ' ')}`);
      return 2;
    }
    throw err;
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

runWhenMain(import.meta.url, main);

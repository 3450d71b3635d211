import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parseTextModel } from '../functions/adapters/text-model-file.ts';
import { compileTextModel, predictText } from '../functions/domain/text-model.ts';
import { trainTextModel } from '../functions/domain/train-text-model.ts';

const NARRATIVES = fileURLToPath(new URL('../../shared/data/cfpb-narratives-train.csv', import.meta.url));
const SERIES = fileURLToPath(new URL('../../shared/data/cfpb-bank-of-america-2017-2023.csv', import.meta.url));

export interface TextModelBenchResult {
  bench: 'text-model';
  /** Training rows of the large model: 2,088 narratives plus 7,912 issue descriptions. */
  rows: number;
  labels: number;
  features: number;
  modelBytes: number;
  /** JSON.parse + schema validation + vocabulary index, median of 5. */
  loadMs: number;
  /** One prediction on a narrative, mean over the narratives. */
  predictMs: number;
}

/**
 * The model file at 10,000 training rows: size, load time (what a Lambda cold start pays) and
 * prediction time. Rows: every narrative of the training file, then the first issue descriptions of
 * the six-year series (Sub-product, Issue, Sub-issue), labels as given (no mapping, so more labels
 * than a mapped model).
 */
export async function benchTextModel(log: (line: string) => void): Promise<TextModelBenchResult> {
  const narratives = (parse(readFileSync(NARRATIVES, 'utf8'), { columns: true, bom: true }) as Record<string, string>[]).map((r) => ({
    text: r['Consumer complaint narrative']!,
    label: r.Product!,
  }));
  const series = (parse(readFileSync(SERIES, 'utf8'), { columns: true, bom: true, to: 8000 }) as Record<string, string>[]).map((r) => ({
    text: [r['Sub-product'], r.Issue, r['Sub-issue']].filter(Boolean).join('\n'),
    label: r.Product!,
  }));
  const rows = [...narratives, ...series].slice(0, 10_000);
  log(`text model: training logistic regression on ${rows.length} rows…`);
  const { model } = trainTextModel(rows, { seed: 1, algorithm: 'logreg' });
  const json = JSON.stringify(model);
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    compileTextModel(parseTextModel(json, 'bench'));
    loads.push(performance.now() - t);
  }
  const compiled = compileTextModel(model);
  const t = performance.now();
  for (const r of narratives) predictText(compiled, r.text);
  const predictMs = (performance.now() - t) / narratives.length;
  return {
    bench: 'text-model',
    rows: rows.length,
    labels: model.labels.length,
    features: model.features.length,
    modelBytes: Buffer.byteLength(json),
    loadMs: Math.round(loads.sort((a, b) => a - b)[2]! * 10) / 10,
    predictMs: Math.round(predictMs * 1000) / 1000,
  };
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { TextModel } from '../../functions/domain/text-model.ts';
import { trainTextModel, type TrainingRow } from '../../functions/domain/train-text-model.ts';

/** The tiny bilingual labelled set in tests/fixtures/triage-small.csv (labels are default category ids). */
export function fixtureRows(): TrainingRow[] {
  const csv = readFileSync(fileURLToPath(new URL('../fixtures/triage-small.csv', import.meta.url)), 'utf8');
  return (parse(csv, { columns: true }) as Record<string, string>[]).map((r) => ({ text: `${r.title}\n${r.body}`, label: r.category! }));
}

/**
 * A logistic-regression model trained on the fixture, with labels renamed by `rename` (labels not
 * in it keep their category id).
 */
export function fixtureModel(rename: Readonly<Record<string, string>> = {}): TextModel {
  const rows = fixtureRows().map((r) => ({ ...r, label: rename[r.label] ?? r.label }));
  return trainTextModel(rows, { seed: 1, algorithm: 'logreg' }).model;
}

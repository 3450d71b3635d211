import type { ClassifierEvaluation } from '../domain/classifier-evaluation.ts';
import { describeCandidate, type TrainResult } from '../domain/train-text-model.ts';

/** One classifier's held-out figures, under a name. */
export interface NamedEvaluation {
  readonly name: string;
  readonly evaluation: ClassifierEvaluation;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);

function cut(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `${s.slice(0, width - 1)}…`;
}

/** The per-class table and top confusions of one evaluation. */
function details(e: ClassifierEvaluation): string[] {
  const lines = [`  ${cut('class', 44)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F1'.padStart(6)} ${'support'.padStart(7)}`];
  for (const c of e.perClass) {
    lines.push(`  ${cut(c.label, 44)} ${f3(c.precision).padStart(9)} ${f3(c.recall).padStart(7)} ${f3(c.f1).padStart(6)} ${String(c.support).padStart(7)}`);
  }
  if (e.confusions.length) {
    lines.push('  most frequent confusions (actual → predicted):');
    for (const c of e.confusions) lines.push(`    ${String(c.count).padStart(4)} × ${c.actual} → ${c.predicted}`);
  }
  return lines;
}

/**
 * The evaluation printed by `npm run train`: how the model was chosen, then accuracy and macro-F1 of
 * the model beside the keyword rules (when they apply) and the majority-class baseline, then the
 * model's per-class figures and confusions (and the keyword rules' when present).
 */
export function renderTrainingReport(input: {
  readonly trainRows: number;
  readonly testRows: number;
  readonly skipped: number;
  readonly result: TrainResult;
  readonly compared: readonly NamedEvaluation[];
  /** Why the keyword rules are not compared, when they are not. */
  readonly keywordNote?: string;
  readonly modelBytes: number;
  readonly out: string;
}): string {
  const { result } = input;
  const lines: string[] = [];
  lines.push(`rows: ${input.trainRows} training, ${input.testRows} held out${input.skipped ? `, ${input.skipped} skipped (empty text or label)` : ''}`);
  if (result.selection.length) {
    lines.push('model selection (cross-validation on the training rows only):');
    const best = result.selection.reduce((a, b) => (b.macroF1 > a.macroF1 ? b : a));
    for (const s of result.selection) {
      lines.push(`  ${s === best ? '*' : ' '} ${cut(describeCandidate(s), 48)} macro-F1 ${f3(s.macroF1)}  accuracy ${pct(s.accuracy)}`);
    }
  }
  lines.push(`chosen: ${describeCandidate(result.model)}, ${result.model.features.length} features, ${result.model.labels.length} labels`);
  if (input.compared.length) {
    lines.push('', `held-out evaluation (${input.testRows} rows):`);
    lines.push(`  ${cut('', 28)} ${'accuracy'.padStart(9)} ${'macro-F1'.padStart(9)}`);
    for (const c of input.compared) lines.push(`  ${cut(c.name, 28)} ${pct(c.evaluation.accuracy).padStart(9)} ${f3(c.evaluation.macroF1).padStart(9)}`);
    if (input.keywordNote) lines.push(`  (keyword rules not compared: ${input.keywordNote})`);
    for (const c of input.compared.filter((x) => x.name !== 'majority class')) {
      lines.push('', `${c.name}:`, ...details(c.evaluation));
    }
  } else {
    lines.push('no held-out rows (--test-fraction 0): no evaluation');
  }
  lines.push('', `wrote ${input.out} (${(input.modelBytes / 1024).toFixed(0)} KB)`);
  return lines.join('\n');
}

/** How well predicted labels match true ones, per class and overall. */
export interface ClassifierEvaluation {
  readonly rows: number;
  readonly accuracy: number;
  /** Unweighted mean of the per-class F1 over every label that occurs as truth or prediction. */
  readonly macroF1: number;
  readonly perClass: ReadonlyArray<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  /** The most frequent mistakes, most frequent first. */
  readonly confusions: ReadonlyArray<{ actual: string; predicted: string; count: number }>;
}

/**
 * Accuracy, macro-F1, per-class precision/recall/support and the most frequent confusions.
 * Classes are listed by support, largest first (ties by name).
 * @param confusionLimit how many confusion pairs to keep
 */
export function evaluatePredictions(actual: readonly string[], predicted: readonly string[], confusionLimit = 8): ClassifierEvaluation {
  if (actual.length !== predicted.length) throw new RangeError('actual and predicted differ in length');
  const labels = [...new Set([...actual, ...predicted])];
  const tp = new Map<string, number>();
  const support = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const pairs = new Map<string, { actual: string; predicted: string; count: number }>();
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    support.set(a, (support.get(a) ?? 0) + 1);
    predictedCount.set(p, (predictedCount.get(p) ?? 0) + 1);
    if (a === p) {
      correct++;
      tp.set(a, (tp.get(a) ?? 0) + 1);
    } else {
      const key = `${a}\u0000${p}`;
      const pair = pairs.get(key) ?? { actual: a, predicted: p, count: 0 };
      pair.count++;
      pairs.set(key, pair);
    }
  }
  const perClass = labels
    .map((label) => {
      const t = tp.get(label) ?? 0;
      const s = support.get(label) ?? 0;
      const pc = predictedCount.get(label) ?? 0;
      const precision = pc ? t / pc : 0;
      const recall = s ? t / s : 0;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      return { label, precision, recall, f1, support: s };
    })
    .sort((x, y) => y.support - x.support || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
  const macroF1 = perClass.length ? perClass.reduce((sum, c) => sum + c.f1, 0) / perClass.length : 0;
  const confusions = [...pairs.values()]
    .sort((x, y) => y.count - x.count || (x.actual + x.predicted < y.actual + y.predicted ? -1 : 1))
    .slice(0, confusionLimit);
  return { rows: actual.length, accuracy: actual.length ? correct / actual.length : 0, macroF1, perClass, confusions };
}

/** The label that occurs most often (ties: the first in sorted order), the majority-class baseline. */
export function majorityLabel(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: [string, number] | undefined;
  for (const [label, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (!best || n > best[1]) best = [label, n];
  if (!best) throw new RangeError('no labels');
  return best[0];
}

import { evaluatePredictions } from './classifier-evaluation.ts';
import { countFeatures, tfidfVector, type SparseVector } from './text-features.ts';
import { linearScores, softmax, TEXT_MODEL_FORMAT, TEXT_MODEL_VERSION, type TextModel } from './text-model.ts';
import { seededRandom } from './random.ts';

/** One labelled text. */
export interface TrainingRow {
  readonly text: string;
  readonly label: string;
}

export type Algorithm = TextModel['algorithm'];

/** One candidate of the model search: an algorithm and its hyper-parameters. */
export interface Candidate {
  readonly algorithm: Algorithm;
  readonly params: Readonly<Record<string, number>>;
}

/**
 * The candidates `auto` compares by cross-validation. `lambda`: L2 strength of logistic regression
 * (per row, so it scales with the data); `balanced`: 1 weighs each class by the inverse of its
 * frequency; `alpha`: complement naive Bayes smoothing, `norm`: 1 applies its weight normalisation.
 */
export const DEFAULT_CANDIDATES: readonly Candidate[] = [
  { algorithm: 'logreg', params: { lambda: 1e-4, balanced: 1 } },
  { algorithm: 'logreg', params: { lambda: 1e-3, balanced: 1 } },
  { algorithm: 'logreg', params: { lambda: 1e-5, balanced: 0 } },
  { algorithm: 'complement-nb', params: { alpha: 0.1, norm: 0 } },
  { algorithm: 'complement-nb', params: { alpha: 0.3, norm: 0 } },
];

/** Progress of a training run, for a progress line. */
export interface TrainProgress {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

export interface TrainOptions {
  /** Seeds every random choice (shuffles, folds): the same seed and rows give the same model. */
  readonly seed: number;
  /** `auto` picks the best of {@link DEFAULT_CANDIDATES} by k-fold cross-validation on the rows. @default 'auto' */
  readonly algorithm?: Algorithm | 'auto';
  /** Hyper-parameters when an algorithm is named (defaults: the first candidate of that algorithm). */
  readonly params?: Readonly<Record<string, number>>;
  /** Most features kept (by document frequency). @default 20000 */
  readonly maxFeatures?: number;
  /** Folds of the cross-validation behind `auto`. @default 3 */
  readonly folds?: number;
  readonly onProgress?: (progress: TrainProgress) => void;
}

/** What a training run produced and how it chose. */
export interface TrainResult {
  readonly model: TextModel;
  /** Cross-validated macro-F1 and accuracy of each candidate (empty when an algorithm was named). */
  readonly selection: ReadonlyArray<Candidate & { macroF1: number; accuracy: number }>;
}

/** Thrown for training data that cannot make a classifier (fewer than two labels, no usable text). */
export class TrainingDataError extends Error {
  override readonly name = 'TrainingDataError';
}


function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Splits row indexes into a training and a held-out part, per label (stratified), so every label
 * with at least two rows is represented in both.
 * @param fraction share of each label's rows held out
 */
export function stratifiedSplit(labels: readonly string[], fraction: number, seed: number): { train: number[]; test: number[] } {
  const random = seededRandom(seed);
  const byLabel = groupByLabel(labels);
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const idx = shuffle([...byLabel.get(label)!], random);
    const n = idx.length < 2 ? 0 : Math.min(idx.length - 1, Math.max(1, Math.round(idx.length * fraction)));
    test.push(...idx.slice(0, n));
    train.push(...idx.slice(n));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** Assigns each row a fold 0..k-1, round-robin within each label after a seeded shuffle. */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const fold = new Array<number>(labels.length).fill(0);
  let offset = 0;
  const byLabel = groupByLabel(labels);
  for (const label of [...byLabel.keys()].sort()) {
    shuffle([...byLabel.get(label)!], random).forEach((row, i) => (fold[row] = (i + offset) % k));
    offset += byLabel.get(label)!.length;
  }
  return fold;
}

function groupByLabel(labels: readonly string[]): Map<string, number[]> {
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  return byLabel;
}

/** Vocabulary and IDF from the given documents: features in at least `minDf` of them, the most frequent first. */
function buildVocabulary(docs: ReadonlyArray<ReadonlyMap<string, number>>, maxFeatures: number): { features: string[]; idf: number[] } {
  const df = new Map<string, number>();
  for (const d of docs) for (const f of d.keys()) df.set(f, (df.get(f) ?? 0) + 1);
  // A feature seen in one document of many cannot generalise; on tiny sets every feature counts.
  const minDf = docs.length >= 200 ? 2 : 1;
  const features = [...df]
    .filter(([, n]) => n >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxFeatures)
    .map(([f]) => f);
  const n = docs.length;
  return { features, idf: features.map((f) => Math.log((1 + n) / (1 + df.get(f)!)) + 1) };
}

interface Fitted {
  readonly weights: Float64Array[];
  readonly bias: Float64Array;
  readonly temperature: number;
}

/**
 * Multinomial logistic regression by stochastic gradient descent with L2 (Bottou's schedule and the
 * weight-scale trick, so a step costs only the row's non-zero features).
 */
function fitLogreg(xs: readonly SparseVector[], ys: readonly number[], k: number, dim: number, params: Readonly<Record<string, number>>, random: () => number): Fitted {
  const lambda = params.lambda ?? 1e-5;
  const epochs = params.epochs ?? 25;
  const eta0 = params.eta0 ?? 1;
  const v = Array.from({ length: k }, () => new Float64Array(dim));
  const bias = new Float64Array(k);
  const counts = new Float64Array(k);
  for (const y of ys) counts[y]!++;
  const classWeight = Array.from(counts, (n) => (params.balanced && n ? ys.length / (k * n) : 1));
  let scale = 1;
  let t = 0;
  const order = ys.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const x = xs[i]!;
      const eta = eta0 / (1 + eta0 * lambda * t);
      t++;
      const scores = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        let s = 0;
        const row = v[c]!;
        for (let j = 0; j < x.index.length; j++) s += row[x.index[j]!]! * x.value[j]!;
        scores[c] = s * scale + bias[c]!;
      }
      const p = softmax(scores);
      scale *= 1 - eta * lambda;
      if (scale < 1e-9) {
        for (const row of v) for (let f = 0; f < dim; f++) row[f]! *= scale;
        scale = 1;
      }
      const w = classWeight[ys[i]!]!;
      for (let c = 0; c < k; c++) {
        const g = w * (p[c]! - (c === ys[i] ? 1 : 0));
        if (g === 0) continue;
        const row = v[c]!;
        const step = (eta * g) / scale;
        for (let j = 0; j < x.index.length; j++) row[x.index[j]!]! -= step * x.value[j]!;
        bias[c]! -= eta * g;
      }
    }
  }
  for (const row of v) for (let f = 0; f < dim; f++) row[f]! *= scale;
  return { weights: v, bias, temperature: 1 };
}

/**
 * Complement naive Bayes (Rennie et al. 2003) on TF-IDF: each class is scored by how unlike the
 * other classes' text the document is, with normalised weights. Its scores are not probabilities,
 * so a softmax temperature is fitted on the training rows for the confidence.
 */
function fitComplementNb(xs: readonly SparseVector[], ys: readonly number[], k: number, dim: number, params: Readonly<Record<string, number>>): Fitted {
  const alpha = params.alpha ?? 0.3;
  const perClass = Array.from({ length: k }, () => new Float64Array(dim));
  const total = new Float64Array(dim);
  xs.forEach((x, i) => {
    const row = perClass[ys[i]!]!;
    for (let j = 0; j < x.index.length; j++) {
      row[x.index[j]!]! += x.value[j]!;
      total[x.index[j]!]! += x.value[j]!;
    }
  });
  const weights = perClass.map((row) => {
    const complement = new Float64Array(dim);
    let sum = 0;
    for (let f = 0; f < dim; f++) {
      complement[f] = total[f]! - row[f]! + alpha;
      sum += complement[f]!;
    }
    const w = new Float64Array(dim);
    let norm = 0;
    for (let f = 0; f < dim; f++) {
      w[f] = Math.log(complement[f]! / sum);
      norm += Math.abs(w[f]!);
    }
    // Negated: a low complement likelihood is a high score for the class. Rennie et al.'s weight
    // normalisation (`norm`) is optional, as in other implementations: it often hurts on skewed classes.
    const divisor = params.norm ? norm : 1;
    for (let f = 0; f < dim; f++) w[f] = -w[f]! / divisor;
    return w;
  });
  const bias = new Float64Array(k);
  return { weights, bias, temperature: fitTemperature(xs, ys, weights, bias) };
}

/** The softmax temperature (on a log grid) that minimises the log loss on the given rows. */
function fitTemperature(xs: readonly SparseVector[], ys: readonly number[], weights: readonly Float64Array[], bias: Float64Array): number {
  const scores = xs.map((x) => linearScores(weights, bias, x));
  let best = { t: 1, loss: Infinity };
  for (let e = 0; e <= 60; e++) {
    const t = 10 ** (e / 10);
    let loss = 0;
    scores.forEach((s, i) => (loss -= Math.log(Math.max(softmax(s, t)[ys[i]!]!, 1e-12))));
    if (loss < best.loss) best = { t, loss };
  }
  return best.t;
}

function fit(candidate: Candidate, xs: readonly SparseVector[], ys: readonly number[], k: number, dim: number, random: () => number): Fitted {
  return candidate.algorithm === 'logreg' ? fitLogreg(xs, ys, k, dim, candidate.params, random) : fitComplementNb(xs, ys, k, dim, candidate.params);
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

/** Rounds a weight for the file: 4 decimals keep predictions identical in practice and halve the size. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * Trains a text classifier on labelled rows. Pure and deterministic: the same rows, options and
 * seed give the same model, byte for byte.
 *
 * Primary course: count word/character features per row; with `auto`, score each candidate by
 * stratified k-fold cross-validation on these rows (vocabulary rebuilt inside each fold, so no
 * fold sees its test rows) and keep the best macro-F1; fit it on all rows; round the weights.
 * @throws TrainingDataError when there are fewer than two labels or no usable features
 */
export function trainTextModel(rows: readonly TrainingRow[], options: TrainOptions): TrainResult {
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  if (labels.length < 2) throw new TrainingDataError(`need at least two different labels, found ${labels.length}`);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const ys = rows.map((r) => labelIndex.get(r.label)!);
  const docs = rows.map((r) => countFeatures(r.text));
  const maxFeatures = options.maxFeatures ?? 20000;
  const report = options.onProgress ?? (() => undefined);
  const algorithm = options.algorithm ?? 'auto';

  const fitOn = (candidate: Candidate, idx: readonly number[], seed: number) => {
    const vocab = buildVocabulary(idx.map((i) => docs[i]!), maxFeatures);
    if (!vocab.features.length) throw new TrainingDataError('the texts have no usable words or characters');
    const vocabulary = new Map(vocab.features.map((f, i) => [f, i]));
    const xs = idx.map((i) => tfidfVector(docs[i]!, vocabulary, vocab.idf));
    const fitted = fit(candidate, xs, idx.map((i) => ys[i]!), labels.length, vocab.features.length, seededRandom(seed));
    return { ...vocab, vocabulary, fitted };
  };

  let chosen: Candidate;
  const selection: Array<Candidate & { macroF1: number; accuracy: number }> = [];
  if (algorithm === 'auto') {
    const k = Math.max(2, Math.min(options.folds ?? 3, ...labels.map((l) => ys.filter((y) => y === labelIndex.get(l)).length)));
    const folds = stratifiedFolds(rows.map((r) => r.label), k, options.seed);
    const total = DEFAULT_CANDIDATES.length * k;
    let done = 0;
    for (const candidate of DEFAULT_CANDIDATES) {
      const predicted: string[] = [];
      const actual: string[] = [];
      for (let f = 0; f < k; f++) {
        report({ stage: `cross-validating ${describeCandidate(candidate)} (fold ${f + 1}/${k})`, done, total });
        const trainIdx = rows.map((_, i) => i).filter((i) => folds[i] !== f);
        const testIdx = rows.map((_, i) => i).filter((i) => folds[i] === f);
        const m = fitOn(candidate, trainIdx, options.seed + f + 1);
        for (const i of testIdx) {
          const x = tfidfVector(docs[i]!, m.vocabulary, m.idf);
          predicted.push(labels[argmax(linearScores(m.fitted.weights, m.fitted.bias, x))]!);
          actual.push(rows[i]!.label);
        }
        done++;
      }
      const e = evaluatePredictions(actual, predicted);
      selection.push({ ...candidate, macroF1: e.macroF1, accuracy: e.accuracy });
    }
    chosen = selection.reduce((best, c) => (c.macroF1 > best.macroF1 + 1e-12 || (Math.abs(c.macroF1 - best.macroF1) <= 1e-12 && c.accuracy > best.accuracy) ? c : best));
    chosen = { algorithm: chosen.algorithm, params: chosen.params };
  } else {
    const first = DEFAULT_CANDIDATES.find((c) => c.algorithm === algorithm)!;
    chosen = { algorithm, params: { ...first.params, ...options.params } };
  }
  report({ stage: `fitting ${describeCandidate(chosen)} on ${rows.length} rows`, done: 0, total: 1 });
  const final = fitOn(chosen, rows.map((_, i) => i), options.seed);
  report({ stage: 'done', done: 1, total: 1 });
  const labelCounts: Record<string, number> = {};
  for (const l of labels) labelCounts[l] = rows.filter((r) => r.label === l).length;
  const model: TextModel = {
    format: TEXT_MODEL_FORMAT,
    version: TEXT_MODEL_VERSION,
    algorithm: chosen.algorithm,
    params: { ...chosen.params },
    labels,
    features: final.features,
    idf: final.idf.map(round),
    weights: final.fitted.weights.map((row) => Array.from(row, round)),
    bias: Array.from(final.fitted.bias, round),
    temperature: round(final.fitted.temperature) || 1e-4,
    trainedOn: { rows: rows.length, labelCounts },
  };
  return { model, selection };
}

/** `logreg (lambda=0.00001, balanced=1)`: a candidate as people read it. */
export function describeCandidate(c: Candidate): string {
  const params = Object.entries(c.params).map(([k, v]) => `${k}=${v}`);
  return params.length ? `${c.algorithm} (${params.join(', ')})` : c.algorithm;
}

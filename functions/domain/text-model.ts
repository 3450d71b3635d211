import * as z from 'zod';
import { countFeatures, tfidfVector, type SparseVector } from './text-features.ts';

/** The model file format's name and the version this code reads and writes. */
export const TEXT_MODEL_FORMAT = 'complaint-text-classifier';
export const TEXT_MODEL_VERSION = 1;

/**
 * Arrays of finite numbers (or of non-empty strings) checked in one plain loop: per-element zod
 * schemas would take a large share of a second on the hundreds of thousands of weights a model has,
 * and the model is loaded at every cold start.
 */
const NumberArray = z.custom<number[]>((v) => Array.isArray(v) && v.every((n) => typeof n === 'number' && Number.isFinite(n)), 'must be an array of finite numbers');
const StringArray = z.custom<string[]>((v) => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0), 'must be an array of non-empty strings');

/**
 * A trained text classifier as stored on disk: plain JSON, one linear scorer per label over TF-IDF
 * features. Logistic regression and complement naive Bayes both reduce to this shape, so prediction
 * is the same code whichever was trained.
 */
export const TextModelSchema = z
  .strictObject({
    format: z.literal(TEXT_MODEL_FORMAT),
    version: z.literal(TEXT_MODEL_VERSION),
    algorithm: z.enum(['logreg', 'complement-nb']),
    /** Hyper-parameters chosen (by cross-validation on the training rows). */
    params: z.record(z.string(), z.number()),
    labels: z.array(z.string().min(1)).min(2),
    /** Feature strings (see text-features.ts); index i is column i of each weight row. */
    features: StringArray.refine((a) => a.length > 0, 'must not be empty'),
    idf: NumberArray,
    /** One row per label. */
    weights: z.array(NumberArray),
    bias: NumberArray,
    /** Scores are multiplied by this before the softmax that gives confidences. */
    temperature: z.number().positive(),
    /** What it was trained on, for the record. */
    trainedOn: z.strictObject({ rows: z.number().int().min(1), labelCounts: z.record(z.string(), z.number().int()) }),
    /** Held-out figures measured when it was trained. */
    evaluation: z.strictObject({ rows: z.number().int(), accuracy: z.number(), macroF1: z.number() }).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.idf.length !== m.features.length) ctx.addIssue({ code: 'custom', path: ['idf'], message: 'must have one entry per feature' });
    if (m.weights.length !== m.labels.length) ctx.addIssue({ code: 'custom', path: ['weights'], message: 'must have one row per label' });
    m.weights.forEach((row, i) => {
      if (row.length !== m.features.length) ctx.addIssue({ code: 'custom', path: ['weights', i], message: 'must have one entry per feature' });
    });
    if (m.bias.length !== m.labels.length) ctx.addIssue({ code: 'custom', path: ['bias'], message: 'must have one entry per label' });
    if (new Set(m.labels).size !== m.labels.length) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'must not repeat a label' });
  });
export type TextModel = z.infer<typeof TextModelSchema>;

/** A model ready to predict: the vocabulary indexed once. */
export interface CompiledTextModel {
  readonly model: TextModel;
  readonly vocabulary: ReadonlyMap<string, number>;
}

/** What the classifier says about one text. */
export interface Prediction {
  readonly label: string;
  /** Softmax probability of the label, 0..1. */
  readonly confidence: number;
}

/** Indexes a model's vocabulary (do it once per container, not per text). */
export function compileTextModel(model: TextModel): CompiledTextModel {
  return { model, vocabulary: new Map(model.features.map((f, i) => [f, i])) };
}

/** Raw linear scores of a vector, one per label. */
export function linearScores(weights: ReadonlyArray<ArrayLike<number>>, bias: ArrayLike<number>, x: SparseVector): Float64Array {
  const scores = new Float64Array(weights.length);
  for (let c = 0; c < weights.length; c++) {
    const w = weights[c]!;
    let s = bias[c]!;
    for (let k = 0; k < x.index.length; k++) s += w[x.index[k]!]! * x.value[k]!;
    scores[c] = s;
  }
  return scores;
}

/** Softmax of `scores * temperature`, numerically stable. */
export function softmax(scores: ArrayLike<number>, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]! * temperature);
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    out[i] = Math.exp(scores[i]! * temperature - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** The most likely label of a text and its probability. Ties go to the label listed first. */
export function predictText(compiled: CompiledTextModel, text: string): Prediction {
  const { model } = compiled;
  const x = tfidfVector(countFeatures(text), compiled.vocabulary, model.idf);
  const p = softmax(linearScores(model.weights, model.bias, x), model.temperature);
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
  return { label: model.labels[best]!, confidence: p[best]! };
}

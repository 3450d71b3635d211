import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { evaluatePredictions, majorityLabel } from '../../functions/domain/classifier-evaluation.ts';
import { textFeatures } from '../../functions/domain/text-features.ts';
import { compileTextModel, predictText, TextModelSchema } from '../../functions/domain/text-model.ts';
import { stratifiedFolds, stratifiedSplit, trainTextModel, TrainingDataError, type TrainingRow } from '../../functions/domain/train-text-model.ts';

const csv = readFileSync(fileURLToPath(new URL('../fixtures/triage-small.csv', import.meta.url)), 'utf8');
const rows: TrainingRow[] = (parse(csv, { columns: true }) as Record<string, string>[]).map((r) => ({ text: `${r.title}\n${r.body}`, label: r.category! }));

describe('text features', () => {
  it('takes words, their four-character pieces and word pairs in English, characters and character pairs in Chinese', () => {
    expect(textFeatures("The parcel's late")).toEqual([
      'w:the', 'g: the', 'g:the ',
      'w:parcel', 'g: par', 'g:parc', 'g:arce', 'g:rcel', 'g:cel ', 'b:the parcel',
      'w:late', 'g: lat', 'g:late', 'g:ate ', 'b:parcel late',
    ]);
    expect(textFeatures('退款慢')).toEqual(['c:退', 'c:退款', 'c:款', 'c:款慢', 'c:慢']);
  });

  it('drops masks and folds digits and full-width letters', () => {
    expect(textFeatures('XXXX paid ＡＢ 2024').filter((f) => !f.startsWith('g:'))).toEqual(['w:paid', 'w:ab', 'b:paid ab', 'w:0', 'b:ab 0']);
  });
});

describe('trainTextModel', () => {
  it.each(['logreg', 'complement-nb'] as const)('%s learns a tiny labelled set in both languages', (algorithm) => {
    const { model } = trainTextModel(rows, { seed: 7, algorithm });
    const compiled = compileTextModel(model);
    const cases: Array<[string, string]> = [
      ['快递一直没到，物流不更新', 'logistics-delay'],
      ['the parcel tracking has not moved for days', 'logistics-delay'],
      ['退货以后钱还没退回', 'refund'],
      ['still waiting for my money back', 'refund'],
      ['有人登录了我的账号还改了密码', 'account-security'],
      ['someone changed my password', 'account-security'],
      ['用了两天就坏了，质量差', 'product-quality'],
      ['it broke after a week, terrible quality', 'product-quality'],
    ];
    for (const [text, label] of cases) expect(predictText(compiled, text).label, text).toBe(label);
    expect(TextModelSchema.safeParse(JSON.parse(JSON.stringify(model))).success).toBe(true);
  });

  it('is deterministic for a seed (byte for byte) and depends on it', () => {
    const a = JSON.stringify(trainTextModel(rows, { seed: 3 }).model);
    const b = JSON.stringify(trainTextModel(rows, { seed: 3 }).model);
    const c = JSON.stringify(trainTextModel(rows, { seed: 4, algorithm: 'logreg' }).model);
    const d = JSON.stringify(trainTextModel(rows, { seed: 5, algorithm: 'logreg' }).model);
    expect(a).toBe(b);
    expect(c).not.toBe(d);
  });

  it('compares the candidates by cross-validation when asked for auto', () => {
    const progress: string[] = [];
    const result = trainTextModel(rows, { seed: 1, onProgress: (p) => progress.push(p.stage) });
    expect(result.selection.length).toBeGreaterThanOrEqual(2);
    expect(progress.some((s) => s.startsWith('cross-validating'))).toBe(true);
    const best = Math.max(...result.selection.map((s) => s.macroF1));
    const chosen = result.selection.find((s) => s.macroF1 === best)!;
    expect(result.model.algorithm).toBe(chosen.algorithm);
    expect(result.model.params).toEqual(chosen.params);
  });

  it('gives a confidence between 0 and 1 that is higher for a clear text than for an empty one', () => {
    const compiled = compileTextModel(trainTextModel(rows, { seed: 1, algorithm: 'logreg' }).model);
    const clear = predictText(compiled, '退款 退款 钱没退 refund money back');
    const empty = predictText(compiled, '');
    expect(clear.confidence).toBeGreaterThan(empty.confidence);
    expect(empty.confidence).toBeGreaterThan(0);
    expect(clear.confidence).toBeLessThanOrEqual(1);
  });

  it('refuses a single label', () => {
    expect(() => trainTextModel(rows.map((r) => ({ ...r, label: 'x' })), { seed: 1 })).toThrow(TrainingDataError);
  });
});

describe('splits and evaluation', () => {
  const labels = rows.map((r) => r.label);

  it('holds out a share of every label, the same way for the same seed', () => {
    const s = stratifiedSplit(labels, 0.34, 9);
    expect(s).toEqual(stratifiedSplit(labels, 0.34, 9));
    expect(s.test).toHaveLength(8);
    expect(new Set(s.test.map((i) => labels[i]))).toEqual(new Set(labels));
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
  });

  it('spreads each label over the folds', () => {
    const folds = stratifiedFolds(labels, 3, 2);
    for (const f of [0, 1, 2]) expect(new Set(labels.filter((_, i) => folds[i] === f)).size).toBe(4);
  });

  it('computes accuracy, macro-F1, per-class figures and confusions', () => {
    const e = evaluatePredictions(['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'a', 'a']);
    expect(e.accuracy).toBeCloseTo(3 / 6);
    const a = e.perClass.find((c) => c.label === 'a')!;
    expect(a).toMatchObject({ support: 3 });
    expect(a.precision).toBeCloseTo(2 / 4);
    expect(a.recall).toBeCloseTo(2 / 3);
    // F1: a = 4/7, b = 1/2, c = 0.
    expect(e.macroF1).toBeCloseTo((4 / 7 + 1 / 2 + 0) / 3);
    expect(e.confusions[0]).toEqual({ actual: 'a', predicted: 'b', count: 1 });
    expect(e.confusions).toHaveLength(3);
    expect(majorityLabel(['b', 'a', 'b', 'a'])).toBe('a');
  });
});

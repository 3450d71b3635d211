import { describe, expect, it } from 'vitest';
import { createComplaint, type ComplaintInput } from '../../functions/domain/complaint.ts';
import { decideCategory, unmappedModelLabels } from '../../functions/domain/classify.ts';
import { parseConfig, ConfigError, type PipelineConfig } from '../../functions/domain/config.ts';
import { compileTextModel } from '../../functions/domain/text-model.ts';
import { defaultConfig, rawDefaultConfig } from '../fixtures/config.ts';
import { fixtureModel } from '../support/text-model.ts';

const NOW = new Date('2026-03-02T02:00:00Z');
// Labels the way an old system named them; two map through classifier.labels, two are category ids.
const model = compileTextModel(fixtureModel({ 'logistics-delay': 'Shipping', refund: 'Money back' }));
const withClassifier = (minConfidence = 0.5): PipelineConfig => ({
  ...defaultConfig,
  classifier: { model: 'model.json', minConfidence, labels: { Shipping: 'logistics-delay', 'Money back': 'refund' } },
});
const input = (description: string, extra: Partial<ComplaintInput> = {}): ComplaintInput => ({
  channel: 'web',
  customer: { id: 'c-1' },
  description,
  ...extra,
});
const build = (config: PipelineConfig, description: string, extra: Partial<ComplaintInput> = {}, earlier: Array<{ id: string; category: string; receivedAt: string }> = []) => {
  const r = createComplaint(input(description, extra), config, NOW, 'C1', earlier, { textModel: model });
  if (!r.ok) throw new Error('rejected');
  return r.complaint;
};

describe('intake decides the category: explicit, model, keywords, fallback', () => {
  // The parcel text has no logistics keyword the config knows ("parcel", "tracking" are, so a Chinese
  // text without 物流/快递 words is used): the model must carry it.
  const modelOnly = '我的东西停在中转站一周了还没到';

  it('an explicit category wins and the model is not consulted', () => {
    const c = build(withClassifier(), modelOnly, { category: 'service-attitude' });
    expect(c).toMatchObject({ category: 'service-attitude', categorySource: 'given', classification: { method: 'explicit' } });
    expect(c.classification?.model).toBeUndefined();
  });

  it('the model label, mapped through classifier.labels, when its confidence reaches minConfidence', () => {
    const decided = decideCategory(modelOnly, withClassifier(0.3), model);
    expect(decided.method).toBe('model');
    expect(decided.category).toBe('logistics-delay');
    expect(decided.model?.label).toBe('Shipping');
    const c = build(withClassifier(0.3), modelOnly);
    expect(c).toMatchObject({ category: 'logistics-delay', categorySource: 'model', department: 'logistics', classification: { method: 'model', model: { label: 'Shipping' } } });
    expect(c.classification!.model!.confidence).toBeGreaterThanOrEqual(0.3);
  });

  it('a label that is itself a category id needs no mapping', () => {
    const c = build(withClassifier(0.3), 'someone logged into my account from another country and changed the password');
    expect(c).toMatchObject({ category: 'account-security', classification: { method: 'model', model: { label: 'account-security' } } });
  });

  it('below minConfidence the keyword rules decide, and what the model said is kept', () => {
    const c = build(withClassifier(0.999), '快递三天没动，物流不更新');
    expect(c).toMatchObject({ category: 'logistics-delay', categorySource: 'keywords', classification: { method: 'keywords', model: { label: 'Shipping' } } });
    expect(c.classification!.model!.confidence).toBeLessThan(0.999);
  });

  it('below minConfidence and without a keyword, the fallback category', () => {
    const c = build(withClassifier(0.999), modelOnly);
    expect(c).toMatchObject({ category: defaultConfig.fallbackCategory, categorySource: 'fallback', classification: { method: 'fallback' } });
  });

  it('without a classifier in the config, keywords as before', () => {
    const c = build(defaultConfig, '快递三天没动，物流不更新');
    expect(c).toMatchObject({ category: 'logistics-delay', classification: { method: 'keywords' } });
    expect(c.classification?.model).toBeUndefined();
  });
});

describe('classifier config and model labels', () => {
  it('names a classifier.labels entry that points at an unknown category', () => {
    const raw = rawDefaultConfig();
    raw.classifier = { model: 'm.json', labels: { Shipping: 'shipping-woes' } };
    try {
      parseConfig(raw, 'test');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues).toEqual([{ path: 'classifier.labels.Shipping', message: "unknown category 'shipping-woes'" }]);
    }
  });

  it('lists model labels that stand for no category', () => {
    expect(unmappedModelLabels(['Shipping', 'refund', 'Loans'], withClassifier())).toEqual([
      "model label 'Loans' is not a category id and has no entry in classifier.labels",
    ]);
  });
});

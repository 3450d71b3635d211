import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConfigError, type PipelineConfig } from '../../functions/domain/config.ts';
import { functions, type FunctionName } from '../../functions/pipeline.ts';
import { buildApp } from '../../lib/app.ts';
import { fixtureModel } from '../support/text-model.ts';
import { actionsOf, allStatements, buildTestApp, defaultConfig, functionIdOf, resourcesOf, statementsOfFunction, synthTemplate, testApp } from './template-helpers.ts';

const withSentiment = (sentiment: 'lexicon' | 'comprehend'): PipelineConfig => ({ ...defaultConfig, escalationRisk: { ...defaultConfig.escalationRisk!, sentiment } });
const withClassifier: PipelineConfig = { ...defaultConfig, classifier: { model: 'model.json', minConfidence: 0.6, labels: { Shipping: 'logistics-delay' } } };
const detectsSentiment = (s: { Action: string | string[] }) => actionsOf(s as never).includes('comprehend:DetectSentiment');

describe('Comprehend sentiment grant', () => {
  it('exists nowhere while the sentiment is the local lexicon (the default)', () => {
    expect(allStatements(synthTemplate({}, withSentiment('lexicon'))).filter(detectsSentiment)).toEqual([]);
  });

  it('is granted to intake and the inbound-mail function (email complaints go through the same intake) and to nothing else when the config switches Comprehend on', () => {
    const template = synthTemplate({}, withSentiment('comprehend'));
    const granted = (Object.keys(functions) as FunctionName[]).filter((name) => functions[name].access.detectSentiment === true);
    expect(granted.sort()).toEqual(['inboundMail', 'intake']);
    for (const name of granted) {
      const statements = statementsOfFunction(template, functionIdOf(template, functions[name].description)).filter(detectsSentiment);
      expect(statements, name).toHaveLength(1);
      expect(actionsOf(statements[0]!), name).toEqual(['comprehend:DetectSentiment']);
      expect(resourcesOf(statements[0]!), name).toEqual(['*']);
    }
    expect(allStatements(template).filter(detectsSentiment)).toHaveLength(granted.length);
  });

  it('passes cdk-nag with Comprehend on (the wildcard is acknowledged with its reason)', () => {
    const app = testApp();
    buildApp(app, withSentiment('comprehend'), { nag: false });
    const findings = new AwsSolutionsChecks().validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings).toEqual([]);
  });
});

describe('the trained classifier in the bundle', () => {
  it('is bundled into the functions whose access says textModel, and only those', () => {
    const { stack } = buildTestApp({ textModel: fixtureModel({ 'logistics-delay': 'Shipping' }) }, withClassifier);
    for (const [name, def] of Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][]) {
      expect(stack.functions[name]!.bundlesTextModel, name).toBe(def.access.textModel === true);
    }
    expect(stack.functions.intake!.bundlesTextModel).toBe(true);
  });

  it('is not bundled when the config has no classifier', () => {
    const { stack } = buildTestApp({ textModel: fixtureModel() });
    expect(Object.values(stack.functions).some((f) => f.bundlesTextModel)).toBe(false);
  });

  it.each([
    ['a model whose labels map to no category', { textModel: fixtureModel({ refund: 'Money back' }) }, 'classifier.labels', /model label 'Money back'/],
    ['no model for a config that names one', {}, 'classifier.model', /names a model but none was loaded/],
  ])('fails synth for %s, naming the key', (_, options, key, message) => {
    try {
      buildTestApp(options, withClassifier);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues[0]).toMatchObject({ path: key, message: expect.stringMatching(message) });
    }
  });
});

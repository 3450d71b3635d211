import { ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsRuntime } from '../../functions/adapters/aws-runtime.ts';
import { complaintStore } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { MissingResourceError } from '../../functions/adapters/runtime.ts';
// What the intake and inbound-mail handlers import: the functions granted Comprehend carry its adapter.
import '../../functions/adapters/aws-sentiment.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { predictText } from '../../functions/domain/text-model.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { fixtureModel } from '../support/text-model.ts';

const lambdaEnv = { COMPLAINTS_TABLE: 'complaints-t', STATE_TABLE: 'state-t', AWS_REGION: 'eu-west-1' };

/** Builds the Lambda runtime as a cold start would, with what the bundler inlined. */
function coldStart(config: PipelineConfig, model?: unknown) {
  process.env.PIPELINE_CONFIG_INLINE = JSON.stringify(config);
  if (model) process.env.PIPELINE_TEXT_MODEL_INLINE = JSON.stringify(model);
  else delete process.env.PIPELINE_TEXT_MODEL_INLINE;
  return createAwsRuntime(lambdaEnv);
}

afterEach(() => {
  delete process.env.PIPELINE_CONFIG_INLINE;
  delete process.env.PIPELINE_TEXT_MODEL_INLINE;
});

describe('the Lambda runtime and triage', () => {
  it('builds only the stores and adapters the handler provided; any other fails as a missing resource', async () => {
    process.env.PIPELINE_CONFIG_INLINE = JSON.stringify(defaultConfig);
    const rt = createAwsRuntime({ ...lambdaEnv, EVENT_BUS_NAME: 'bus-t' }, { complaints: complaintStore });
    expect(typeof rt.complaints.get).toBe('function');
    expect(() => rt.alerts).toThrow(MissingResourceError);
    expect(() => rt.surveys).toThrow(/does not wire the surveys store/);
    // This file imports no module that provides the EventBridge adapter (adapters/aws-events.ts).
    await expect(rt.events.publish([{ type: 'complaint.received', complaintId: 'c1', at: '2026-11-20T09:30:00Z' } as never])).rejects.toThrow(MissingResourceError);
  });

  it('uses Comprehend only when the config switches it on, loading its client on first use', async () => {
    expect(coldStart(defaultConfig).sentiment).toBeUndefined();
    const comprehend = mockClient(ComprehendClient);
    try {
      comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEGATIVE', SentimentScore: { Negative: 0.83 } });
      const on = coldStart({ ...defaultConfig, escalationRisk: { ...defaultConfig.escalationRisk!, sentiment: 'comprehend' } });
      await expect(on.sentiment!.negativity('the parcel never came', 'en')).resolves.toEqual({ score: 0.83, source: 'comprehend' });
      await expect(on.sentiment!.negativity('still nothing', 'en')).resolves.toEqual({ score: 0.83, source: 'comprehend' });
      expect(comprehend.commandCalls(DetectSentimentCommand)).toHaveLength(2);
    } finally {
      comprehend.restore();
    }
  });

  it('compiles the bundled model once when the config has a classifier', () => {
    const config: PipelineConfig = { ...defaultConfig, classifier: { model: 'model.json', minConfidence: 0.6, labels: {} } };
    const runtime = coldStart(config, fixtureModel());
    expect(predictText(runtime.textModel!, 'someone changed my password').label).toBe('account-security');
    expect(coldStart(defaultConfig, fixtureModel()).textModel).toBeUndefined();
  });

  it('refuses a bundled model whose labels map to no category', () => {
    const config: PipelineConfig = { ...defaultConfig, classifier: { model: 'model.json', minConfidence: 0.6, labels: {} } };
    expect(() => coldStart(config, fixtureModel({ refund: 'Money back' }))).toThrow(/model label 'Money back'/);
  });
});

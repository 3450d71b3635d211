import { ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ComprehendSentiment, truncateUtf8 } from '../../functions/adapters/comprehend-sentiment.ts';
import { LexiconSentiment } from '../../functions/adapters/lexicon-sentiment.ts';
import { defaultConfig } from '../fixtures/config.ts';

const client = new ComprehendClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const comprehend = mockClient(client);
const sentiment = new ComprehendSentiment(client, new LexiconSentiment(defaultConfig.escalationRisk!));

beforeEach(() => comprehend.reset());

describe('ComprehendSentiment', () => {
  it.each([
    ['zh', '快递一周都没到，太过分了'],
    ['en', 'My parcel is a week late'],
  ] as const)('asks DetectSentiment in %s and returns the NEGATIVE score', async (language, text) => {
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEGATIVE', SentimentScore: { Negative: 0.91, Positive: 0.01, Neutral: 0.05, Mixed: 0.03 } });
    expect(await sentiment.negativity(text, language)).toEqual({ score: 0.91, source: 'comprehend' });
    expect(comprehend.commandCalls(DetectSentimentCommand)[0]!.args[0].input).toEqual({ Text: text, LanguageCode: language });
  });

  it('falls back to the lexicon when Comprehend fails, so intake does not', async () => {
    comprehend.on(DetectSentimentCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    expect(await sentiment.negativity('This is a scam, unacceptable', 'en')).toEqual({ score: 1, source: 'lexicon' });
  });

  it('sends at most 5,000 bytes without splitting a character', () => {
    const text = '退'.repeat(2000);
    const cut = truncateUtf8(text);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(5000);
    expect(cut).toBe('退'.repeat(1666));
    expect(truncateUtf8('short')).toBe('short');
  });
});

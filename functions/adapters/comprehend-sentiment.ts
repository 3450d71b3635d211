import { type ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import type { Negativity } from '../domain/escalation-risk.ts';
import type { SentimentAnalyzer } from '../ports/sentiment.ts';
import { logger } from './observability.ts';

/** DetectSentiment accepts at most 5,000 bytes of UTF-8; a complaint's opening says enough. */
const MAX_BYTES = 5000;

/** Cuts a text to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, max = MAX_BYTES): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * Negative emotion from Amazon Comprehend `DetectSentiment` (Chinese as `zh`, English as `en`): the
 * NEGATIVE score. When Comprehend fails, intake must not: the lexicon judges instead and the
 * complaint records `lexicon` as the source.
 */
export class ComprehendSentiment implements SentimentAnalyzer {
  constructor(
    private readonly client: ComprehendClient,
    private readonly fallback: SentimentAnalyzer,
  ) {}

  async negativity(text: string, language: 'zh' | 'en'): Promise<Negativity> {
    try {
      const res = await this.client.send(new DetectSentimentCommand({ Text: truncateUtf8(text), LanguageCode: language }));
      const score = res.SentimentScore?.Negative;
      if (typeof score !== 'number') throw new Error('DetectSentiment returned no negative score');
      return { score, source: 'comprehend' };
    } catch (err) {
      logger.warn('DetectSentiment failed; using the lexicon', { error: (err as Error).name });
      return this.fallback.negativity(text, language);
    }
  }
}

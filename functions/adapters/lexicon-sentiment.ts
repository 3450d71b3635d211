import type { EscalationRiskSettings } from '../domain/config.ts';
import { lexiconNegativity, type Negativity } from '../domain/escalation-risk.ts';
import type { SentimentAnalyzer } from '../ports/sentiment.ts';

/** The default, fully local sentiment: the config's `negative` lexicon in both languages. */
export class LexiconSentiment implements SentimentAnalyzer {
  constructor(private readonly settings: EscalationRiskSettings) {}

  async negativity(text: string): Promise<Negativity> {
    return lexiconNegativity(text, this.settings);
  }
}

import type { Negativity } from '../domain/escalation-risk.ts';

/** Judges how negative a complaint's text is, for the escalation-risk score. */
export interface SentimentAnalyzer {
  /**
   * @param language the text's language (see `textLanguage`)
   * @returns strength 0..1 and who judged it
   */
  negativity(text: string, language: 'zh' | 'en'): Promise<Negativity>;
}

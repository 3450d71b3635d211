import * as z from 'zod';
import { keywordMatches } from './classify.ts';
import type { EscalationRiskSettings, RiskSignal } from './config.ts';

/** Strength of negative emotion in a text, 0..1, and who judged it. */
export interface Negativity {
  readonly score: number;
  readonly source: 'lexicon' | 'comprehend';
}

/** The escalation-risk assessment stored on a complaint. */
export const EscalationRiskAssessmentSchema = z.object({
  /** 0..1; see {@link assessEscalationRisk}. */
  score: z.number().min(0).max(1),
  /** At or above the configured level: raised one severity step and shown to people. */
  marked: z.boolean(),
  /** The signals that contributed, strongest contribution first. */
  signals: z.array(z.enum(['negative', 'threat', 'repeat', 'vulnerable'])),
  /** Lexicon terms found (at most eight), so people see why. */
  terms: z.array(z.string()),
  /** Who judged the negative emotion. */
  sentiment: z.enum(['lexicon', 'comprehend']),
});
export type EscalationRiskAssessment = z.infer<typeof EscalationRiskAssessmentSchema>;

const HAN = /\p{Script=Han}/gu;
const LETTER = /\p{L}/gu;

/** `zh` when at least a fifth of the letters are Han characters, else `en` (for a sentiment service). */
export function textLanguage(text: string): 'zh' | 'en' {
  const letters = text.match(LETTER)?.length ?? 0;
  const han = text.match(HAN)?.length ?? 0;
  return letters > 0 && han / letters >= 0.2 ? 'zh' : 'en';
}

/**
 * Negative emotion from the `negative` lexicon: two distinct terms make full strength, one half;
 * runs of exclamation marks add a quarter.
 */
export function lexiconNegativity(text: string, settings: EscalationRiskSettings): Negativity {
  const hits = keywordMatches(text, settings.lexicons.negative).length;
  const shouting = /[!！]{2,}/.test(text) ? 0.25 : 0;
  return { score: Math.min(1, hits / 2 + shouting), source: 'lexicon' };
}

/**
 * Scores how likely a complaint is to escalate. Each signal has a strength 0..1: negative emotion
 * (from `negativity`), threats to escalate (any threat term: full), repeated complaints (the
 * customer's earlier complaints in the repeat window, 1 → half, 2+ → full; a repeat term in the
 * text → at least half), vulnerable-customer cues (any term: full). They combine as
 * 1 − Π(1 − weight × strength), so any one strong signal counts and several add up without
 * passing 1.
 * @param earlierComplaints the customer's complaints within the repeat window, any category
 */
export function assessEscalationRisk(
  text: string,
  earlierComplaints: number,
  negativity: Negativity,
  settings: EscalationRiskSettings,
): EscalationRiskAssessment {
  const threatTerms = keywordMatches(text, settings.lexicons.threat);
  const repeatTerms = keywordMatches(text, settings.lexicons.repeat);
  const vulnerableTerms = keywordMatches(text, settings.lexicons.vulnerable);
  const negativeTerms = negativity.source === 'lexicon' ? keywordMatches(text, settings.lexicons.negative) : [];
  const strength: Record<RiskSignal, number> = {
    negative: Math.max(0, Math.min(1, negativity.score)),
    threat: threatTerms.length ? 1 : 0,
    repeat: Math.max(earlierComplaints >= 2 ? 1 : earlierComplaints === 1 ? 0.5 : 0, repeatTerms.length ? 0.5 : 0),
    vulnerable: vulnerableTerms.length ? 1 : 0,
  };
  const contributions = (Object.keys(strength) as RiskSignal[])
    .map((signal) => ({ signal, value: settings.weights[signal] * strength[signal] }))
    .filter((c) => c.value > 0)
    .sort((a, b) => b.value - a.value);
  const score = Math.round((1 - contributions.reduce((keep, c) => keep * (1 - c.value), 1)) * 1000) / 1000;
  return {
    score,
    marked: score >= settings.level,
    signals: contributions.map((c) => c.signal),
    terms: [...new Set([...threatTerms, ...vulnerableTerms, ...negativeTerms, ...repeatTerms])].slice(0, 8),
    sentiment: negativity.source,
  };
}

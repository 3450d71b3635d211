import { csatReport, type CsatReport } from '../domain/survey.ts';
import type { SurveyFactStore } from '../ports/survey-store.ts';

/**
 * CSAT, response rate and reopen-after-survey rate for the surveys sent in `[from, to)`, per
 * department and category. Reads the monthly fact partitions the range touches (Query, never Scan).
 * @param departments only the surveys of these departments; all by default
 */
export async function reportCsat(from: Date, to: Date, deps: { readonly surveyFacts: Pick<SurveyFactStore, 'facts'> }, departments?: readonly string[]): Promise<CsatReport> {
  const facts = await deps.surveyFacts.facts(from, to);
  return csatReport(departments ? facts.filter((f) => departments.includes(f.department)) : facts, from, to);
}

import { csatReport, type CsatReport } from '../domain/survey.ts';
import type { SurveyStore } from '../ports/survey-store.ts';

/**
 * CSAT, response rate and reopen-after-survey rate for the surveys sent in `[from, to)`, per
 * department and category. Reads the monthly fact partitions the range touches (Query, never Scan).
 */
export async function reportCsat(from: Date, to: Date, deps: { readonly surveys: Pick<SurveyStore, 'facts'> }): Promise<CsatReport> {
  return csatReport(await deps.surveys.facts(from, to), from, to);
}

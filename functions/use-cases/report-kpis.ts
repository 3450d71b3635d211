import type { PipelineConfig } from '../domain/config.ts';
import { kpiReport } from '../domain/kpis.ts';
import { csatReport } from '../domain/survey.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { SurveyFactStore } from '../ports/survey-store.ts';

export interface ReportKpisDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: Pick<ComplaintRepository, 'receivedBetween'>;
  readonly surveyFacts: Pick<SurveyFactStore, 'facts'>;
}

/**
 * The KPI report for complaints received in `[from, to)`: first-response time and on-time rate,
 * resolution on-time rate, first-contact resolution, escalation and repeat rates, per department and
 * category, with the CSAT figures of the surveys sent in the same range.
 *
 * Primary course: one byDepartment index Query per configured department over the range (reads
 * proportional to the complaints reported on, never a Scan), plus the survey facts' monthly partitions.
 * @param departments only these departments (a department user's report); every configured one by default
 */
export async function reportKpis(from: Date, to: Date, deps: ReportKpisDeps, departments?: readonly string[]) {
  const reported = departments ?? deps.config.departments.map((d) => d.id);
  const perDepartment = await Promise.all(reported.map((d) => deps.complaints.receivedBetween(d, from, to)));
  const facts = (await deps.surveyFacts.facts(from, to)).filter((f) => reported.includes(f.department));
  return { ...kpiReport(perDepartment.flat(), from, to, deps.clock.now()), satisfaction: csatReport(facts, from, to) };
}

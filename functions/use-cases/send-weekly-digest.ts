import type { PipelineConfig } from '../domain/config.ts';
import { digestFigures, digestSurveyReadFrom, digestWeeks } from '../domain/digest.ts';
import { digestChartSpec, digestRecipients, renderDigest, type PoorAnswerRef } from '../domain/digest-message.ts';
import { complaintIdOfSurvey } from '../domain/lifecycle.ts';
import type { Locale } from '../domain/config.ts';
import type { EmailMessage } from '../domain/messages.ts';
import { referenceOf } from '../domain/names.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { ChartRenderer } from '../ports/chart-renderer.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { SurveyFactStore } from '../ports/survey-store.ts';
import { deliverOnce, type DeliveryDeps } from './deliver-once.ts';

/**
 * Incidents read per category (newest first): two weeks of incidents of one category stay far below
 * this (an incident stays open until the volume falls, and a category has one open at a time).
 */
export const DIGEST_INCIDENTS_PER_CATEGORY = 200;

export interface SendWeeklyDigestDeps extends DeliveryDeps {
  readonly config: PipelineConfig;
  readonly complaints: Pick<ComplaintRepository, 'receivedBetween' | 'get'>;
  readonly surveyFacts: Pick<SurveyFactStore, 'facts'>;
  readonly alerts: Pick<AlertStore, 'listRecent'>;
  readonly renderChart: ChartRenderer;
  /** Base of the console links; without one the digest has no links. */
  publicBaseUrl(): string | undefined;
}

export interface WeeklyDigestResult {
  /** The reported week's Monday (local date). */
  readonly week: string;
  readonly recipients: number;
  /** Digests sent by this run (0 when an earlier run of the same week sent them all). */
  readonly sent: number;
}

/**
 * Emails the weekly digest: the last whole week (Monday to Monday in the company's time zone)
 * against the week before, to every `digest.recipients` entry in their language.
 *
 * Primary course: one byDepartment Query per department over the two weeks; the survey facts'
 * monthly partitions from the oldest survey that could have been answered in the week; each
 * category's newest incidents (one bounded Query each); a GetItem per listed poor answer for its
 * reference. Then the figures, one chart per language, and one email per recipient through the
 * message ledger: the id names the week and the recipient, so a second firing (or a retry after a
 * run died mid-send) sends only what is not sent yet.
 * @param at when the schedule was due (its `scheduledTime`); the clock's time when absent
 * @throws MessageInProgressError when another run holds a live claim on some digest (retried)
 */
export async function sendWeeklyDigest(deps: SendWeeklyDigestDeps, at?: Date): Promise<WeeklyDigestResult> {
  const now = at ?? deps.clock.now();
  const { config } = deps;
  const weeks = digestWeeks(now, config.company.timeZone);
  const recipients = digestRecipients(config);
  if (!recipients.length) return { week: weeks.current.firstDay, recipients: 0, sent: 0 };

  const [complaints, surveys, incidents] = await Promise.all([
    Promise.all(config.departments.map((d) => deps.complaints.receivedBetween(d.id, weeks.previous.from, weeks.current.to))),
    deps.surveyFacts.facts(digestSurveyReadFrom(weeks, config), weeks.current.to),
    Promise.all(config.categories.map((c) => deps.alerts.listRecent(c.id, DIGEST_INCIDENTS_PER_CATEGORY))),
  ]);
  const figures = digestFigures({ complaints: complaints.flat(), surveys, incidents: incidents.flat() }, now, config);

  const listed = figures.poorAnswers.slice(0, config.digest.poorAnswers);
  const poorAnswers: PoorAnswerRef[] = await Promise.all(
    listed.map(async (answer) => {
      const complaintId = complaintIdOfSurvey(answer.surveyId);
      // An erased or expired complaint is gone: its id still identifies it in the console's audit.
      const complaint = await deps.complaints.get(complaintId);
      return { ...answer, complaintId, reference: referenceOf(complaint ?? { id: complaintId }) };
    }),
  );

  const locales = [...new Set(recipients.map((r) => r.locale))];
  const charts = new Map<Locale, Uint8Array>(await Promise.all(locales.map(async (l) => [l, await deps.renderChart(digestChartSpec(figures, config, l))] as const)));
  const base = deps.publicBaseUrl();
  const messages: EmailMessage[] = recipients.map((recipient) => renderDigest({ figures, recipient, poorAnswers, chart: charts.get(recipient.locale), base, config }));
  const sent = await deliverOnce(messages, deps);
  return { week: weeks.current.firstDay, recipients: recipients.length, sent };
}

import type { PipelineConfig } from '../domain/config.ts';
import { applySurveyAnswer, factAnswerOf, isWellFormedToken, surveyLinkState, type SurveyAnswer, type SurveyLink, type SurveyLinkState } from '../domain/survey.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { SurveyStore } from '../ports/survey-store.ts';
import { customerTimeZone } from '../domain/progress.ts';

export interface OpenSurveyDeps {
  readonly clock: Clock;
  readonly surveys: Pick<SurveyStore, 'findLink'>;
}

/**
 * What a survey link opens to: the link and its state (open, answered, expired), or not_found for a
 * malformed, unknown or tampered token (its hash matches nothing).
 */
export async function openSurvey(token: string, deps: OpenSurveyDeps): Promise<{ state: SurveyLinkState; link?: SurveyLink }> {
  if (!isWellFormedToken(token)) return { state: 'not_found' };
  const link = await deps.surveys.findLink(token);
  return { state: surveyLinkState(link, deps.clock.now()), ...(link && { link }) };
}

export interface AnswerSurveyDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
  readonly surveys: SurveyStore;
}

export type AnswerResult =
  | { outcome: 'recorded'; link: SurveyLink; effect: 'reopened' | 'closed' | 'none'; reopenedDueAt?: { dueAt: string; timeZone: string } }
  | { outcome: 'not_found' }
  | { outcome: 'already_answered'; link: SurveyLink }
  | { outcome: 'expired'; link: SurveyLink };

/** Attempts at writing the complaint when an agent changes it between our read and write. */
const MAX_ATTEMPTS = 4;

/**
 * Records a survey answer once.
 *
 * Primary course: check the link is open; read the complaint and work out the answer's effect (a poor
 * answer reopens it, a good one closes it); write the complaint on its version, carrying the answer
 * (this records it); then mark the link answered and complete the reporting fact. A second
 * submission finds the link answered (410); a complaint changed meanwhile is re-read and the effect
 * worked out again. A complaint that already carries this survey's answer (a simultaneous
 * submission won, or the process that recorded it died before marking the link) answers 410 too,
 * after completing the link and the fact. The department follow-up and `survey.answered` follow from
 * the complaint's stream.
 */
export async function answerSurvey(token: string, answer: SurveyAnswer, deps: AnswerSurveyDeps): Promise<AnswerResult> {
  const opened = await openSurvey(token, deps);
  if (!opened.link || opened.state === 'not_found') return { outcome: 'not_found' };
  const link = opened.link;
  if (opened.state === 'answered') return { outcome: 'already_answered', link };
  if (opened.state === 'expired') return { outcome: 'expired', link };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const now = deps.clock.now();
    const complaint = await deps.complaints.get(link.complaintId);
    const recorded = complaint?.surveyAnswer?.surveyId === link.surveyId ? complaint.surveyAnswer : undefined;
    if (recorded) {
      await deps.surveys.completeAnswer(token, link, factAnswerOf(recorded));
      return { outcome: 'already_answered', link };
    }
    if (Date.parse(link.linkExpiresAt) <= now.getTime()) return { outcome: 'expired', link };
    // A complaint already deleted by retention: the answer still counts in the figures.
    const applied = complaint ? applySurveyAnswer(complaint, link.surveyId, answer, now, deps.config) : undefined;
    const effect = applied?.outcome ?? 'none';
    const result = await deps.surveys.recordAnswer({
      token,
      link,
      now,
      answer: { rating: answer.rating, solved: answer.solved, reopened: effect === 'reopened' },
      ...(complaint && applied && { complaint: { next: applied.complaint, expectedVersion: complaint.version } }),
    });
    switch (result) {
      case 'recorded': {
        const dueAt = effect === 'reopened' ? applied?.complaint.sla.dueAt : undefined;
        return { outcome: 'recorded', link, effect, ...(dueAt && complaint && { reopenedDueAt: { dueAt, timeZone: customerTimeZone(complaint, deps.config) } }) };
      }
      case 'not_found':
        return { outcome: 'not_found' };
      case 'already_answered':
        return { outcome: 'already_answered', link };
      case 'expired':
        return { outcome: 'expired', link };
      case 'stale':
        continue;
    }
  }
  throw new Error(`complaint ${link.complaintId} kept changing while a survey answer was recorded; the customer can submit again`);
}

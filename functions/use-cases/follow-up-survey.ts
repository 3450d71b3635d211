import type { Complaint } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { renderSurveyFollowup, surveyAnsweredEvent } from '../domain/survey.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import { deliverOnce } from './deliver-once.ts';

export interface FollowUpSurveyDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
}

/**
 * Acts on a survey answer the complaint change carries, once.
 *
 * Primary course: when the new image holds an answer the old one did not, send the owning
 * department the follow-up for a poor answer (rating and comment; once per message id) and publish
 * `survey.answered` (deterministic id, so a redelivered record is deduplicated downstream).
 * @returns how many messages were sent now
 */
export async function followUpSurvey(complaint: Complaint, previous: Complaint | undefined, deps: FollowUpSurveyDeps): Promise<number> {
  const answer = complaint.surveyAnswer;
  if (!answer || previous?.surveyAnswer?.surveyId === answer.surveyId) return 0;
  const sent = await deliverOnce(renderSurveyFollowup(complaint, answer, deps.config, deps.clock.now()), deps);
  await deps.events.publish([surveyAnsweredEvent(complaint, answer)]);
  return sent;
}

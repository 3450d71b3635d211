import type { Complaint } from '../domain/complaint.ts';
import { departmentById, type PipelineConfig } from '../domain/config.ts';
import { planAlertDelivery } from '../domain/quiet-hours.ts';
import { factAnswerOf, renderSurveyFollowup, surveyAnsweredEvent } from '../domain/survey.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { SurveyFactStore } from '../ports/survey-store.ts';
import { deliverOnce } from './deliver-once.ts';

export interface FollowUpSurveyDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
  /** Where an SMS waits out the department's quiet hours (the alert evaluator sends it when they end). */
  readonly alertOps?: AlertOpsStore;
  /** Base of the console link; without it the messages go without one. */
  publicBaseUrl?(): string | undefined;
  /** The reporting facts, completed here when the answer's own process died before it did. */
  readonly surveyFacts: Pick<SurveyFactStore, 'hasAnswer' | 'recordAnswer'>;
}

/**
 * Acts on a survey answer the complaint change carries, once.
 *
 * Primary course: when the new image holds an answer the old one did not, complete the survey's
 * reporting fact if the answer's own process did not (it died after writing the complaint), send the owning
 * department the follow-up for a poor answer (rating and comment, the console link; once per message
 * id) — its SMS held until the department's quiet hours end — and publish `survey.answered`
 * (deterministic id, so a redelivered record is deduplicated downstream).
 * @returns how many messages were sent now
 */
export async function followUpSurvey(complaint: Complaint, previous: Complaint | undefined, deps: FollowUpSurveyDeps): Promise<number> {
  const answer = complaint.surveyAnswer;
  if (!answer || previous?.surveyAnswer?.surveyId === answer.surveyId) return 0;
  // The answer is recorded by the complaint's write; the fact follows it in its own write, which a
  // dead process leaves undone. Read first (a fifth of a write's price): almost always it is done.
  const survey = [complaint.survey, previous?.survey].find((s) => s?.id === answer.surveyId && s.sentAt !== undefined);
  if (survey?.sentAt !== undefined) {
    const fact = { surveyId: survey.id, sentAt: survey.sentAt };
    if (!(await deps.surveyFacts.hasAnswer(fact))) {
      await deps.surveyFacts.recordAnswer(fact, factAnswerOf(answer));
    }
  }
  const messages = renderSurveyFollowup(complaint, answer, deps.config, deps.publicBaseUrl?.());
  const department = departmentById(deps.config, complaint.department);
  const plan = department && deps.alertOps ? planAlertDelivery(messages, department, {}, deps.clock.now()) : { now: messages, deferred: [] };
  for (const held of plan.deferred) await deps.alertOps!.deferSms(held.message, complaint.category, held.sendAt);
  const sent = await deliverOnce(plan.now, deps);
  await deps.events.publish([surveyAnsweredEvent(complaint, answer)]);
  return sent;
}

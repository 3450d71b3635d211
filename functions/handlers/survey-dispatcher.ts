import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-link-keys.ts';
import '../adapters/aws-events.ts';
import '../adapters/aws-messaging.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { dueTimesStore } from '../adapters/dynamodb-due-times.ts';
import { ledgerStore } from '../adapters/dynamodb-message-ledger.ts';
import { replyTokenStore } from '../adapters/dynamodb-reply-token-store.ts';
import { surveyStore } from '../adapters/dynamodb-survey-store.ts';
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { countMetric, instrumented, logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { dispatchSurveys, nextSurveyWork, type DispatchResult } from '../use-cases/dispatch-surveys.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, ledger: ledgerStore, surveys: surveyStore, replyTokens: replyTokenStore, dueTimes: dueTimesStore });

const ScheduleEventSchema = z.object({ 'detail-type': z.literal('Scheduled Event'), time: z.string() });

/**
 * Survey dispatcher, every fifteen minutes: sends due surveys once per resolution. Errors throw so
 * EventBridge retries; a retry or an overlapping run sends nothing twice.
 */
export const handler = instrumented(async (event: ScheduledEvent): Promise<DispatchResult> => {
  ScheduleEventSchema.parse(event);
  const result = await dispatchSurveys(runtime());
  if (result.due) logger.info('survey dispatch', { ...result });
  countMetric('SurveysSent', result.sent);
  return result;
});

/**
 * When a run could next find work (see the use case): the local scheduler asks it to skip the runs
 * that would find nothing due; Lambda never calls it, every EventBridge run invokes the handler.
 */
export const nextWork = (): Promise<Date | undefined> => nextSurveyWork(runtime());

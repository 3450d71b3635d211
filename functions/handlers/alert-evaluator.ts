import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-events.ts';
import '../adapters/aws-messaging.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { alertStore } from '../adapters/dynamodb-alert-store.ts';
import { dueTimesStore } from '../adapters/dynamodb-due-times.ts';
import { ledgerStore } from '../adapters/dynamodb-message-ledger.ts';
import { volumeStore } from '../adapters/dynamodb-volume-store.ts';
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { countMetric, instrumented, logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { evaluateAlerts, nextAlertWork, type EvaluateAlertsResult } from '../use-cases/evaluate-alerts.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ volume: volumeStore, alerts: alertStore, alertOps: alertOpsStore, ledger: ledgerStore, dueTimes: dueTimesStore });

const ScheduleEventSchema = z.object({ 'detail-type': z.literal('Scheduled Event'), time: z.string() });

/**
 * Alert evaluator, every five minutes: reminders and escalations for unacknowledged incidents and the
 * all-clear when volume has fallen. Errors throw so EventBridge retries; every effect is idempotent.
 */
export const handler = instrumented(async (event: ScheduledEvent): Promise<EvaluateAlertsResult> => {
  ScheduleEventSchema.parse(event);
  const result = await evaluateAlerts(runtime());
  if (result.escalated.length || result.resolved.length || result.reminded.length) logger.info('alert incidents evaluated', { ...result });
  countMetric('AlertIncidentsOpen', result.evaluated - result.resolved.length);
  countMetric('AlertsResolved', result.resolved.length);
  return result;
});

/**
 * When a run could next find work (see the use case): the local scheduler asks it to skip the runs
 * that would find nothing due; Lambda never calls it, every EventBridge run invokes the handler.
 */
export const nextWork = (): Promise<Date | undefined> => nextAlertWork(runtime());

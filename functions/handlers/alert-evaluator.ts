import '../adapters/aws-runtime.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger, metrics } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { evaluateAlerts, type EvaluateAlertsResult } from '../use-cases/evaluate-alerts.ts';

const ScheduleEventSchema = z.object({ 'detail-type': z.literal('Scheduled Event'), time: z.string() });

/**
 * Alert evaluator, every five minutes: reminders and escalations for unacknowledged incidents and the
 * all-clear when volume has fallen. Errors throw so EventBridge retries; every effect is idempotent.
 */
export async function handler(event: ScheduledEvent): Promise<EvaluateAlertsResult> {
  ScheduleEventSchema.parse(event);
  const result = await evaluateAlerts(runtime());
  if (result.escalated.length || result.resolved.length || result.reminded.length) logger.info('alert incidents evaluated', { ...result });
  metrics.addMetric('AlertIncidentsOpen', MetricUnit.Count, result.evaluated - result.resolved.length);
  metrics.publishStoredMetrics();
  return result;
}

import '../adapters/aws-runtime.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { sweepSla, type SweepResult } from '../use-cases/sweep-sla.ts';

/**
 * Scheduled SLA sweeper: warnings at 75% of a target, escalations along the chain after it, grouped
 * per person. The schedule's `time` names the sweep, so a retried invocation sends nothing twice.
 */
export async function handler(event?: { time?: string }): Promise<SweepResult> {
  const result = await sweepSla(runtime(), typeof event?.time === 'string' ? event.time : undefined);
  logger.info('sla sweep', { ...result });
  metrics.addMetric('SlaWarnings', MetricUnit.Count, result.warnings);
  metrics.addMetric('SlaEscalations', MetricUnit.Count, result.escalations);
  metrics.addMetric('SlaSmsHeld', MetricUnit.Count, result.sms.held);
  metrics.addMetric('SlaSmsOverCeiling', MetricUnit.Count, result.sms.overQuota);
  metrics.publishStoredMetrics();
  return result;
}

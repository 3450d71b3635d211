import '../adapters/aws-runtime.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { sweepSla, type SweepResult } from '../use-cases/sweep-sla.ts';

/** Scheduled SLA sweeper: warnings at 75% of a target, escalations along the chain after it. */
export async function handler(): Promise<SweepResult> {
  const result = await sweepSla(runtime());
  logger.info('sla sweep', { ...result });
  metrics.addMetric('SlaWarnings', MetricUnit.Count, result.warnings);
  metrics.addMetric('SlaEscalations', MetricUnit.Count, result.escalations);
  metrics.publishStoredMetrics();
  return result;
}

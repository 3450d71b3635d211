import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-events.ts';
import '../adapters/aws-messaging.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { dueTimesStore } from '../adapters/dynamodb-due-times.ts';
import { ledgerStore } from '../adapters/dynamodb-message-ledger.ts';
import { slaSmsStore } from '../adapters/dynamodb-sla-sms-store.ts';
import { countMetric, instrumented, logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { nextSweepWork, sweepSla, type SweepResult } from '../use-cases/sweep-sla.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, ledger: ledgerStore, slaSms: slaSmsStore, dueTimes: dueTimesStore });

/**
 * Scheduled SLA sweeper: warnings at 75% of a target, escalations along the chain after it, grouped
 * per person. The schedule's `time` names the sweep, so a retried invocation sends nothing twice.
 */
export const handler = instrumented(async (event?: { time?: string }): Promise<SweepResult> => {
  const result = await sweepSla(runtime(), typeof event?.time === 'string' ? event.time : undefined);
  logger.info('sla sweep', { ...result });
  countMetric('SlaWarnings', result.warnings);
  countMetric('SlaEscalations', result.escalations);
  countMetric('SlaSmsHeld', result.sms.held);
  countMetric('SlaSmsOverCeiling', result.sms.overQuota);
  return result;
});

/**
 * When a run could next find work (see the use case): the local scheduler asks it to skip the runs
 * that would find nothing due; Lambda never calls it, every EventBridge run invokes the handler.
 */
export const nextWork = (): Promise<Date | undefined> => nextSweepWork(runtime());

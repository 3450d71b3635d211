import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-messaging.ts';
import { alertStore } from '../adapters/dynamodb-alert-store.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { ledgerStore } from '../adapters/dynamodb-message-ledger.ts';
import { surveyFactStore } from '../adapters/dynamodb-survey-facts.ts';
import * as z from 'zod';
import { renderChartPng } from '../adapters/chart-png.ts';
import { countMetric, instrumented, logger } from '../adapters/observability.ts';
import { extendRuntime, runtime } from '../adapters/runtime.ts';
import { sendWeeklyDigest, type WeeklyDigestResult } from '../use-cases/send-weekly-digest.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, alerts: alertStore, ledger: ledgerStore, surveyFacts: surveyFactStore });

/** What EventBridge Scheduler hands the function (the target input the stack sets; locally the same). */
const DigestEventSchema = z.object({
  scheduleArn: z.string().optional(),
  /** When the schedule was due: the digest reports the last whole week before it. */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

/** Thrown for an invocation that is not a schedule's; the message names the failing field. */
export class InvalidDigestEventError extends Error {
  override readonly name = 'InvalidDigestEventError';
}

/**
 * Scheduled weekly digest (Monday 09:00 in the company's time zone by default): last week against
 * the week before, emailed to `digest.recipients`. A second firing in the same week, or a retry,
 * sends nothing twice (the message ledger).
 */
export const handler = instrumented(async (event: unknown): Promise<WeeklyDigestResult> => {
  const parsed = DigestEventSchema.safeParse(event ?? {});
  if (!parsed.success) throw new InvalidDigestEventError(`not a schedule event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const at = parsed.data.scheduledTime === undefined ? undefined : new Date(parsed.data.scheduledTime);
  const result = await sendWeeklyDigest(extendRuntime(runtime(), { renderChart: renderChartPng }), at);
  logger.info('weekly digest', { ...result });
  countMetric('DigestsSent', result.sent);
  return result;
});

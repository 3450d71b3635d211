import '../adapters/aws-link-keys.ts';
import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-sentiment.ts';
import '../adapters/aws-mail.ts';
import { complaintRecordStore } from '../adapters/dynamodb-complaint-repository.ts';
import { receiptStore } from '../adapters/dynamodb-receipt-quota.ts';
import { replyTokenStore } from '../adapters/dynamodb-reply-token-store.ts';
import * as z from 'zod';
import { countMetric, countMetricBy, instrumented, logger } from '../adapters/observability.ts';
import type { INBOUND_EMAIL_OUTCOMES } from '../adapters/metric-names.ts';
import { parseMime } from '../adapters/mime-parser.ts';
import { extendRuntime, runtime } from '../adapters/runtime.ts';
import { MAIL_PREFIX, VerdictSchema } from '../domain/inbound-mail.ts';
import { receiveEmail, type ReceiveEmailResult } from '../use-cases/receive-email.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintRecordStore, receipts: receiptStore, replyTokens: replyTokenStore });

const authVerdict = z.object({ status: VerdictSchema }).default({ status: 'DISABLED' });

/** The parts of SES's receipt-rule Lambda event the pipeline uses (the raw message is in S3, not in the event). */
export const SesReceiptEventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:ses'),
        ses: z.object({
          mail: z.object({ messageId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/) }),
          receipt: z.object({
            recipients: z.array(z.string()).min(1),
            spamVerdict: z.object({ status: VerdictSchema }),
            virusVerdict: z.object({ status: VerdictSchema }),
            // SES sends all three; one missing counts as not checked (DISABLED), which authenticates nobody.
            spfVerdict: authVerdict,
            dkimVerdict: authVerdict,
            dmarcVerdict: authVerdict,
          }),
        }),
      }),
    )
    .min(1),
});
export type SesReceiptEvent = z.infer<typeof SesReceiptEventSchema>;

/** Thrown for an event that is not an SES receipt event this function can read. */
export class InvalidInboundEventError extends Error {
  override readonly name = 'InvalidInboundEventError';
}

/**
 * SES receipt rule action (and the local SMTP server): the rule's S3 action stored the raw message
 * as `inbound/<SES message id>`; this takes it in. An error throws, so Lambda's asynchronous retries
 * try again — every step is idempotent (Message-ID dedup, entries carry their message id).
 */
export const handler = instrumented(async (event: unknown): Promise<Array<{ messageId: string; outcome: ReceiveEmailResult['outcome'] }>> => {
  const parsed = SesReceiptEventSchema.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    logger.error('invalid SES receipt event', { issues });
    countMetric('InvalidInboundEvents');
    // Thrown, so after Lambda's asynchronous retries the event lands in the on-failure queue.
    throw new InvalidInboundEventError(issues.join('; '));
  }
  const results: Array<{ messageId: string; outcome: ReceiveEmailResult['outcome'] }> = [];
  for (const record of parsed.data.Records) {
    const { mail, receipt } = record.ses;
    const result = await receiveEmail(
      {
        key: `${MAIL_PREFIX.inbound}${mail.messageId}`,
        recipients: receipt.recipients,
        deliveryId: mail.messageId,
        spamVerdict: receipt.spamVerdict.status,
        virusVerdict: receipt.virusVerdict.status,
        sender: { spf: receipt.spfVerdict.status, dkim: receipt.dkimVerdict.status, dmarc: receipt.dmarcVerdict.status },
      },
      // The MIME parser (postal-mime) is wired here, not in the shared runtime, so only this function's
      // bundle carries it.
      extendRuntime(runtime(), { parseMime }),
    );
    // Keys only: no addresses, subjects or text in the logs.
    logger.info('inbound email', {
      sesMessageId: mail.messageId,
      outcome: result.outcome,
      ...('reason' in result && { reason: result.reason }),
      ...('complaint' in result && { complaintId: result.complaint.id }),
      ...('event' in result && { event: result.event }),
      ...('via' in result && { via: result.via }),
    });
    countMetricBy('InboundEmails', result.outcome satisfies (typeof INBOUND_EMAIL_OUTCOMES)[number]);
    if (result.outcome === 'created') countMetricBy('ComplaintsReceived', result.complaint.category);
    results.push({ messageId: mail.messageId, outcome: result.outcome });
  }
  return results;
});

import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-sentiment.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { receiptStore } from '../adapters/dynamodb-receipt-quota.ts';
import { ComplaintInputSchema } from '../domain/complaint.ts';
import { publicComplaint } from '../domain/public-complaint.ts';
import { httpHandler, json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { countMetric, countMetricBy, logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { submitComplaint } from '../use-cases/submit-complaint.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, receipts: receiptStore });

/**
 * `POST /complaints`: 201 with the stored complaint's public view, 200 with the first one's for a
 * repeated externalId (which anyone may send: the view holds nothing about the person who did first).
 */
export const handler = httpHandler(async (event) => {
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const input = ComplaintInputSchema.safeParse(body.value);
  if (!input.success) return validationError(zodIssues(input.error));
  const result = await submitComplaint(input.data, runtime());
  switch (result.outcome) {
    case 'rejected':
      return validationError([{ path: 'category', message: `unknown category '${result.error.category}'` }]);
    case 'duplicate':
      logger.info('duplicate external id', { complaintId: result.complaint.id, channel: result.complaint.channel });
      return json(200, publicComplaint(result.complaint));
    case 'created':
      // DEBUG: the stored complaint, ComplaintsReceived and complaint.received already record it, and
      // a line per complaint is paid for in log ingestion at every volume.
      logger.debug('complaint received', { complaintId: result.complaint.id, category: result.complaint.category });
      countMetricBy('ComplaintsReceived', result.complaint.category);
      // Channels and reasons only: the recipient's address or number never goes to the logs.
      if (result.withheld.length) {
        logger.warn('receipt withheld', { complaintId: result.complaint.id, withheld: result.withheld.map((w) => `${w.channel}:${w.reason}`) });
        const smsOverBudget = result.withheld.filter((w) => w.reason === 'sms_budget').length;
        if (smsOverBudget) countMetric('ReceiptSmsOverBudget', smsOverBudget);
        const emailsOverBudget = result.withheld.filter((w) => w.reason === 'email_budget').length;
        if (emailsOverBudget) countMetric('ReceiptEmailOverBudget', emailsOverBudget);
      }
      return json(201, publicComplaint(result.complaint));
  }
});

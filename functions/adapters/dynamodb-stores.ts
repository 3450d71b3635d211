import type { StoreFactories } from './runtime.ts';
import { complaintStore } from './dynamodb-complaint-repository.ts';
import { volumeStore } from './dynamodb-volume-store.ts';
import { alertStore } from './dynamodb-alert-store.ts';
import { alertOpsStore } from './dynamodb-alert-ops-store.ts';
import { ledgerStore } from './dynamodb-message-ledger.ts';
import { receiptStore } from './dynamodb-receipt-quota.ts';
import { surveyStore } from './dynamodb-survey-store.ts';
import { surveyFactStore } from './dynamodb-survey-facts.ts';
import { customerDataStore } from './dynamodb-customer-data.ts';
import { slaSmsStore } from './dynamodb-sla-sms-store.ts';
import { replyLinkStore, replyTokenStore } from './dynamodb-reply-token-store.ts';
import { dueTimesStore } from './dynamodb-due-times.ts';

/**
 * Every DynamoDB store: the local runtime's process-wide runtime and tests that exercise all ports.
 * A handler imports the factories it uses from their adapter modules (`provideStores` in
 * aws-runtime.ts), never this map, so its bundle carries no other store.
 */
export const allStores: Required<StoreFactories> = {
  complaints: complaintStore,
  volume: volumeStore,
  alerts: alertStore,
  alertOps: alertOpsStore,
  ledger: ledgerStore,
  receipts: receiptStore,
  surveys: surveyStore,
  surveyFacts: surveyFactStore,
  customerData: customerDataStore,
  slaSms: slaSmsStore,
  replyTokens: replyTokenStore,
  replyLinks: replyLinkStore,
  dueTimes: dueTimesStore,
};

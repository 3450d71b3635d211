import type { StoreFactories, StoreFactory } from './runtime.ts';
import { DynamoAlertOpsStore } from './dynamodb-alert-ops-store.ts';
import { DynamoAlertStore } from './dynamodb-alert-store.ts';
import { DynamoComplaintRepository } from './dynamodb-complaint-repository.ts';
import { DynamoCustomerDataStore } from './dynamodb-customer-data.ts';
import { DynamoMessageLedger } from './dynamodb-message-ledger.ts';
import { DynamoReceiptQuota } from './dynamodb-receipt-quota.ts';
import { DynamoReplyTokenStore } from './dynamodb-reply-token-store.ts';
import { DynamoSurveyStore } from './dynamodb-survey-store.ts';
import { DynamoSlaSmsStore } from './dynamodb-sla-sms-store.ts';
import { DynamoVolumeStore } from './dynamodb-volume-store.ts';

/*
 * One factory per DynamoDB-backed port of the runtime. A handler names the ones it uses
 * (`provideStores` in aws-runtime.ts), so its bundle carries only those adapters: each factory is a
 * separate export, and esbuild drops the ones an entry never imports.
 */

/**
 * Complaints, with the state table only for externalId claims: a function granted just the
 * complaints table (getComplaint) must be able to read complaints without it.
 */
export const complaintStore: StoreFactory<'complaints'> = (ctx) =>
  new DynamoComplaintRepository(
    ctx.doc,
    {
      get complaints() {
        return ctx.table('complaints');
      },
      get state() {
        return ctx.table('state');
      },
    },
    ctx.config.scale.dueIndexBuckets,
  );

/** Minute counters and fitted baselines. */
export const volumeStore: StoreFactory<'volume'> = (ctx) => new DynamoVolumeStore(ctx.doc, ctx.table('state'));

/** Alert incidents. */
export const alertStore: StoreFactory<'alerts'> = (ctx) => new DynamoAlertStore(ctx.doc, ctx.table('state'), ctx.config.scale.dueIndexBuckets);

/** Acknowledge links, silences, run-time overrides and held SMS. */
export const alertOpsStore: StoreFactory<'alertOps'> = (ctx) => new DynamoAlertOpsStore(ctx.doc, ctx.table('state'));

/** Message claims (deliver once), with this function's claim lease. */
export const ledgerStore: StoreFactory<'ledger'> = (ctx) => new DynamoMessageLedger(ctx.doc, ctx.table('state'), ctx.claimLeaseSeconds);

/** Receipts per recipient (the receipt cap). */
export const receiptStore: StoreFactory<'receipts'> = (ctx) => new DynamoReceiptQuota(ctx.doc, ctx.table('state'));

/** Survey links, answers and opt-outs (the runtime's `surveys` and `optOuts`). */
export const surveyStore: StoreFactory<'surveys'> = (ctx) =>
  new DynamoSurveyStore(ctx.doc, { complaints: () => ctx.table('complaints'), state: () => ctx.table('state') }, ctx.config.scale.dueIndexBuckets);

/** A customer's data across both tables (export and erasure); reads complaints through the runtime's repository. */
export const customerDataStore: StoreFactory<'customerData'> = (ctx) =>
  new DynamoCustomerDataStore(ctx.doc, { complaints: () => ctx.table('complaints'), state: () => ctx.table('state') }, ctx.complaints);

/** The SLA sweeper's hourly SMS ceiling and what quiet hours hold. */
export const slaSmsStore: StoreFactory<'slaSms'> = (ctx) => new DynamoSlaSmsStore(ctx.doc, ctx.table('state'));

/** Reply addresses on customer emails. */
export const replyTokenStore: StoreFactory<'replyTokens'> = (ctx) => new DynamoReplyTokenStore(ctx.doc, ctx.table('state'));

/** Every store: the local runtime's process-wide runtime and tests that exercise all ports. */
export const allStores: Required<StoreFactories> = {
  complaints: complaintStore,
  volume: volumeStore,
  alerts: alertStore,
  alertOps: alertOpsStore,
  ledger: ledgerStore,
  receipts: receiptStore,
  surveys: surveyStore,
  customerData: customerDataStore,
  slaSms: slaSmsStore,
  replyTokens: replyTokenStore,
};

import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-link-keys.ts';
import '../adapters/aws-events.ts';
import '../adapters/aws-messaging.ts';
import { ledgerStore } from '../adapters/dynamodb-message-ledger.ts';
import { replyLinkStore, replyTokenStore } from '../adapters/dynamodb-reply-token-store.ts';
import { surveyStore } from '../adapters/dynamodb-survey-store.ts';
import { complaintStreamHandler } from '../adapters/complaint-stream.ts';
import { runtime } from '../adapters/runtime.ts';
import { notifyProgress } from '../use-cases/notify-progress.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ ledger: ledgerStore, surveys: surveyStore, replyTokens: replyTokenStore, replyLinks: replyLinkStore });

/**
 * Progress notifier on the complaints stream (complaint INSERTs and MODIFYs, by the mapping's
 * filter): customers hear about each visible step, and domain events go to the bus. Order-sensitive:
 * a customer must hear "acknowledged" before "resolved", and `complaint.status_changed` events
 * should arrive in the order the changes happened, so the first failed record fails the rest of the
 * batch and the mapping retries from it in order. Retried records send nothing twice (message ledger).
 */
export const handler = complaintStreamHandler('in_order', (complaint, previous) => notifyProgress(complaint, previous, runtime()));

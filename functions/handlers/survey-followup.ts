import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-events.ts';
import '../adapters/aws-messaging.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { ledgerStore } from '../adapters/dynamodb-message-ledger.ts';
import { surveyFactStore } from '../adapters/dynamodb-survey-facts.ts';
import { complaintStreamHandler } from '../adapters/complaint-stream.ts';
import { runtime } from '../adapters/runtime.ts';
import { followUpSurvey } from '../use-cases/follow-up-survey.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ alertOps: alertOpsStore, ledger: ledgerStore, surveyFacts: surveyFactStore });

/**
 * Survey follow-up on the complaints stream (changes carrying a survey answer, by the mapping's
 * filter): the department hears about poor answers, and `survey.answered` goes to the bus.
 * Independent records: each acts on one survey answer and its message stands alone (rating, comment,
 * complaint), and one survey is answered once, so no record's effect can overtake another's that it
 * depends on; a failing record fails alone and the other departments still hear at once. Retried
 * records send nothing twice (message ledger).
 */
export const handler = complaintStreamHandler('independent', (complaint, previous) => followUpSurvey(complaint, previous, runtime()));

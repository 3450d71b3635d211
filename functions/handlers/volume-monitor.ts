import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-events.ts';
import '../adapters/aws-messaging.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { alertStore } from '../adapters/dynamodb-alert-store.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { ledgerStore } from '../adapters/dynamodb-message-ledger.ts';
import { volumeStore } from '../adapters/dynamodb-volume-store.ts';
import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import type { CountableRecord } from '../domain/volume.ts';
import { countMetric, instrumented, logger } from '../adapters/observability.ts';
import { waitingOutHeldClaims } from '../adapters/held-claim-wait.ts';
import { runtime } from '../adapters/runtime.ts';
import { monitorVolume } from '../use-cases/monitor-volume.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, volume: volumeStore, alerts: alertStore, alertOps: alertOpsStore, ledger: ledgerStore });

/** The part of a complaint's stream image that counting needs. */
const CountableImageSchema = z.object({
  entity: z.literal('complaint'),
  id: z.string().min(1),
  category: z.string().min(1),
  receivedAt: z.iso.datetime(),
});

/** Thrown for a record that can never be counted; it fails alone and reaches the on-failure queue. */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
}

function toCountable(record: DynamoDBRecord): CountableRecord {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  const image = record.dynamodb?.NewImage;
  const keys = record.dynamodb?.Keys;
  try {
    if (!record.eventID || !image) throw new InvalidRecordError('record has no eventID or new image');
    const parsed = CountableImageSchema.parse(unmarshall(image as Record<string, AttributeValue>));
    return { eventId: record.eventID, category: parsed.category, receivedAt: parsed.receivedAt };
  } catch (err) {
    // Keys only: images hold customers' contact details, which never go to logs.
    logger.error('invalid stream record', { eventID: record.eventID, sequenceNumber, keys, reason: (err as Error).message });
    countMetric('InvalidStreamRecords');
    throw err instanceof InvalidRecordError ? err : new InvalidRecordError((err as Error).message);
  }
}

/**
 * Volume monitor on the complaints stream (INSERTs of complaints only, by the mapping's filter).
 * Unparsable records fail alone (partial batch response); everything else is counted once. Transient
 * errors throw so the mapping retries the batch, which the per-record counted marks make harmless.
 * Not order-sensitive: counts add up the same in any order, and alerting looks at the window count
 * after the whole batch, so an unparsable record need not hold back the ones after it.
 * The batch processor keeps the batch's outcome in its own state, so each call gets its own: the
 * local runtime calls this handler for several shards at once.
 */
export const handler = instrumented(async (event: DynamoDBStreamEvent, context: Context | undefined): Promise<DynamoDBBatchResponse> => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  processor.register(event.Records, async (record: DynamoDBRecord) => toCountable(record), { throwOnFullBatchFailure: false });
  const processed = await processor.process();
  const countable = processed.flatMap((r) => (r[0] === 'success' ? [r[1] as CountableRecord] : []));
  // An alert held by a delivery that died is waited out here rather than failing the batch until
  // the mapping's retries run out (waitingOutHeldClaims); counting again is harmless.
  const result = await waitingOutHeldClaims(() => monitorVolume(countable, runtime()), context, { clock: () => runtime().clock });
  if (result.opened.length) logger.info('alert incidents opened', { incidents: result.opened.map((i) => i.id) });
  countMetric('ComplaintsCounted', result.counted);
  countMetric('AlertsRaised', result.opened.length);
  return processor.response();
});

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ComplaintSchema, type Complaint } from '../domain/complaint.ts';
import { waitingOutHeldClaims, type HeldClaimWaitOptions } from './held-claim-wait.ts';
import { instrumented, logger } from './observability.ts';
import { runtime } from './runtime.ts';

/** Thrown for a stream image that is not a complaint; it fails alone and reaches the on-failure queue. */
export class InvalidImageError extends Error {
  override readonly name = 'InvalidImageError';
}

function parseImage(image: object, record: DynamoDBRecord): Complaint {
  const parsed = ComplaintSchema.safeParse(unmarshall(image as Record<string, AttributeValue>));
  if (!parsed.success) {
    // Keys only: images hold customers' contact details, which never go to logs.
    logger.error('invalid complaint image', { eventID: record.eventID, keys: record.dynamodb?.Keys, reason: parsed.error.message });
    throw new InvalidImageError(parsed.error.message);
  }
  return parsed.data;
}

/** Reported for the records after a failed one in an order-sensitive batch: they were not attempted. */
export class EarlierRecordFailedError extends Error {
  override readonly name = 'EarlierRecordFailedError';
}

/**
 * Stops at the first failure: once a record fails, it and every later record of the batch are
 * reported as failed without being attempted. Lambda resumes from the lowest failed sequence number,
 * so the later records are retried after the failed one, in stream order, and their effects (a
 * customer's "resolved") can never overtake an earlier one's ("acknowledged"). The Powertools
 * `BatchProcessor` on its own keeps going after a failure, which is right only for records whose
 * effects are independent of each other.
 */
export class InOrderBatchProcessor extends BatchProcessor {
  #failed = false;

  override prepare(): void {
    super.prepare();
    this.#failed = false;
  }

  override async processRecord(record: Parameters<BatchProcessor['processRecord']>[0]): ReturnType<BatchProcessor['processRecord']> {
    if (this.#failed) return this.failureHandler(record, new EarlierRecordFailedError('an earlier record of this batch failed'));
    const result = await super.processRecord(record);
    if (result[0] === 'fail') this.#failed = true;
    return result;
  }
}

/**
 * How a consumer's records relate: `in_order` when one record's effects must not overtake an earlier
 * record's (stop at the first failure), `independent` when each record's effects stand alone (a
 * failing record fails alone and the rest go ahead).
 */
export type StreamOrdering = 'in_order' | 'independent';

/**
 * A Lambda handler for a complaints-stream consumer that handles each change on its own: the new and
 * (for updates) old complaint images are parsed with the schema, and records are handled one after
 * the other in stream order. With `in_order`, the first failure fails the rest of the batch too
 * (InOrderBatchProcessor); with `independent`, a record that fails is reported alone in the partial
 * batch response. A record meeting a message another delivery holds (a process that died between
 * claim and send) waits out the claim's lease within the invocation and is run again
 * (waitingOutHeldClaims), instead of failing until the mapping's retries run out.
 * @param options the clock and sleep of that wait; @default the runtime's clock and a timer
 */
export function complaintStreamHandler(
  ordering: StreamOrdering,
  run: (complaint: Complaint, previous: Complaint | undefined) => Promise<unknown>,
  options: HeldClaimWaitOptions = { clock: () => runtime().clock },
) {
  const processor = ordering === 'in_order' ? new InOrderBatchProcessor(EventType.DynamoDBStreams) : new BatchProcessor(EventType.DynamoDBStreams);
  const handleRecord = async (record: DynamoDBRecord, context?: Context): Promise<void> => {
    const image = record.dynamodb?.NewImage;
    if (!image) throw new InvalidImageError('record has no new image');
    const complaint = parseImage(image, record);
    const previous = record.dynamodb?.OldImage ? parseImage(record.dynamodb.OldImage, record) : undefined;
    await waitingOutHeldClaims(() => run(complaint, previous), context, options);
  };
  return instrumented(
    async (event: DynamoDBStreamEvent, context: Context | undefined): Promise<DynamoDBBatchResponse> =>
      processPartialResponse(event, handleRecord, processor, { ...(context && { context }), processInParallel: false }),
  );
}

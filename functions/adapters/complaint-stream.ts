import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ComplaintSchema, type Complaint } from '../domain/complaint.ts';
import { logger } from './observability.ts';

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

/**
 * A Lambda handler for a complaints-stream consumer that handles each change on its own: the new and
 * (for updates) old complaint images are parsed with the schema, records are handled one after the
 * other in stream order (a customer must hear "acknowledged" before "resolved"), and a record that
 * fails is reported alone in the partial batch response.
 */
export function complaintStreamHandler(run: (complaint: Complaint, previous: Complaint | undefined) => Promise<unknown>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    const image = record.dynamodb?.NewImage;
    if (!image) throw new InvalidImageError('record has no new image');
    const complaint = parseImage(image, record);
    const previous = record.dynamodb?.OldImage ? parseImage(record.dynamodb.OldImage, record) : undefined;
    await run(complaint, previous);
  };
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, { context, processInParallel: false });
}

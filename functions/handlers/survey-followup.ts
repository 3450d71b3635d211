import '../adapters/aws-runtime.ts';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { ComplaintSchema, type Complaint } from '../domain/complaint.ts';
import { followUpSurvey } from '../use-cases/follow-up-survey.ts';

/** Thrown for a stream image that is not a complaint; it fails alone and reaches the on-failure queue. */
export class InvalidImageError extends Error {
  override readonly name = 'InvalidImageError';
}

function parseImage(image: object, record: DynamoDBRecord): Complaint {
  const parsed = ComplaintSchema.safeParse(unmarshall(image as Record<string, AttributeValue>));
  if (!parsed.success) {
    logger.error('invalid complaint image', { eventID: record.eventID, keys: record.dynamodb?.Keys, reason: parsed.error.message });
    throw new InvalidImageError(parsed.error.message);
  }
  return parsed.data;
}

async function handleRecord(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new InvalidImageError('record has no new image');
  const complaint = parseImage(image, record);
  const previous = record.dynamodb?.OldImage ? parseImage(record.dynamodb.OldImage, record) : undefined;
  await followUpSurvey(complaint, previous, runtime());
}

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/**
 * Survey follow-up on the complaints stream (changes carrying a survey answer, by the mapping's
 * filter): the department hears about poor answers, and `survey.answered` goes to the bus. Each record
 * fails alone; retried records send nothing twice (message ledger).
 */
export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  return processPartialResponse(event, handleRecord, processor, { context, processInParallel: false });
}

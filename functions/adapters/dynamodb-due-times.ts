import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DueTimes } from '../ports/due-times.ts';
import { SMS_QUEUE_PK } from './dynamodb-alert-ops-store.ts';
import { queryBucketsMerged } from './dynamodb-query.ts';
import { HELD_PK } from './dynamodb-sla-sms-store.ts';
import { bucketedIndexKeys, bucketValues, type BucketedIndex } from './index-buckets.ts';
import type { StoreFactory } from './runtime.ts';
import { sendTimeOfKey } from './time-queue.ts';

/**
 * Due times read from DynamoDB. Each answer costs what an idle run of its reader costs: one Query
 * of one item per bucket of a sparse index (keys only), or of one item of a queue partition.
 */
export class DynamoDueTimes implements DueTimes {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { complaints: () => string; state: () => string },
    /** Buckets of the sparse due indexes (config `scale.dueIndexBuckets`). */
    private readonly dueIndexBuckets: number,
  ) {}

  nextSweepAt(): Promise<Date | undefined> {
    return this.#firstInIndex('bySweepAt');
  }

  nextSurveyAt(): Promise<Date | undefined> {
    return this.#firstInIndex('bySurveyDue');
  }

  nextHeldSlaSmsAt(): Promise<Date | undefined> {
    return this.#firstQueued(HELD_PK);
  }

  nextHeldAlertSmsAt(): Promise<Date | undefined> {
    return this.#firstQueued(SMS_QUEUE_PK);
  }

  async #firstInIndex(index: Exclude<BucketedIndex, 'openAlerts'>): Promise<Date | undefined> {
    const keys = bucketedIndexKeys(index);
    const res = await queryBucketsMerged(this.doc, {
      input: { TableName: this.tables.complaints(), IndexName: index, KeyConditionExpression: '#bucket = :bucket', ExpressionAttributeNames: { '#bucket': keys.partition } },
      buckets: bucketValues(index, this.dueIndexBuckets),
      sortAttr: keys.sort,
      keyAttrs: ['id', keys.partition, keys.sort],
      limit: 1,
    });
    const at = res.items[0]?.[keys.sort];
    return typeof at === 'string' ? new Date(at) : undefined;
  }

  /** The send time of a queue partition's first key (functions/adapters/time-queue.ts). */
  async #firstQueued(pk: string): Promise<Date | undefined> {
    const res = await this.doc.send(
      new QueryCommand({ TableName: this.tables.state(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ProjectionExpression: 'sk', Limit: 1 }),
    );
    const sk = res.Items?.[0]?.sk;
    return typeof sk === 'string' ? sendTimeOfKey(sk) : undefined;
  }
}

/** The scheduled functions' due times (only the SLA sweeper, survey dispatcher and alert evaluator wire it). */
export const dueTimesStore: StoreFactory<'dueTimes'> = (ctx) =>
  new DynamoDueTimes(ctx.doc, { complaints: () => ctx.table('complaints'), state: () => ctx.table('state') }, ctx.config.scale.dueIndexBuckets);

import type { AttributeValue as SdkAttributeValue, _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/*
 * What crosses between the local stream poller and a handler, in Lambda's shapes: the event's
 * records, the invocation's context, the handler's batch response and the on-failure message. The
 * poller's state machine (stream-poller.ts) changes with how it reads shards; this file changes only
 * when Lambda's contract does.
 */

/**
 * A stream consumer as the local runtime invokes it: the Lambda handler module's `handler`.
 * It may return a `DynamoDBBatchResponse` (partial batch failure), nothing, or a promise of either.
 */
export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => unknown;

/**
 * What Lambda sends to an SQS or SNS on-failure destination when it gives up on a batch from a
 * DynamoDB stream: metadata only, enough to find the records again in the stream.
 */
export interface StreamBatchFailure {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    /** 200 when the function was invoked (errors included); 0 when the records aged out before any invocation. */
    readonly statusCode: number;
    readonly executedVersion: string;
    /** `Unhandled` when the last invocation threw; absent when it returned a batch item failure. */
    readonly functionError?: string;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** How the event source mapping reads a handler's answer for one batch. */
export type BatchOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly index: number }
  | { readonly kind: 'failure'; readonly reason: string };

/**
 * Lambda's rules for a response when ReportBatchItemFailures is on: nothing, `{}` or an empty or
 * null list is success; an item without a usable `itemIdentifier` fails the whole batch; otherwise
 * processing resumes at the lowest failed sequence number.
 */
export function interpretBatchResponse(response: unknown, batch: readonly DynamoDBRecord[]): BatchOutcome {
  if (response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'failure', reason: `the handler returned ${JSON.stringify(response)}, not a batch response` };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  let lowest: number | undefined;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return { kind: 'failure', reason: 'a batch item failure has no itemIdentifier' };
    const index = batch.findIndex((r) => r.dynamodb?.SequenceNumber === id);
    if (index < 0) return { kind: 'failure', reason: `itemIdentifier ${id} is not a sequence number in this batch` };
    lowest = lowest === undefined ? index : Math.min(lowest, index);
  }
  return { kind: 'partial', index: lowest ?? 0 };
}

/**
 * Reshapes a record from GetRecords into exactly what Lambda delivers: the SDK turns
 * ApproximateCreationDateTime into a Date and binary values into bytes, where Lambda passes epoch
 * seconds and base64 text, and GetRecords leaves out eventSourceARN.
 */
export function toLambdaRecord(raw: SdkRecord, streamArn: string, fallbackRegion: string): DynamoDBRecord {
  const d = raw.dynamodb ?? {};
  const record: DynamoDBRecord = {
    eventID: raw.eventID,
    eventName: raw.eventName,
    eventVersion: raw.eventVersion ?? '1.1',
    eventSource: raw.eventSource ?? 'aws:dynamodb',
    awsRegion: raw.awsRegion ?? fallbackRegion,
    dynamodb: {
      ...(d.ApproximateCreationDateTime !== undefined && { ApproximateCreationDateTime: d.ApproximateCreationDateTime.getTime() / 1000 }),
      ...(d.Keys !== undefined && { Keys: toLambdaImage(d.Keys) }),
      ...(d.NewImage !== undefined && { NewImage: toLambdaImage(d.NewImage) }),
      ...(d.OldImage !== undefined && { OldImage: toLambdaImage(d.OldImage) }),
      ...(d.SequenceNumber !== undefined && { SequenceNumber: d.SequenceNumber }),
      ...(d.SizeBytes !== undefined && { SizeBytes: d.SizeBytes }),
      ...(d.StreamViewType !== undefined && { StreamViewType: d.StreamViewType }),
    },
    eventSourceARN: streamArn,
  };
  // TTL deletions carry the service as their identity; handlers tell them apart by it.
  if (raw.userIdentity !== undefined) record.userIdentity = { type: raw.userIdentity.Type, principalId: raw.userIdentity.PrincipalId };
  return record;
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaAttribute(v)]));
}

function toLambdaAttribute(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new TypeError(`unknown attribute value type: ${JSON.stringify(value)}`);
}

/**
 * A Lambda context for a local invocation, so handlers that log or read it work unchanged. Its
 * remaining time counts down on `now`; with `sleep` (the simulated clock's) it also carries a way to
 * wait on that same clock, which Lambda's context does not have (functions/adapters/held-claim-wait.ts).
 */
export function lambdaContext(fn: {
  functionName: string;
  functionArn: string;
  awsRequestId: string;
  timeoutSeconds: number;
  memoryMb: number;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}): Context & { readonly sleep?: (ms: number) => Promise<void> } {
  const deadline = fn.now() + fn.timeoutSeconds * 1000;
  return {
    ...(fn.sleep && { sleep: fn.sleep }),
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.functionArn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: fn.awsRequestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - fn.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

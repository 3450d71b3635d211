import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamPoller } from '../../functions/local/stream-poller.ts';
import type { StreamTrigger } from '../../functions/pipeline.ts';

// DynamoDB Local keeps one shard per table forever, so shard rollover is exercised against a fake stream.

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/complaints/stream/2026-03-01T00:00:00.000';

interface FakeShard {
  readonly id: string;
  readonly parent?: string;
  readonly records: _Record[];
  closed: boolean;
}

/** An in-memory stream with DynamoDB's iterator rules; iterators are `<shard>|<index of next record>`. */
class FakeStream {
  readonly shards: FakeShard[] = [];
  #seq = 0;
  expireNext = false;

  add(shardId: string, id: string): void {
    const shard = this.shards.find((s) => s.id === shardId);
    if (!shard || shard.closed) throw new Error(`shard ${shardId} is not open`);
    this.#seq++;
    shard.records.push({
      eventID: `e${this.#seq}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date(),
        Keys: { id: { S: id } },
        NewImage: { id: { S: id } },
        SequenceNumber: String(this.#seq).padStart(21, '0'),
        SizeBytes: 10,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  }

  describe(): Shard[] {
    return this.shards.map((s) => ({
      ShardId: s.id,
      ...(s.parent !== undefined && { ParentShardId: s.parent }),
      SequenceNumberRange: {
        StartingSequenceNumber: s.records[0]?.dynamodb?.SequenceNumber ?? '0',
        ...(s.closed && { EndingSequenceNumber: s.records.at(-1)?.dynamodb?.SequenceNumber ?? '0' }),
      },
    }));
  }

  iterator(shardId: string, type: string, sequenceNumber?: string): string {
    const shard = this.shards.find((s) => s.id === shardId);
    if (!shard) throw new Error(`no shard ${shardId}`);
    if (type === 'TRIM_HORIZON') return `${shardId}|0`;
    if (type === 'LATEST') return `${shardId}|${shard.records.length}`;
    const index = shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === sequenceNumber);
    return `${shardId}|${index + 1}`;
  }

  get(iterator: string): { Records: _Record[]; NextShardIterator?: string } {
    if (this.expireNext) {
      this.expireNext = false;
      throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
    }
    const [shardId = '', at = '0'] = iterator.split('|');
    const shard = this.shards.find((s) => s.id === shardId);
    if (!shard) throw new Error(`no shard ${shardId}`);
    const records = shard.records.slice(Number(at));
    const next = Number(at) + records.length;
    return shard.closed && next >= shard.records.length ? { Records: records } : { Records: records, NextShardIterator: `${shardId}|${next}` };
  }
}

// Mocks every DynamoDBStreamsClient of the process (its prototype) until restored: later files in
// this worker read real streams.
const streamsMock = mockClient(DynamoDBStreamsClient);
afterAll(() => streamsMock.restore());
let stream: FakeStream;
let poller: StreamPoller | undefined;

beforeEach(() => {
  stream = new FakeStream();
  streamsMock.reset();
  streamsMock.on(DescribeStreamCommand).callsFake(() => ({ StreamDescription: { StreamArn: STREAM_ARN, Shards: stream.describe() } }));
  streamsMock
    .on(GetShardIteratorCommand)
    .callsFake((input) => ({ ShardIterator: stream.iterator(input.ShardId, input.ShardIteratorType, input.SequenceNumber) }));
  streamsMock.on(GetRecordsCommand).callsFake((input) => stream.get(input.ShardIterator));
});

afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

const trigger: StreamTrigger = {
  kind: 'stream',
  table: 'complaints',
  filterPatterns: [],
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  retryAttempts: 0,
  maxRecordAgeSeconds: -1,
  bisectBatchOnError: false,
  reportBatchItemFailures: true,
  parallelizationFactor: 1,
};

function startPoller(startingPosition: 'LATEST' | 'TRIM_HORIZON' = 'LATEST') {
  const delivered: string[] = [];
  poller = new StreamPoller({
    streams: new DynamoDBStreamsClient({ region: 'eu-west-1' }),
    streamArn: STREAM_ARN,
    trigger,
    name: 'fake',
    handler: async (event: DynamoDBStreamEvent) => {
      delivered.push(...event.Records.map((r) => r.dynamodb?.Keys?.id?.S ?? '?'));
    },
    onFailure: () => undefined,
    pollIntervalMs: 5,
    startingPosition,
    log: () => undefined,
  });
  return { poller, delivered };
}

describe('StreamPoller shard handling', () => {
  it('reads a shard that replaces a closed one from its beginning, after finishing the parent', async () => {
    stream.shards.push({ id: 'shard-1', records: [], closed: false });
    stream.add('shard-1', 'before-start');
    const { poller, delivered } = startPoller();
    await poller.start();

    stream.add('shard-1', 'a');
    stream.add('shard-1', 'b');
    // Roll over: the parent closes and a child takes the writes, as DynamoDB does every few hours.
    stream.shards[0]!.closed = true;
    stream.shards.push({ id: 'shard-2', parent: 'shard-1', records: [], closed: false });
    stream.add('shard-2', 'c');
    stream.add('shard-2', 'd');
    await poller.idle(5_000);

    expect(delivered).toEqual(['a', 'b', 'c', 'd']);
  });

  it('with LATEST skips shards closed before start; with TRIM_HORIZON replays them in order', async () => {
    stream.shards.push({ id: 'old', records: [], closed: false });
    stream.add('old', 'o1');
    stream.shards[0]!.closed = true;
    stream.shards.push({ id: 'new', parent: 'old', records: [], closed: false });
    stream.add('new', 'n1');

    const latest = startPoller('LATEST');
    await latest.poller.start();
    stream.add('new', 'n2');
    await latest.poller.idle(5_000);
    expect(latest.delivered).toEqual(['n2']);
    await latest.poller.stop();

    const replay = startPoller('TRIM_HORIZON');
    await replay.poller.start();
    await replay.poller.idle(5_000);
    expect(replay.delivered).toEqual(['o1', 'n1', 'n2']);
  });

  it('resumes after the last record read when the iterator expires', async () => {
    stream.shards.push({ id: 'shard-1', records: [], closed: false });
    const { poller, delivered } = startPoller();
    await poller.start();
    stream.add('shard-1', 'a');
    await poller.idle(5_000);

    stream.expireNext = true;
    stream.add('shard-1', 'b');
    await poller.idle(5_000);

    expect(delivered).toEqual(['a', 'b']);
  });

  it('reshapes records exactly as Lambda delivers them, with the stream ARN and epoch seconds', async () => {
    stream.shards.push({ id: 'shard-1', records: [], closed: false });
    const events: DynamoDBStreamEvent[] = [];
    poller = new StreamPoller({
      streams: new DynamoDBStreamsClient({ region: 'eu-west-1' }),
      streamArn: STREAM_ARN,
      trigger,
      name: 'fake',
      handler: async (event: DynamoDBStreamEvent) => {
        events.push(event);
      },
      onFailure: () => undefined,
      pollIntervalMs: 5,
    });
    await poller.start();
    stream.add('shard-1', 'a');
    const raw = stream.shards[0]!.records[0]!;
    await poller.idle(5_000);

    expect(events[0]?.Records[0]).toEqual({
      eventID: raw.eventID,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: raw.dynamodb!.ApproximateCreationDateTime!.getTime() / 1000,
        Keys: { id: { S: 'a' } },
        NewImage: { id: { S: 'a' } },
        SequenceNumber: raw.dynamodb!.SequenceNumber,
        SizeBytes: 10,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: STREAM_ARN,
    });
  });
});

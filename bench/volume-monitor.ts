import { marshall } from '@aws-sdk/util-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { buildRuntime, setRuntime } from '../functions/adapters/runtime.ts';
import { allStores } from '../functions/adapters/dynamodb-stores.ts';
import { bucketOf } from '../functions/domain/volume.ts';
import { handler } from '../functions/handlers/volume-monitor.ts';
import { createTables } from '../functions/local/create-tables.ts';
import { localDynamoClients, startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { Outbox } from '../functions/local/outbox.ts';
import { RecordedEvents } from '../functions/local/recorded-events.ts';
import { SimulatedClock } from '../functions/local/simulated-clock.ts';
import { functions } from '../functions/pipeline.ts';
import { countWrites } from './write-counter.ts';

const COMPLAINTS = 10_000;
/** The deployed mapping's batch size. */
const BATCH_SIZE = functions.volumeMonitor.trigger.kind === 'stream' ? functions.volumeMonitor.trigger.batchSize : 100;
/** The burst arrives over ten minutes: 1,000 complaints a minute in one category. */
const BURST_MINUTES = 10;
const CATEGORY = 'logistics-delay';

function streamRecord(i: number, start: number, streamArn: string): DynamoDBRecord {
  const receivedAt = new Date(start + Math.floor((i * BURST_MINUTES * 60_000) / COMPLAINTS)).toISOString();
  const image = { entity: 'complaint', id: `BENCH${String(i).padStart(8, '0')}`, category: CATEGORY, receivedAt, description: '快递延迟' };
  return {
    eventID: `e${i}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.parse(receivedAt) / 1000),
      Keys: { id: { S: image.id } },
      NewImage: marshall(image) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(i)),
      SizeBytes: 200,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

export interface VolumeBenchResult {
  bench: 'volume-monitor';
  complaints: number;
  batchSize: number;
  /** Every item write: counters, rollups, counted marks and incident writes. */
  writesPerComplaint: number;
  /** Writes to the shared counter items (minute counters, hourly rollups) and incidents: the hot keys. */
  counterWritesPerComplaint: number;
  /** One counted mark per complaint, each its own item (spread over partitions). */
  markWritesPerComplaint: number;
  naiveWritesPerComplaint: number;
  /** Naive counter writes over ours: how much less the hot counter items are written. */
  ratio: number;
  alerts: number;
}

/**
 * The volume monitor's DynamoDB item writes per complaint for a 10,000-complaint burst in one category
 * at the mapping's batch size, against a naive monitor that writes its counter once per complaint,
 * both on DynamoDB Local in the same run. The ratio compares writes to the shared counter items (the
 * per-item write limit is what a burst hits); the total, with one counted mark per complaint on its
 * own item, is reported beside it.
 */
export async function benchVolumeMonitor(log: (line: string) => void): Promise<VolumeBenchResult> {
  const config = loadConfigFile();
  const dynamo = await startDynamoDbLocal();
  try {
    const clients = localDynamoClients(dynamo.endpoint);
    const tableNames = { complaints: 'bench-complaints', state: 'bench-state' };
    const created = await createTables(clients.dynamo, tableNames);
    const streamArn = created.complaints.streamArn ?? 'arn:local:stream';
    const start = Date.parse('2026-11-20T02:00:00.000Z');
    const clock = new SimulatedClock(new Date(start));
    const counter = countWrites(clients.doc);
    const outbox = new Outbox(config, clock);
    setRuntime(buildRuntime({ stores: allStores, config, clock, doc: clients.doc, tableNames, notifier: outbox, events: new RecordedEvents('bench') }));

    const records = Array.from({ length: COMPLAINTS }, (_, i) => streamRecord(i, start, streamArn));
    const batches: DynamoDBStreamEvent[] = [];
    for (let i = 0; i < records.length; i += BATCH_SIZE) batches.push({ Records: records.slice(i, i + BATCH_SIZE) });

    const t0 = performance.now();
    for (const batch of batches) {
      const last = batch.Records.at(-1)!;
      clock.set(new Date(last.dynamodb!.ApproximateCreationDateTime! * 1000 + 999));
      const res = await handler(batch);
      if (res.batchItemFailures.length) throw new Error('benchmark batch reported failures');
    }
    const pipelineMs = performance.now() - t0;
    const writes = counter.writes();
    const alerts = new Set(outbox.entries().flatMap((e) => (e.kind === 'alert' ? [e.alertId] : []))).size;
    log(`volume monitor: ${writes} item writes for ${COMPLAINTS} complaints in ${batches.length} batches (${pipelineMs.toFixed(0)} ms), ${alerts} alert incident(s) notified`);

    // Naive baseline: the same counters, one write per complaint.
    counter.reset();
    const t1 = performance.now();
    for (const r of records) {
      const receivedAt = new Date(r.dynamodb!.ApproximateCreationDateTime! * 1000);
      await clients.doc.send(
        new UpdateCommand({
          TableName: tableNames.state,
          Key: { pk: `NAIVE#${CATEGORY}`, sk: bucketOf(receivedAt) },
          UpdateExpression: 'ADD #count :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    }
    const naiveMs = performance.now() - t1;
    const naiveWrites = counter.writes();
    log(`naive monitor:  ${naiveWrites} item writes for ${COMPLAINTS} complaints (${naiveMs.toFixed(0)} ms)`);

    const writesPerComplaint = writes / COMPLAINTS;
    // Each counted complaint has exactly one mark; everything else goes to shared items.
    const markWritesPerComplaint = 1;
    const counterWritesPerComplaint = (writes - COMPLAINTS) / COMPLAINTS;
    const naiveWritesPerComplaint = naiveWrites / COMPLAINTS;
    return {
      bench: 'volume-monitor',
      complaints: COMPLAINTS,
      batchSize: BATCH_SIZE,
      writesPerComplaint,
      counterWritesPerComplaint,
      markWritesPerComplaint,
      naiveWritesPerComplaint,
      ratio: Math.round((naiveWritesPerComplaint / counterWritesPerComplaint) * 10) / 10,
      alerts,
    };
  } finally {
    setRuntime(undefined);
    await dynamo.stop();
  }
}

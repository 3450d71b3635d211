import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { DynamoComplaintRepository } from '../functions/adapters/dynamodb-complaint-repository.ts';
import { buildRuntime } from '../functions/adapters/runtime.ts';
import { allStores } from '../functions/adapters/dynamodb-stores.ts';
import { createComplaint, type Complaint } from '../functions/domain/complaint.ts';
import type { PipelineConfig, Severity } from '../functions/domain/config.ts';
import { ulid } from '../functions/domain/ids.ts';
import { applyEvent } from '../functions/domain/lifecycle.ts';
import { calendarOf } from '../functions/domain/sla.ts';
import { createTables } from '../functions/local/create-tables.ts';
import { localDynamoClients, startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { Outbox } from '../functions/local/outbox.ts';
import { RecordedEvents } from '../functions/local/recorded-events.ts';
import { SimulatedClock } from '../functions/local/simulated-clock.ts';
import type { TableName } from '../functions/pipeline.ts';
import { sweepSla } from '../functions/use-cases/sweep-sla.ts';

/** Complaints whose next SLA action has come, in every table size. */
const DUE = 100;
const SMALL = 1_000;
const LARGE = 100_000;
/** BatchWriteItem's per-request maximum. */
const BATCH = 25;
/** Requests in flight while loading: enough to keep DynamoDB Local busy on two cores without queueing up. */
const IN_FLIGHT = 8;
const MAX_BATCH_ATTEMPTS = 10;
/** About 3,000 items per segment at 100,000: one or two 1 MB pages each (see scanSweep). */
const SCAN_SEGMENTS = 32;
/** The sweep runs at this fixed instant; every complaint is received relative to it. */
const NOW = new Date('2026-11-18T06:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Kind = 'due' | 'recent' | 'resolved';

/**
 * Complaint `i` of a table: the first DUE are critical and two days old (their warning and
 * escalations are long due); the rest alternate between received within the last hour at low
 * severity (in the sweep index, but with a future sweep time) and resolved a few days ago (out of
 * the sweep index altogether), so the benchmark covers both ways of not being due.
 */
function kindOf(i: number): Kind {
  if (i < DUE) return 'due';
  return i % 2 === 0 ? 'recent' : 'resolved';
}

/**
 * Builds complaint `i` through the domain, exactly as intake and agent events would.
 * @param categories categories of round-the-clock departments, used in turn
 */
function complaintOf(i: number, config: PipelineConfig, categories: readonly string[]): Complaint {
  const kind = kindOf(i);
  const category = categories[i % categories.length]!;
  const severity: Severity = kind === 'due' ? 'critical' : 'low';
  const receivedAt = new Date(
    kind === 'due' ? NOW.getTime() - 2 * DAY + i * 1_000 : kind === 'recent' ? NOW.getTime() - HOUR + (i % 3_600) * 1_000 : NOW.getTime() - 5 * DAY + (i % 3_600) * 1_000,
  );
  // Deterministic ids: a rerun loads the same table, and the index order never depends on chance.
  const random = Buffer.alloc(10);
  random.writeUInt32BE(i, 6);
  const created = createComplaint(
    {
      channel: 'web',
      customer: { id: `bench-customer-${i % 20_000}` },
      description: `Benchmark complaint ${i}: parcel late and no tracking update.`,
      category,
      severity,
    },
    config,
    receivedAt,
    ulid(receivedAt, random),
  );
  if (!created.ok) throw new Error(`bench complaint ${i} rejected: ${created.error.kind}`);
  let complaint = created.complaint;
  if (kind === 'resolved') {
    for (const [type, afterMs] of [['acknowledge', HOUR], ['start', 2 * HOUR], ['resolve', DAY]] as const) {
      const next = applyEvent(complaint, { type, actor: 'agent:bench' }, new Date(receivedAt.getTime() + afterMs), config);
      if (!next.ok) throw new Error(`bench complaint ${i}: ${type} rejected in status ${next.error.status}`);
      complaint = next.complaint;
    }
  }
  const due = complaint.sla.nextActionAt !== undefined && Date.parse(complaint.sla.nextActionAt) <= NOW.getTime();
  if (due !== (kind === 'due')) throw new Error(`bench complaint ${i} (${kind}) is ${due ? '' : 'not '}due at ${NOW.toISOString()}`);
  return complaint;
}

/**
 * The stored items for these complaints, made by the real repository. Its item mapping (customerId
 * and the sparse dueBucket/dueAt and sweepBucket/sweepAt keys) is private to the adapter, so we let
 * it build the Put it would send and keep the item, rather than copy the mapping and let it drift.
 */
async function storedItems(complaints: readonly Complaint[], config: PipelineConfig): Promise<Record<string, unknown>[]> {
  // One sink per call: concurrent loaders must not see each other's items.
  const sink: Record<string, unknown>[] = [];
  const capture = {
    send: async (command: unknown) => {
      if (!(command instanceof PutCommand) || command.input.Item === undefined) throw new Error('expected the repository to send a PutCommand');
      sink.push(command.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const repo = new DynamoComplaintRepository(capture, { complaints: 'capture', state: 'capture' }, config.scale.dueIndexBuckets);
  for (const complaint of complaints) await repo.create(complaint);
  return sink;
}

/** One BatchWriteItem, resending what DynamoDB hands back unprocessed with exponential backoff. */
async function batchPut(doc: DynamoDBDocumentClient, table: string, items: readonly Record<string, unknown>[]): Promise<void> {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 1; requests.length > 0; attempt++) {
    if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`${requests.length} items still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
    if (attempt > 1) await sleep(Math.min(1_000, 25 * 2 ** attempt));
    const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    requests = (res.UnprocessedItems?.[table] ?? []).flatMap((r) => (r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : []));
  }
}

/**
 * Loads complaints `from` .. `to - 1` with IN_FLIGHT BatchWriteItem requests in flight.
 * @returns how many of them are due
 */
async function load(
  doc: DynamoDBDocumentClient,
  table: string,
  from: number,
  to: number,
  make: (i: number) => Complaint,
  config: PipelineConfig,
  log: (line: string) => void,
): Promise<number> {
  const batches = Math.ceil((to - from) / BATCH);
  const progressEvery = Math.max(BATCH, Math.ceil((to - from) / 10 / BATCH) * BATCH);
  let nextBatch = 0;
  let written = 0;
  let due = 0;
  const t0 = performance.now();
  const worker = async () => {
    // Each worker takes the next batch number synchronously, so no batch is written twice.
    for (let b = nextBatch++; b < batches; b = nextBatch++) {
      const start = from + b * BATCH;
      const complaints = Array.from({ length: Math.min(BATCH, to - start) }, (_, k) => make(start + k));
      due += complaints.filter((_, k) => kindOf(start + k) === 'due').length;
      await batchPut(doc, table, await storedItems(complaints, config));
      const before = written;
      written += complaints.length;
      if (Math.floor(written / progressEvery) > Math.floor(before / progressEvery) || written === to - from) {
        log(`  loaded ${written.toLocaleString('en')}/${(to - from).toLocaleString('en')} complaints (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return due;
}

/**
 * The naive sweeper: Scan the whole table and filter on the next action time. DynamoDB bills (and
 * reads) every scanned item, the filter only shrinks what comes back.
 *
 * The Scan is split into SCAN_SEGMENTS parallel-scan segments, read one after the other. Every item
 * lies in exactly one segment, so the items read are those of one plain Scan. DynamoDB Local's time
 * per 1 MB page grows with the items after it (the first page of 20,000 items took about 1 s, the
 * last 20 ms), so one plain Scan of 100,000 items takes minutes there (3.5 on a two-core machine);
 * small segments keep it to seconds.
 */
async function scanSweep(doc: DynamoDBDocumentClient, table: string): Promise<{ itemsRead: number; due: number; pages: number }> {
  let itemsRead = 0;
  let due = 0;
  let pages = 0;
  for (let segment = 0; segment < SCAN_SEGMENTS; segment++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await doc.send(
        new ScanCommand({
          TableName: table,
          Segment: segment,
          TotalSegments: SCAN_SEGMENTS,
          FilterExpression: '#sla.#next <= :now',
          ExpressionAttributeNames: { '#sla': 'sla', '#next': 'nextActionAt' },
          ExpressionAttributeValues: { ':now': NOW.toISOString() },
          ExclusiveStartKey: startKey,
        }),
      );
      itemsRead += res.ScannedCount ?? 0;
      due += res.Count ?? 0;
      pages += 1;
      startKey = res.LastEvaluatedKey;
    } while (startKey);
  }
  return { itemsRead, due, pages };
}

/** One table size's measurements. */
interface SizeResult {
  readonly reads: number;
  readonly scanReads: number;
  readonly loadMs: number;
}

export interface SlaSweepBenchResult {
  bench: 'sla-sweep';
  due: number;
  /** Partition values of the sweep index (config `scale.dueIndexBuckets`), each queried once or more per sweep. */
  buckets: number;
  readsAt1k: number;
  readsAt100k: number;
  scanReadsAt100k: number;
  scanReadsAt1k: number;
  /** How many times more items the Scan reads than the index query at 100,000 complaints. */
  ratioAt100k: number;
  /** Wall time to load the 100,000-complaint table. */
  loadSecondsAt100k: number;
  loadItemsPerSecond: number;
}

/**
 * Items read by one SLA sweep (the use case, through the real repository's sparse-index queries over
 * every bucket) with
 * exactly 100 complaints due among 1,000 and among 100,000, against a naive Scan-with-filter sweeper
 * over the same tables, all on DynamoDB Local in the same run.
 */
export async function benchSlaSweep(log: (line: string) => void): Promise<SlaSweepBenchResult> {
  const config = loadConfigFile();
  // Round-the-clock departments only: business-hours arithmetic costs about 3 ms per complaint
  // (Intl time-zone formatting, day by day), which would make building 100,000 complaints take
  // minutes; the sweep index does not care which department a complaint is in.
  const categories = config.categories.filter((c) => calendarOf(config, c.department) === undefined).map((c) => c.id);
  if (categories.length === 0) throw new Error('the bench needs a category whose department works around the clock');
  const make = (i: number) => complaintOf(i, config, categories);
  const dynamo = await startDynamoDbLocal();
  try {
    const clients = localDynamoClients(dynamo.endpoint);
    const measure = async (size: number): Promise<SizeResult> => {
      const tableNames: Record<TableName, string> = { complaints: `bench-sla-${size}-complaints`, state: `bench-sla-${size}-state` };
      await createTables(clients.dynamo, tableNames);
      const t0 = performance.now();
      const due = await load(clients.doc, tableNames.complaints, 0, size, make, config, log);
      const loadMs = performance.now() - t0;
      if (due !== DUE) throw new Error(`loaded ${due} due complaints, expected ${DUE}`);

      // The Scan first: the sweep below acts on the due complaints and so takes them out of "due".
      const t1 = performance.now();
      const scan = await scanSweep(clients.doc, tableNames.complaints);
      const scanMs = performance.now() - t1;
      if (scan.due !== DUE) throw new Error(`the Scan found ${scan.due} due complaints, expected ${DUE}`);

      const clock = new SimulatedClock(NOW);
      const runtime = buildRuntime({ stores: allStores, config, clock, doc: clients.doc, tableNames, notifier: new Outbox(config, clock), events: new RecordedEvents('bench') });
      const t2 = performance.now();
      const sweep = await sweepSla(runtime);
      const sweepMs = performance.now() - t2;
      if (sweep.due !== DUE) throw new Error(`the sweep found ${sweep.due} due complaints, expected ${DUE}`);

      const label = size.toLocaleString('en').padStart(7);
      log(
        `sla sweep @ ${label} complaints: index queries over ${config.scale.dueIndexBuckets} buckets read ${sweep.itemsRead} items for ${sweep.due} due ` +
          `(${sweep.warnings} warnings, ${sweep.escalations} escalations, ${sweepMs.toFixed(0)} ms incl. sends and writes)`,
      );
      log(
        `naive scan @ ${label} complaints: read ${scan.itemsRead} items in ${scan.pages} pages (${SCAN_SEGMENTS} segments) for ${scan.due} due (${scanMs.toFixed(0)} ms)`,
      );
      return { reads: sweep.itemsRead, scanReads: scan.itemsRead, loadMs };
    };

    log(`sla sweep: loading ${SMALL.toLocaleString('en')} complaints (${DUE} due) into DynamoDB Local`);
    const small = await measure(SMALL);
    log(`sla sweep: loading ${LARGE.toLocaleString('en')} complaints (${DUE} due), ${BATCH} per BatchWriteItem, ${IN_FLIGHT} in flight`);
    const large = await measure(LARGE);
    const loadSeconds = large.loadMs / 1000;
    log(`sla sweep: loaded ${LARGE.toLocaleString('en')} complaints in ${loadSeconds.toFixed(1)} s (${Math.round(LARGE / loadSeconds)} items/s)`);

    return {
      bench: 'sla-sweep',
      due: DUE,
      buckets: config.scale.dueIndexBuckets,
      readsAt1k: small.reads,
      readsAt100k: large.reads,
      scanReadsAt100k: large.scanReads,
      scanReadsAt1k: small.scanReads,
      ratioAt100k: Math.round((large.scanReads / large.reads) * 10) / 10,
      loadSecondsAt100k: Math.round(loadSeconds * 10) / 10,
      loadItemsPerSecond: Math.round(LARGE / loadSeconds),
    };
  } finally {
    await dynamo.stop();
  }
}

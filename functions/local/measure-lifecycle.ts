import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient, ListTablesCommand, ScanCommand, type AttributeValue, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { topicSubscribers } from './outbox.ts';
import { nextFireAfter } from './schedule-expression.ts';
import { startLocalPipeline, type LocalPipeline } from './local-pipeline.ts';
import type { LocalInstrumentation } from './instrumentation.ts';
import type { PipelineConfig } from '../domain/config.ts';
import type { TextModel } from '../domain/text-model.ts';
import { addUsage, scaleUsage, ZERO_FUNCTION, ZERO_USAGE, type FunctionShape, type FunctionUsage, type LifecycleProfile, type SdkCalls, type Usage } from '../domain/cost-model.ts';
import { functions, projectionOf, tables, type FunctionName, type TableName } from '../pipeline.ts';

/** DynamoDB's per-item (and per index entry) storage overhead in bytes. */
const ITEM_OVERHEAD_BYTES = 100;
const MONTH_MS = (730 / 24) * 86_400_000;
const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const CAPACITY_COMMANDS = new Set([...READ_COMMANDS, 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/** Thrown when the representative lifecycle does not go as a real one would (so nothing is priced from it). */
export class LifecycleMeasurementError extends Error {
  override readonly name = 'LifecycleMeasurementError';
}

/** Size of a DynamoDB attribute value as DynamoDB counts it (UTF-8 strings, numbers ~ digits/2 + 1). */
export function attributeValueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S, 'utf8');
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((s, x) => s + Buffer.byteLength(x, 'utf8'), 0);
  if (v.NS) return v.NS.reduce((s, x) => s + attributeValueSize({ N: x }), 0);
  if (v.BS) return v.BS.reduce((s, x) => s + x.length, 0);
  // Lists and maps: 3 bytes plus 1 per element, plus the elements (and the map's names).
  if (v.L) return 3 + v.L.reduce((s, x) => s + 1 + attributeValueSize(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k, 'utf8') + attributeValueSize(x), 0);
  return 0;
}

/** Size of an item as DynamoDB counts it: names plus values. */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((s, [k, v]) => s + Buffer.byteLength(k, 'utf8') + attributeValueSize(v), 0);
}

/**
 * Bytes an item occupies with the index entries it appears in (functions/pipeline.ts: ALL projects
 * the whole item, INCLUDE and KEYS_ONLY the table and index keys plus any included attributes), each with
 * DynamoDB's 100-byte overhead.
 */
export function storedBytes(table: TableName, item: Record<string, AttributeValue>): number {
  const def = tables[table];
  let bytes = itemSize(item) + ITEM_OVERHEAD_BYTES;
  for (const ix of def.indexes) {
    if (item[ix.partitionKey.name] === undefined || (ix.sortKey && item[ix.sortKey.name] === undefined)) continue;
    const projection = projectionOf(ix);
    if (projection.type === 'ALL') {
      bytes += itemSize(item) + ITEM_OVERHEAD_BYTES;
      continue;
    }
    const included = projection.nonKeyAttributes ?? [];
    const names = new Set([def.partitionKey.name, def.sortKey?.name, ix.partitionKey.name, ix.sortKey?.name, ...included].filter((n): n is string => n !== undefined));
    bytes += itemSize(Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k)))) + ITEM_OVERHEAD_BYTES;
  }
  return bytes;
}

/** Schedule runs in a 730-hour month, from the expression (rate or cron). */
export function runsPerMonth(expression: string, from = new Date(Date.UTC(2026, 0, 1))): number {
  let runs = 0;
  const end = from.getTime() + MONTH_MS;
  for (let t = nextFireAfter(expression, from); t.getTime() <= end; t = nextFireAfter(expression, t)) runs += 1;
  return runs;
}

/** `u` with every negative count raised to zero (differences of noisy measurements). */
export function clampUsage(u: Usage): Usage {
  const pos = (x: number) => Math.max(0, x);
  const posRecord = (r: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, pos(v)]));
  return {
    ...u,
    functions: Object.fromEntries(
      Object.entries(u.functions).map(([name, f]) => [
        name,
        {
          invocations: pos(f.invocations),
          records: pos(f.records),
          cpuMs: pos(f.cpuMs),
          sdkCalls: { dynamodb: pos(f.sdkCalls.dynamodb), eventBridge: pos(f.sdkCalls.eventBridge), ses: pos(f.sdkCalls.ses), sns: pos(f.sdkCalls.sns) },
          logBytes: pos(f.logBytes),
          logEvents: pos(f.logEvents),
        },
      ]),
    ),
    dynamodb: { readRequests: pos(u.dynamodb.readRequests), writeRequests: pos(u.dynamodb.writeRequests), readUnits: pos(u.dynamodb.readUnits), writeUnits: pos(u.dynamodb.writeUnits) },
    writeUnitsBy: posRecord(u.writeUnitsBy),
    readUnitsBy: posRecord(u.readUnitsBy),
    requestsBy: posRecord(u.requestsBy),
  };
}

/** Each function's memory and trigger from functions/pipeline.ts (the one description); a schedule set in the config reads it. */
export function functionShapes(config: PipelineConfig): Record<string, FunctionShape> {
  return Object.fromEntries(
    Object.entries(functions).map(([name, def]) => {
      const t = def.trigger;
      const shape: FunctionShape =
        t.kind === 'stream'
          ? { memoryMb: def.memoryMb, trigger: 'stream', batchSize: t.batchSize, batchingWindowSeconds: t.maxBatchingWindowSeconds }
          : t.kind === 'schedule' || t.kind === 'companySchedule'
            ? { memoryMb: def.memoryMb, trigger: 'schedule', runsPerMonth: runsPerMonth(t.kind === 'schedule' ? t.expression : t.expression(config)) }
            : { memoryMb: def.memoryMb, trigger: t.kind };
      return [name, def.access.linkKeys ? { ...shape, readsSecret: true } : shape];
    }),
  );
}

interface Invocation {
  readonly name: FunctionName;
  cpuMs: number;
  /** What this invocation did, added to the meter's tallies when it ends. */
  usage: Usage;
  /** It wrote to DynamoDB (or tried to), sent a message or put an event. */
  acted: boolean;
}

/**
 * Counts what every function does through the local runtime's hooks. Each invocation counts into its
 * own tally; when it ends, an idle run's tally goes to `idle`, every other one to `usage`. A stretch
 * of simulated time runs a scheduled function hundreds of times (every minute for a week before a
 * survey is due), so telling its idle runs apart per run, instead of subtracting an average idle run
 * from all of them, keeps their CPU noise (a fraction of a millisecond each, times thousands of runs)
 * out of the lifecycle.
 */
class Meter {
  usage: Usage = ZERO_USAGE;
  /**
   * The idle runs: runs of a scheduled function that wrote nothing (not even a refused conditional
   * write), sent nothing and put no event. Their reads found nothing due, or nothing to act on; such
   * a run costs the same whatever the complaints, so it is a fixed cost.
   */
  idle: Usage = ZERO_USAGE;
  readonly metrics = new Set<string>();
  readonly #als = new AsyncLocalStorage<Invocation>();
  readonly #active = new Set<Invocation>();
  #lastCpu = process.cpuUsage();
  readonly #config: PipelineConfig;
  /** The functions a schedule invokes. */
  readonly #scheduled: ReadonlySet<string>;

  constructor(config: PipelineConfig, shapes: Readonly<Record<string, FunctionShape>>) {
    this.#config = config;
    this.#scheduled = new Set(Object.keys(shapes).filter((name) => shapes[name]!.trigger === 'schedule'));
  }

  /** Applies a count to the running invocation's tally, or to `usage` outside any invocation. */
  #count(change: (u: Usage) => Usage): void {
    const inv = this.#als.getStore();
    if (inv) inv.usage = change(inv.usage);
    else this.usage = change(this.usage);
  }

  #acted(): void {
    const inv = this.#als.getStore();
    if (inv) inv.acted = true;
  }

  #fn(name: string, change: (f: FunctionUsage) => FunctionUsage): void {
    this.#count((u) => ({ ...u, functions: { ...u.functions, [name]: change(u.functions[name] ?? ZERO_FUNCTION) } }));
  }

  #sdk(name: string, service: keyof SdkCalls): void {
    this.#fn(name, (f) => ({ ...f, sdkCalls: { ...f.sdkCalls, [service]: f.sdkCalls[service] + 1 } }));
  }

  // CPU time between two boundaries is shared among the invocations running then.
  #tickCpu(): void {
    const now = process.cpuUsage();
    const ms = (now.user - this.#lastCpu.user + now.system - this.#lastCpu.system) / 1000;
    this.#lastCpu = now;
    for (const inv of this.#active) inv.cpuMs += ms / this.#active.size;
  }

  #capacity(name: string, command: string, consumed: ConsumedCapacity[]): void {
    const read = READ_COMMANDS.has(command);
    let units = 0;
    const by: Record<string, number> = {};
    const shortCommand = command.replace(/Command$/, '');
    for (const c of consumed) {
      units += c.CapacityUnits ?? 0;
      const table = this.#logicalTable(c.TableName);
      if (c.Table?.CapacityUnits) by[`${name} ${shortCommand} ${table}`] = (by[`${name} ${shortCommand} ${table}`] ?? 0) + c.Table.CapacityUnits;
      for (const [ix, cu] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
        by[`${name} ${shortCommand} ${table}/${ix}`] = (by[`${name} ${shortCommand} ${table}/${ix}`] ?? 0) + (cu.CapacityUnits ?? 0);
      }
    }
    const tablesHit = new Set(consumed.map((c) => this.#logicalTable(c.TableName)));
    const key = read ? 'readUnitsBy' : 'writeUnitsBy';
    this.#count((u) => {
      const requestsBy = { ...u.requestsBy };
      for (const t of tablesHit) requestsBy[`${name} ${shortCommand} ${t}`] = (requestsBy[`${name} ${shortCommand} ${t}`] ?? 0) + 1;
      const merged = { ...u[key] };
      for (const [k, v] of Object.entries(by)) merged[k] = (merged[k] ?? 0) + v;
      return {
        ...u,
        requestsBy,
        [key]: merged,
        dynamodb: {
          readRequests: u.dynamodb.readRequests + (read ? 1 : 0),
          writeRequests: u.dynamodb.writeRequests + (read ? 0 : 1),
          readUnits: u.dynamodb.readUnits + (read ? units : 0),
          writeUnits: u.dynamodb.writeUnits + (read ? 0 : units),
        },
      };
    });
  }

  #logicalTable(physical: string | undefined): string {
    return physical?.endsWith('-complaints') ? 'complaints' : physical?.endsWith('-state') ? 'state' : (physical ?? '?');
  }

  /** Counts a log line a handler wrote; EMF blobs name the custom metrics. */
  log(chunk: string): boolean {
    const inv = this.#als.getStore();
    if (!inv) return false;
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      this.#fn(inv.name, (f) => ({ ...f, logBytes: f.logBytes + Buffer.byteLength(line, 'utf8'), logEvents: f.logEvents + 1 }));
      if (line.includes('"_aws"')) this.#emf(line);
    }
    return true;
  }

  #emf(line: string): void {
    try {
      const blob = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } };
      for (const directive of blob._aws.CloudWatchMetrics) {
        for (const dims of directive.Dimensions.length ? directive.Dimensions : [[]]) {
          const dimText = dims.map((d) => `${d}=${String(blob[d])}`).join(',');
          for (const m of directive.Metrics) this.metrics.add(`${directive.Namespace}/${m.Name}{${dimText}}`);
        }
      }
    } catch {
      // Not an EMF blob after all: counted as a log line only.
    }
  }

  readonly hooks: LocalInstrumentation = {
    dynamoClient: (name, client) => {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const command = context.commandName ?? '';
          const input = args.input as Record<string, unknown>;
          // Ask DynamoDB (Local, which reports it like the service) what each request consumed, indexes included.
          if (CAPACITY_COMMANDS.has(command)) input.ReturnConsumedCapacity = 'INDEXES';
          this.#sdk(name, 'dynamodb');
          if (CAPACITY_COMMANDS.has(command) && !READ_COMMANDS.has(command)) this.#acted();
          try {
            const out = await next(args);
            const cc = (out.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
            if (CAPACITY_COMMANDS.has(command)) this.#capacity(name, command, cc === undefined ? [] : Array.isArray(cc) ? cc : [cc]);
            return out;
          } catch (err) {
            // A refused condition is still a write DynamoDB charges for: at least one unit (the item is not returned to size it).
            if (CAPACITY_COMMANDS.has(command) && !READ_COMMANDS.has(command)) {
              const table = this.#logicalTable(typeof input.TableName === 'string' ? input.TableName : undefined);
              this.#capacity(name, command, [{ TableName: `x-${table}`, CapacityUnits: command === 'TransactWriteItemsCommand' ? 2 : 1, Table: { CapacityUnits: 1 } }]);
            }
            throw err;
          }
        },
        { step: 'initialize', name: 'costMeter', priority: 'high' },
      );
    },
    notifier: (name, inner) => ({
      send: async (message) => {
        this.#acted();
        if (message.channel === 'email') {
          this.#sdk(name, 'ses');
          this.#count((u) => ({ ...u, emails: u.emails + 1 }));
        } else if (message.channel === 'sms') {
          this.#sdk(name, 'sns');
          this.#count((u) => ({ ...u, smsTo: { ...u.smsTo, [message.to]: (u.smsTo[message.to] ?? 0) + 1 } }));
        } else {
          this.#sdk(name, 'sns');
          const department = this.#config.departments.find((d) => d.id === message.department);
          this.#count((u) => {
            const smsTo = { ...u.smsTo };
            for (const sub of department ? topicSubscribers(department) : []) if (sub.protocol === 'sms') smsTo[sub.endpoint] = (smsTo[sub.endpoint] ?? 0) + 1;
            return { ...u, smsTo, topicPublishes: u.topicPublishes + 1 };
          });
        }
        await inner.send(message);
      },
    }),
    events: (name, inner) => ({
      publish: async (batch) => {
        // PutEvents takes 10 entries per call; each entry is billed per started 64 KB.
        this.#acted();
        for (let i = 0; i < batch.length; i += 10) this.#sdk(name, 'eventBridge');
        const chunks = batch.reduce((s, e) => s + Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(e), 'utf8') / 65_536)), 0);
        this.#count((u) => ({ ...u, eventChunks: u.eventChunks + chunks }));
        await inner.publish(batch);
      },
    }),
    invoke: async (name, event, run) => {
      const inv: Invocation = { name, cpuMs: 0, usage: ZERO_USAGE, acted: false };
      this.#tickCpu();
      this.#active.add(inv);
      const records = Array.isArray((event as { Records?: unknown[] }).Records) ? (event as { Records: unknown[] }).Records.length : 0;
      try {
        return await this.#als.run(inv, run);
      } finally {
        this.#tickCpu();
        this.#active.delete(inv);
        const f = inv.usage.functions[name] ?? ZERO_FUNCTION;
        const own: Usage = { ...inv.usage, functions: { ...inv.usage.functions, [name]: { ...f, invocations: f.invocations + 1, records: f.records + records, cpuMs: f.cpuMs + inv.cpuMs } } };
        if (this.#scheduled.has(name) && !inv.acted) this.idle = addUsage(this.idle, own);
        else this.usage = addUsage(this.usage, own);
      }
    },
  };
}

/** The measurement setup. */
export interface MeasureOptions {
  readonly config: PipelineConfig;
  readonly textModel?: TextModel;
  /** Lifecycles measured and averaged (after one unmeasured warm-up). @default 6 */
  readonly lifecycles?: number;
  /** Run one unmeasured lifecycle first, so module loading and JIT warm-up are not counted as CPU time. @default true */
  readonly warmUp?: boolean;
  /** Progress lines (phases), for a terminal. */
  readonly progress?: (line: string) => void;
}

/** Representative complaint texts: different categories, so no threshold is reached by the lifecycles. */
const TEXTS: ReadonlyArray<{ title: string; description: string; locale: 'en' | 'zh-CN' }> = [
  { title: 'Parcel never arrived', description: 'My package has not arrived after ten days and tracking is stuck.', locale: 'en' },
  { title: '退款一直没有到账', description: '申请退款两周了，钱还没有退回来，请尽快处理', locale: 'zh-CN' },
  { title: '商品质量问题', description: '收到的衣服有破洞，质量太差了，要求换货', locale: 'zh-CN' },
  { title: 'Repair visit', description: 'The after-sales repair technician never came to install the replacement part.', locale: 'en' },
  { title: '售后维修', description: '售后维修一直没人上门安装', locale: 'zh-CN' },
  { title: 'Rude agent', description: 'The customer service agent was rude and hung up on me twice.', locale: 'en' },
];

/**
 * Runs representative complaint lifecycles through the local runtime (the handlers Lambda runs, on
 * DynamoDB Local, over the local HTTP API) and counts every call: SDK requests per function with the
 * capacity DynamoDB reports, invocations and stream records, handler CPU time, log bytes, emails,
 * SMS, events, HTTP requests, and the storage the lifecycle leaves behind. Phases: warm-up; idle
 * schedule runs (nothing due); N lifecycles (intake, acknowledge, resolve, survey sent a week later,
 * answered); one alert (a category surge until an incident opens, acknowledged, then the all-clear).
 * Set `POWERTOOLS_LOG_LEVEL`/`POWERTOOLS_METRICS_DISABLED` as deployed before the handlers load.
 */
export async function measureLifecycles(options: MeasureOptions): Promise<LifecycleProfile> {
  const n = options.lifecycles ?? 6;
  const say = options.progress ?? (() => undefined);
  const shapes = functionShapes(options.config);
  const meter = new Meter(options.config, shapes);
  const token = 'cost-measurement';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  // What handlers print is what Lambda would ingest; it is counted, not shown.
  const intercept = (original: typeof writeOut) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => (meter.log(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')) ? true : (original as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stdout.write;
  process.stdout.write = intercept(writeOut);
  process.stderr.write = intercept(writeErr);
  // A morning in Shanghai, so surveys are not held by quiet hours longer than a night.
  const start = new Date(Date.UTC(2026, 2, 2, 1, 0));
  let pipeline: LocalPipeline | undefined;
  let scanClient: DynamoDBClient | undefined;
  try {
    const dynamoClients: DynamoDBClient[] = [];
    const hooks: LocalInstrumentation = {
      ...meter.hooks,
      dynamoClient: (name, client) => {
        dynamoClients.push(client);
        meter.hooks.dynamoClient?.(name, client);
      },
    };
    pipeline = await startLocalPipeline({ config: options.config, port: 0, agentToken: token, startTime: start, instrument: hooks, skipIdleRuns: false, ...(options.textModel && { textModel: options.textModel }) });
    const p = pipeline;
    const first = dynamoClients[0];
    if (!first) throw new LifecycleMeasurementError('the local runtime made no DynamoDB client');
    scanClient = new DynamoDBClient({ endpoint: first.config.endpoint, region: await first.config.region(), credentials: first.config.credentials });
    const http = async (method: string, path: string, body?: unknown, form = false) => {
      if (!path.startsWith('/local/')) meter.usage = { ...meter.usage, httpRequests: meter.usage.httpRequests + 1 };
      const res = await fetch(p.url + path, {
        method,
        headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', authorization: `Bearer ${token}` },
        ...(body !== undefined && { body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as any) : text };
    };
    const advance = async (iso: string) => {
      const res = await http('POST', '/local/clock', { advanceBy: iso });
      if (res.status !== 200) throw new LifecycleMeasurementError(`advancing the clock by ${iso} answered ${res.status}`);
    };
    const expect = (ok: boolean, what: string) => {
      if (!ok) throw new LifecycleMeasurementError(what);
    };
    let serial = 0;
    const intake = async (text: (typeof TEXTS)[number], tag: string) => {
      serial += 1;
      const res = await http('POST', '/complaints', {
        channel: 'web',
        customer: { id: `cost-${tag}-${serial}`, name: 'Cost Walk', email: `cost-${tag}-${serial}@example.com`, phone: `+85290${String(100000 + serial)}`, locale: text.locale },
        title: text.title,
        description: text.description,
      });
      expect(res.status === 201, `intake answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as { id: string; category: string };
    };
    const event = async (id: string, type: string) => {
      const res = await http('POST', `/complaints/${id}/events`, { type, actor: 'agent:cost' });
      expect(res.status === 200, `${type} answered ${res.status}: ${JSON.stringify(res.body)}`);
    };
    const surveyLinks = async (ids: readonly string[]) => {
      const out = p.outbox.entries().filter((m) => m.kind === 'survey' && m.complaintId !== undefined && ids.includes(m.complaintId));
      return out.map((m) => /\/s\/([A-Za-z0-9_-]+)/.exec(m.body)?.[1]).filter((t): t is string => t !== undefined);
    };
    const snapshot = async () => {
      await advance('PT0S');
      return meter.usage;
    };
    // This DynamoDB Local holds only the pipeline's two tables: find each by its logical name's suffix.
    const physical = (await scanClient.send(new ListTablesCommand({}))).TableNames ?? [];
    const physicalName = (table: TableName) => {
      const name = physical.find((t) => t.endsWith(`-${table}`));
      if (!name) throw new LifecycleMeasurementError(`no ${table} table in the local runtime's DynamoDB Local`);
      return name;
    };
    const keysNow = async () => {
      const seen = new Map<string, { table: TableName; item: Record<string, AttributeValue> }>();
      for (const table of Object.keys(tables) as TableName[]) {
        let startKey: Record<string, AttributeValue> | undefined;
        do {
          const page = await scanClient!.send(new ScanCommand({ TableName: physicalName(table), ExclusiveStartKey: startKey }));
          for (const item of page.Items ?? []) {
            const def = tables[table];
            const key = `${table}|${JSON.stringify(item[def.partitionKey.name])}|${def.sortKey ? JSON.stringify(item[def.sortKey.name]) : ''}`;
            seen.set(key, { table, item });
          }
          startKey = page.LastEvaluatedKey;
        } while (startKey);
      }
      return seen;
    };
    // Bytes times months kept of items that appeared since `before` (TTL where the item has one).
    const retentionMonthsDefault = options.config.retention.complaintDays / (730 / 24);
    const storageSince = async (before: Map<string, unknown>, only?: TableName): Promise<Pick<Usage, 'storageByteMonths' | 'storageByteMonthsBy'>> => {
      const now = p.clock.now().getTime();
      const by: Record<string, number> = {};
      for (const [key, { table, item }] of await keysNow()) {
        if (before.has(key) || (only !== undefined && table !== only)) continue;
        const ttl = item[tables[table].ttlAttribute]?.N;
        const months = ttl === undefined ? retentionMonthsDefault : Math.max(0, Number(ttl) * 1000 - now) / MONTH_MS;
        by[table] = (by[table] ?? 0) + storedBytes(table, item) * months;
      }
      return { storageByteMonths: Object.values(by).reduce((a, b) => a + b, 0), storageByteMonthsBy: by };
    };

    const lifecycle = async (tag: string, count: number) => {
      const created = [];
      for (let i = 0; i < count; i++) created.push(await intake(TEXTS[i % TEXTS.length]!, tag));
      const afterIntake = await snapshot();
      for (const c of created) await event(c.id, 'acknowledge');
      const afterAck = await snapshot();
      // The state machine goes through in_progress on the way to resolved.
      for (const c of created) {
        await event(c.id, 'start');
        await event(c.id, 'resolve');
      }
      const afterResolve = await snapshot();
      const ids = created.map((c) => c.id);
      // The survey falls due after the configured delay; quiet hours may hold it till morning.
      const delayHours = Math.ceil(options.config.survey.delayDays * 24);
      // A day per request: a week of schedule runs in one request outlasts fetch's 300-second wait for
      // an answer on a loaded machine ("fetch failed"); the runs are the same either way.
      for (let h = 0; h < delayHours; h += 24) await advance(`PT${Math.min(24, delayHours - h)}H`);
      for (let i = 0; i < 24 && (await surveyLinks(ids)).length < count; i++) await advance('PT1H');
      const links = await surveyLinks(ids);
      expect(links.length === count, `${links.length} of ${count} surveys were sent`);
      const afterSurvey = await snapshot();
      for (const link of links) {
        expect((await http('GET', `/s/${link}`)).status === 200, 'the survey page did not open');
        expect((await http('POST', `/s/${link}`, { rating: '5', solved: 'yes', comment: '' }, true)).status === 200, 'the survey answer was refused');
      }
      const afterAnswer = await snapshot();
      return { afterIntake, afterAck, afterResolve, afterSurvey, afterAnswer };
    };

    if (options.warmUp ?? true) {
      say('warm-up lifecycle');
      await lifecycle('warm', 2);
    }

    say('idle schedule runs');
    await snapshot();
    const idleFrom = meter.idle;
    await advance('PT2H');
    await snapshot();
    const idleDelta = addUsage(meter.idle, idleFrom, -1);
    const idleRuns: Record<string, Usage> = {};
    // Schedules slower than the idle window (a weekly one): priced from all their runs, at the end.
    const slow: string[] = [];
    for (const [name, shape] of Object.entries(shapes)) {
      if (shape.trigger !== 'schedule') continue;
      const runs = idleDelta.functions[name]?.invocations ?? 0;
      if (runs === 0) {
        slow.push(name);
        continue;
      }
      // Per run; DynamoDB usage attributed to the function by its share of SDK calls (only schedules ran).
      const fnOnly: Usage = { ...ZERO_USAGE, functions: { [name]: idleDelta.functions[name]! } };
      idleRuns[name] = scaleUsage(fnOnly, 1 / runs);
    }
    // The idle window's DynamoDB units belong to the scheduled functions: split by their SDK calls,
    // and the per-command breakdown by the function each entry names.
    const idleCalls = Object.keys(idleRuns).reduce((s, name) => s + (idleDelta.functions[name]?.sdkCalls.dynamodb ?? 0), 0);
    const own = (by: Readonly<Record<string, number>>, name: string, k: number) =>
      Object.fromEntries(Object.entries(by).filter(([key]) => key.startsWith(`${name} `)).map(([key, v]) => [key, v * k]));
    for (const name of Object.keys(idleRuns)) {
      const share = idleCalls > 0 ? (idleDelta.functions[name]?.sdkCalls.dynamodb ?? 0) / idleCalls : 0;
      const runs = idleDelta.functions[name]!.invocations;
      idleRuns[name] = {
        ...idleRuns[name]!,
        dynamodb: scaleUsage({ ...ZERO_USAGE, dynamodb: idleDelta.dynamodb }, share / runs).dynamodb,
        writeUnitsBy: own(idleDelta.writeUnitsBy, name, 1 / runs),
        readUnitsBy: own(idleDelta.readUnitsBy, name, 1 / runs),
        requestsBy: own(idleDelta.requestsBy, name, 1 / runs),
      };
    }
    /**
     * Removes what the scheduled functions would have done anyway (their idle runs) from a stretch.
     * CPU time varies from run to run, so a difference below zero is noise and counts as zero.
     */
    const withoutIdle = (u: Usage): Usage => {
      let out = u;
      for (const [name, run] of Object.entries(idleRuns)) out = addUsage(out, run, -(u.functions[name]?.invocations ?? 0));
      return clampUsage(out);
    };

    say(`${n} measured lifecycles`);
    const before = await snapshot();
    const idleBefore = meter.idle;
    const keysBefore = await keysNow();
    const phases = await lifecycle('walk', n);
    const idleDuring = addUsage(meter.idle, idleBefore, -1);
    const storage = await storageSince(keysBefore);
    const lifecycleRaw = addUsage(phases.afterAnswer, before, -1);
    const intakeRaw = addUsage(phases.afterIntake, before, -1);

    say('one alert incident');
    const alertFrom = await snapshot();
    const keysBeforeAlert = await keysNow();
    // The category with the lowest threshold, described with its own keywords; the intake's own
    // classification decides, and the surge goes on until some incident opens.
    const category = [...options.config.categories].sort((x, y) => x.threshold.count - y.threshold.count)[0]!;
    const words = [...(category.keywords.en ?? []), ...(category.keywords['zh-CN'] ?? [])].slice(0, 3).join(', ');
    const surgeText = { title: words, description: `Problem with ${words}: please help.`, locale: 'en' as const };
    const most = Math.max(...options.config.categories.map((c) => c.threshold.count));
    const raised = () => p.outbox.entries().filter((m) => m.kind === 'alert');
    let posted = 0;
    while (raised().length === 0 && posted <= most + 5) {
      await intake(surgeText, 'surge');
      posted += 1;
      await advance('PT0S');
    }
    const alertMessage = raised()[0];
    expect(alertMessage !== undefined, `no alert after ${posted} complaints about ${words}`);
    const ack = /\/a\/([A-Za-z0-9_-]+)/.exec(alertMessage!.body)?.[1];
    expect(ack !== undefined, 'the alert carries no acknowledge link');
    expect((await http('GET', `/a/${ack}`)).status === 200, 'the acknowledge page did not open');
    expect((await http('POST', `/a/${ack}`, {}, true)).status === 200, 'the acknowledgement was refused');
    for (let i = 0; i < 16 && !p.outbox.entries().some((m) => m.kind === 'alert_resolved'); i++) await advance('PT30M');
    expect(p.outbox.entries().some((m) => m.kind === 'alert_resolved'), 'no all-clear within eight hours');
    const alertEnd = await snapshot();
    // The incident's own items (the surge's complaints are lifecycles, counted there).
    const alertStorage = await storageSince(keysBeforeAlert, 'state');
    const alertRaw = addUsage(alertEnd, alertFrom, -1);

    // A slow schedule does the same whatever the complaints: all it did, per run, is its fixed cost.
    const unmeasured: string[] = [];
    const everything = addUsage(meter.usage, meter.idle);
    for (const name of slow) {
      const total = everything.functions[name];
      const runs = total?.invocations ?? 0;
      if (runs === 0) {
        unmeasured.push(name);
        idleRuns[name] = { ...ZERO_USAGE, functions: { [name]: { ...ZERO_FUNCTION, invocations: 1 } } };
        continue;
      }
      const writes = own(everything.writeUnitsBy, name, 1);
      const reads = own(everything.readUnitsBy, name, 1);
      const requests = own(everything.requestsBy, name, 1);
      const sum = (r: Record<string, number>, pred: (key: string) => boolean = () => true) => Object.entries(r).reduce((s, [k, v]) => s + (pred(k) ? v : 0), 0);
      const isRead = (key: string) => READ_COMMANDS.has(`${key.split(' ')[1]}Command`);
      idleRuns[name] = scaleUsage(
        {
          ...ZERO_USAGE,
          functions: { [name]: total! },
          dynamodb: { readRequests: sum(requests, isRead), writeRequests: sum(requests, (k) => !isRead(k)), readUnits: sum(reads), writeUnits: sum(writes) },
          writeUnitsBy: writes,
          readUnitsBy: reads,
          requestsBy: requests,
        },
        1 / runs,
      );
    }
    const lifecycleTotal = withoutIdle(lifecycleRaw);
    const lifecycleUsage = scaleUsage(addUsage(lifecycleTotal, { ...ZERO_USAGE, ...storage }), 1 / n);
    const intakeOnly = scaleUsage(withoutIdle(intakeRaw), 1 / n);
    const alertTotal = withoutIdle(alertRaw);
    // What the surge complaints cost as ordinary intakes is in the lifecycle already.
    const alertUsage = addUsage({ ...alertTotal, ...alertStorage }, intakeOnly, -posted);
    return {
      lifecycle: lifecycleUsage,
      alert: alertUsage,
      idleRuns,
      unmeasuredSchedules: unmeasured,
      scheduleRuns: Object.fromEntries(
        Object.keys(shapes)
          .filter((name) => shapes[name]!.trigger === 'schedule')
          .map((name) => [name, { idle: (idleDuring.functions[name]?.invocations ?? 0) / n, acting: (lifecycleRaw.functions[name]?.invocations ?? 0) / n }]),
      ),
      customMetrics: [...meter.metrics].sort(),
      shapes,
      tableClasses: { complaints: options.config.retention.complaintsTableClass, state: 'STANDARD' },
      lifecyclesMeasured: n,
    };
  } finally {
    scanClient?.destroy();
    await pipeline?.stop();
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

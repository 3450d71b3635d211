import * as z from 'zod';
import type { TableClass } from './config.ts';

/**
 * The monthly AWS bill of the pipeline, from request counts measured per complaint lifecycle
 * (functions/local/measure-lifecycle.ts) times list prices (config/prices/<region>.json).
 * Pure: no clock, no I/O. Free tiers are ignored so the cost per lifecycle stays linear.
 */

const usd = z.number().nonnegative();

/** One region's list prices (USD) with the date they were read, plus the modelling assumptions beside them. */
export const PriceFileSchema = z.strictObject({
  region: z.string().min(1),
  /** The date these list prices were checked. */
  asOf: z.iso.date(),
  currency: z.literal('USD'),
  /** Where the prices come from and what they leave out. */
  note: z.string().optional(),
  lambda: z.strictObject({
    architecture: z.literal('arm64'),
    requestUsdPerMillion: usd,
    gbSecondUsd: usd,
  }),
  dynamodb: z.strictObject({
    /** On-demand: one WRU per KB written (per index written too); transactional writes two. */
    writeRequestUnitUsdPerMillion: usd,
    /** On-demand: one RRU per 4 KB strongly consistent read, half for eventually consistent. */
    readRequestUnitUsdPerMillion: usd,
    storageUsdPerGbMonth: usd,
    /** GetRecords by a Lambda event source mapping is free; this is for other readers of the stream. */
    streamReadRequestUsdPerMillion: usd,
    /** The Standard-Infrequent Access table class: dearer requests, cheaper storage (the whole table and its indexes). */
    standardInfrequentAccess: z.strictObject({ writeRequestUnitUsdPerMillion: usd, readRequestUnitUsdPerMillion: usd, storageUsdPerGbMonth: usd }),
  }),
  apiGateway: z.strictObject({ httpApiRequestUsdPerMillion: usd }),
  eventBridge: z.strictObject({
    /** Per 64 KB chunk of an entry put on a custom bus. */
    customEventUsdPerMillion: usd,
    /** EventBridge Scheduler; schedule-expression rules on the default bus (what the stack uses) cost nothing. */
    schedulerInvocationUsdPerMillion: usd,
  }),
  sqs: z.strictObject({ requestUsdPerMillion: usd }),
  /** The link signing keys' secret: a monthly price per secret and one per 10,000 API calls. */
  secretsManager: z.strictObject({ secretUsdPerMonth: usd, apiCallUsdPer10k: usd }),
  cloudWatch: z.strictObject({
    logIngestionUsdPerGb: usd,
    /** Per metric (name + dimension values) per month, EMF metrics included. */
    customMetricUsdPerMonth: usd,
  }),
  ses: z.strictObject({ emailUsdPerThousand: usd }),
  sns: z.strictObject({
    topicPublishUsdPerMillion: usd,
    /** SMS price per message by E.164 country prefix; null where SNS cannot deliver. */
    smsUsdPerMessage: z.record(z.string().regex(/^\+\d{1,4}$/, 'must be an E.164 country prefix such as +1'), usd.nullable()),
  }),
  assumptions: z.strictObject({
    /** AWS prices a month as 730 hours. */
    hoursPerMonth: z.number().positive(),
    /** Billed milliseconds per invocation beyond CPU work and SDK waits (runtime and handler wrapping). */
    invocationOverheadMs: z.number().nonnegative(),
    /** In-region round trip per SDK call, which an invocation waits for (billed duration). */
    sdkLatencyMs: z.strictObject({ dynamodb: z.number().nonnegative(), eventBridge: z.number().nonnegative(), ses: z.number().nonnegative(), sns: z.number().nonnegative() }),
    /** Lambda gives one full vCPU at this memory; below it CPU work takes proportionally longer. */
    fullCpuMemoryMb: z.number().positive(),
    /** A local core against a Graviton vCPU: measured CPU milliseconds are multiplied by this. */
    localCpuToLambdaCpu: z.number().positive(),
    /** START, END and REPORT lines Lambda writes per invocation (bytes, events). */
    platformLogBytesPerInvocation: z.number().nonnegative(),
    platformLogEventsPerInvocation: z.number().nonnegative(),
    /** CloudWatch Logs meters each event's message plus this many bytes. */
    logEventOverheadBytes: z.number().nonnegative(),
    /** Stream shards of the complaints table; each batches on its own. */
    streamShards: z.number().int().positive(),
    /** How many alert incidents (raise, notify, acknowledge, all-clear) a million complaints bring. */
    alertsPerMillionComplaints: z.number().nonnegative(),
    /** A function reads the link keys' secret again after this long (Powertools Parameters' cache). */
    secretCacheSeconds: z.number().positive(),
  }),
});
export type PriceFile = z.infer<typeof PriceFileSchema>;

/** SDK calls an invocation waits for, by service. */
export interface SdkCalls {
  readonly dynamodb: number;
  readonly eventBridge: number;
  readonly ses: number;
  readonly sns: number;
}

/** What one function did, summed over the invocations of a measured stretch. */
export interface FunctionUsage {
  readonly invocations: number;
  /** Stream records handled (stream functions); batches differ between the laptop and Lambda. */
  readonly records: number;
  /** Handler CPU time measured locally (ms). */
  readonly cpuMs: number;
  readonly sdkCalls: SdkCalls;
  /** What the handler wrote to stdout/stderr (Powertools logs and EMF metrics). */
  readonly logBytes: number;
  readonly logEvents: number;
}

/** DynamoDB traffic, capacity as DynamoDB Local reports it (ReturnConsumedCapacity: INDEXES). */
export interface DynamoUsage {
  readonly readRequests: number;
  readonly writeRequests: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

/** Everything counted over a measured stretch (one lifecycle, an alert, a schedule run): additive. */
export interface Usage {
  readonly functions: Readonly<Record<string, FunctionUsage>>;
  readonly dynamodb: DynamoUsage;
  /** Write units per function, table or index (`complaints`, `complaints/byStatus`), and command: where writes go. */
  readonly writeUnitsBy: Readonly<Record<string, number>>;
  readonly readUnitsBy: Readonly<Record<string, number>>;
  /** Requests per function, command and table (`intake PutItem complaints`). */
  readonly requestsBy: Readonly<Record<string, number>>;
  /** Bytes kept times months kept (items and index entries, each with DynamoDB's 100-byte overhead). */
  readonly storageByteMonths: number;
  /** The same per table (`complaints`, `state`): the table class prices each. */
  readonly storageByteMonthsBy: Readonly<Record<string, number>>;
  readonly httpRequests: number;
  /** 64 KB chunks of domain events put on the bus. */
  readonly eventChunks: number;
  readonly emails: number;
  /** SMS to phones by destination number (E.164); topic publications reach the department head's phone. */
  readonly smsTo: Readonly<Record<string, number>>;
  readonly topicPublishes: number;
}

/** No SDK calls. */
export const ZERO_SDK: SdkCalls = { dynamodb: 0, eventBridge: 0, ses: 0, sns: 0 };
/** A function that did nothing. */
export const ZERO_FUNCTION: FunctionUsage = { invocations: 0, records: 0, cpuMs: 0, sdkCalls: ZERO_SDK, logBytes: 0, logEvents: 0 };
/** Nothing counted: the start of every sum. */
export const ZERO_USAGE: Usage = {
  functions: {},
  dynamodb: { readRequests: 0, writeRequests: 0, readUnits: 0, writeUnits: 0 },
  writeUnitsBy: {},
  readUnitsBy: {},
  requestsBy: {},
  storageByteMonths: 0,
  storageByteMonthsBy: {},
  httpRequests: 0,
  eventChunks: 0,
  emails: 0,
  smsTo: {},
  topicPublishes: 0,
};

function mergeRecord(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>, k: number): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [key, v] of Object.entries(b)) out[key] = (out[key] ?? 0) + k * v;
  return out;
}

/** `a + k·b`, field by field (k = -1 subtracts). */
export function addUsage(a: Usage, b: Usage, k = 1): Usage {
  const fns: Record<string, FunctionUsage> = { ...a.functions };
  for (const [name, f] of Object.entries(b.functions)) {
    const x = fns[name] ?? ZERO_FUNCTION;
    fns[name] = {
      invocations: x.invocations + k * f.invocations,
      records: x.records + k * f.records,
      cpuMs: x.cpuMs + k * f.cpuMs,
      sdkCalls: {
        dynamodb: x.sdkCalls.dynamodb + k * f.sdkCalls.dynamodb,
        eventBridge: x.sdkCalls.eventBridge + k * f.sdkCalls.eventBridge,
        ses: x.sdkCalls.ses + k * f.sdkCalls.ses,
        sns: x.sdkCalls.sns + k * f.sdkCalls.sns,
      },
      logBytes: x.logBytes + k * f.logBytes,
      logEvents: x.logEvents + k * f.logEvents,
    };
  }
  return {
    functions: fns,
    dynamodb: {
      readRequests: a.dynamodb.readRequests + k * b.dynamodb.readRequests,
      writeRequests: a.dynamodb.writeRequests + k * b.dynamodb.writeRequests,
      readUnits: a.dynamodb.readUnits + k * b.dynamodb.readUnits,
      writeUnits: a.dynamodb.writeUnits + k * b.dynamodb.writeUnits,
    },
    writeUnitsBy: mergeRecord(a.writeUnitsBy, b.writeUnitsBy, k),
    readUnitsBy: mergeRecord(a.readUnitsBy, b.readUnitsBy, k),
    requestsBy: mergeRecord(a.requestsBy, b.requestsBy, k),
    storageByteMonths: a.storageByteMonths + k * b.storageByteMonths,
    storageByteMonthsBy: mergeRecord(a.storageByteMonthsBy, b.storageByteMonthsBy, k),
    httpRequests: a.httpRequests + k * b.httpRequests,
    eventChunks: a.eventChunks + k * b.eventChunks,
    emails: a.emails + k * b.emails,
    smsTo: mergeRecord(a.smsTo, b.smsTo, k),
    topicPublishes: a.topicPublishes + k * b.topicPublishes,
  };
}

/** `k·u`. */
export function scaleUsage(u: Usage, k: number): Usage {
  return addUsage(ZERO_USAGE, u, k);
}

/** How a function is triggered and sized, from functions/pipeline.ts. */
export interface FunctionShape {
  readonly memoryMb: number;
  readonly trigger: 'http' | 'stream' | 'schedule' | 'authorizer' | 'inboundMail';
  readonly batchSize?: number;
  readonly batchingWindowSeconds?: number;
  /** Schedule runs per month (schedules only). */
  readonly runsPerMonth?: number;
  /** Reads the link signing keys' secret (access `linkKeys`). */
  readonly readsSecret?: boolean;
}

/** The measured profile the bill is computed from. */
export interface LifecycleProfile {
  /** One representative lifecycle: intake, acknowledge, resolve, survey sent, answered. */
  readonly lifecycle: Usage;
  /** One alert incident beyond the complaints that raised it: raise, notify, acknowledge, all-clear. */
  readonly alert: Usage;
  /** One schedule run with nothing due, per scheduled function (`usage.functions[name]`, invocations 1). */
  readonly idleRuns: Readonly<Record<string, Usage>>;
  /** Schedules that never ran during the measurement: their runs are counted, their work is not. */
  readonly unmeasuredSchedules?: readonly string[];
  /**
   * Runs of each scheduled function per measured lifecycle: `acting` ones (they wrote, sent or put
   * something) are in `lifecycle` beyond an idle run's cost; `idle` ones are not (their cost is fixed).
   */
  readonly scheduleRuns?: Readonly<Record<string, { readonly idle: number; readonly acting: number }>>;
  /** Distinct EMF metrics (namespace, name, dimension values) the functions emitted. */
  readonly customMetrics: readonly string[];
  readonly shapes: Readonly<Record<string, FunctionShape>>;
  /** Each table's class (config `retention.complaintsTableClass`); a table not named is Standard. */
  readonly tableClasses?: Readonly<Record<string, TableClass>>;
  /** How many lifecycles were measured and averaged. */
  readonly lifecyclesMeasured: number;
}

/** One line of the bill. */
export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usdPerMonth: number;
  /** Delivery (SES, SNS SMS) is listed apart and left out of the per-lifecycle figure. */
  readonly delivery: boolean;
  /** Paid whatever the volume (schedules, metrics), included in the monthly total. */
  readonly fixed: boolean;
  readonly note?: string;
}

export interface Bill {
  readonly complaintsPerDay: number;
  readonly lifecyclesPerMonth: number;
  readonly lines: readonly CostLine[];
  readonly usdPerMonth: number;
  readonly deliveryUsdPerMonth: number;
  /** Monthly cost without delivery per million lifecycles (fixed costs spread over this volume). */
  readonly usdPerMillionLifecycles: number;
  /** The same without the fixed costs: what each further million lifecycles adds. */
  readonly variableUsdPerMillionLifecycles: number;
  /** Destinations whose SMS SNS cannot deliver or the price file does not price, with counts per month. */
  readonly unpricedSms: Readonly<Record<string, number>>;
}

/** Expected records per invocation of a stream consumer: what one shard gathers in its batching window, 1 to batchSize. */
export function expectedBatch(recordsPerMonth: number, shape: FunctionShape, a: PriceFile['assumptions']): number {
  const perShardPerSecond = recordsPerMonth / (a.streamShards * a.hoursPerMonth * 3600);
  const window = shape.batchingWindowSeconds ?? 0;
  return Math.min(shape.batchSize ?? 1, Math.max(1, perShardPerSecond * window));
}

/** Billed Lambda milliseconds for a usage (overhead per invocation, scaled CPU, SDK waits). */
export function billedMs(f: FunctionUsage, invocations: number, memoryMb: number, a: PriceFile['assumptions']): number {
  const cpuScale = a.localCpuToLambdaCpu * Math.max(1, a.fullCpuMemoryMb / memoryMb);
  const waits =
    f.sdkCalls.dynamodb * a.sdkLatencyMs.dynamodb + f.sdkCalls.eventBridge * a.sdkLatencyMs.eventBridge + f.sdkCalls.ses * a.sdkLatencyMs.ses + f.sdkCalls.sns * a.sdkLatencyMs.sns;
  return invocations * a.invocationOverheadMs + f.cpuMs * cpuScale + waits;
}

/** The E.164 country prefix of `phone` that the price file knows (longest match), if any. */
export function smsPrefix(phone: string, prices: PriceFile): string | undefined {
  return Object.keys(prices.sns.smsUsdPerMessage)
    .filter((p) => phone.startsWith(p))
    .sort((x, y) => y.length - x.length)[0];
}

/** The table of a `writeUnitsBy`/`readUnitsBy` key (`intake PutItem complaints/byStatus` → `complaints`). */
export function tableOfUnitKey(key: string): string {
  return (key.split(' ').at(-1) ?? '').split('/')[0]!;
}

function sumBy(by: Readonly<Record<string, number>>, keep: (key: string) => boolean): number {
  let total = 0;
  for (const [key, v] of Object.entries(by)) if (keep(key)) total += v;
  return total;
}

/** Lifecycles per month at a daily complaint rate, with AWS's 730-hour month. */
export function lifecyclesPerMonth(complaintsPerDay: number, prices: PriceFile): number {
  return (complaintsPerDay * prices.assumptions.hoursPerMonth) / 24;
}

/**
 * The monthly bill at `complaintsPerDay`: every complaint runs one lifecycle, the alert share is
 * `alertsPerMillionComplaints` incidents, schedules run at their fixed rate (idle runs; the work
 * they do for complaints is in the lifecycle), metrics are a fixed set.
 */
export function estimateBill(profile: LifecycleProfile, prices: PriceFile, complaintsPerDay: number): Bill {
  const a = prices.assumptions;
  const n = lifecyclesPerMonth(complaintsPerDay, prices);
  const perLifecycle = addUsage(profile.lifecycle, profile.alert, a.alertsPerMillionComplaints / 1e6);
  const variable = scaleUsage(perLifecycle, n);
  let fixed = ZERO_USAGE;
  for (const [name, run] of Object.entries(profile.idleRuns)) fixed = addUsage(fixed, run, profile.shapes[name]?.runsPerMonth ?? 0);

  const lines: CostLine[] = [];
  const line = (l: Omit<CostLine, 'delivery' | 'fixed'> & { delivery?: boolean; fixed?: boolean }) =>
    lines.push({ delivery: false, fixed: false, ...l });
  const perMillion = (x: number, price: number) => (x / 1e6) * price;

  // Lambda: invocations and GB-seconds per function kind.
  let requestsVar = 0;
  let requestsFixed = 0;
  let gbsVar = 0;
  let gbsFixed = 0;
  for (const [name, shape] of Object.entries(profile.shapes)) {
    const v = variable.functions[name];
    if (v) {
      const invocations = shape.trigger === 'stream' ? v.records / expectedBatch(v.records, shape, a) : shape.trigger === 'schedule' ? 0 : v.invocations;
      requestsVar += invocations;
      gbsVar += (billedMs(v, invocations, shape.memoryMb, a) / 1000) * (shape.memoryMb / 1024);
    }
    const f = fixed.functions[name];
    if (f) {
      requestsFixed += f.invocations;
      gbsFixed += (billedMs(f, f.invocations, shape.memoryMb, a) / 1000) * (shape.memoryMb / 1024);
    }
  }
  line({ service: 'Lambda', item: 'requests', quantity: requestsVar, unit: 'requests', usdPerMonth: perMillion(requestsVar, prices.lambda.requestUsdPerMillion) });
  line({ service: 'Lambda', item: 'compute (arm64)', quantity: gbsVar, unit: 'GB-s', usdPerMonth: gbsVar * prices.lambda.gbSecondUsd });
  line({ service: 'Lambda', item: 'scheduled runs (idle part)', quantity: requestsFixed, unit: 'requests', fixed: true, usdPerMonth: perMillion(requestsFixed, prices.lambda.requestUsdPerMillion) + gbsFixed * prices.lambda.gbSecondUsd });

  // DynamoDB, priced by each table's class. With every table Standard the bill has one line per
  // kind; a table on Standard-IA gets its own lines, named by class and table.
  const classOf = (table: string): TableClass => profile.tableClasses?.[table] ?? 'STANDARD';
  const rates = (c: TableClass) => (c === 'STANDARD' ? prices.dynamodb : prices.dynamodb.standardInfrequentAccess);
  const tablesSeen = [
    ...new Set([
      ...[variable, fixed].flatMap((u) => [...Object.keys(u.writeUnitsBy), ...Object.keys(u.readUnitsBy)].map(tableOfUnitKey)),
      ...Object.keys(variable.storageByteMonthsBy),
      ...Object.keys(profile.tableClasses ?? {}),
    ]),
  ].sort();
  const classes = [...new Set(tablesSeen.map(classOf))].sort();
  const split = classes.some((c) => c !== 'STANDARD');
  for (const c of classes.length > 0 ? classes : (['STANDARD'] as const)) {
    const r = rates(c);
    const mine = (table: string) => classOf(table) === c;
    const tablesOfClass = tablesSeen.filter(mine);
    const suffix = split ? `, ${c === 'STANDARD' ? 'Standard' : 'Standard-IA'} (${tablesOfClass.join(', ')})` : '';
    // Standard takes what the other classes' tables do not (units a measurement did not attribute too).
    const share = (total: number, by: Readonly<Record<string, number>>, tableOf: (key: string) => string) =>
      c === 'STANDARD' ? total - sumBy(by, (key) => classOf(tableOf(key)) !== 'STANDARD') : sumBy(by, (key) => mine(tableOf(key)));
    const writes = share(variable.dynamodb.writeUnits, variable.writeUnitsBy, tableOfUnitKey);
    const reads = share(variable.dynamodb.readUnits, variable.readUnitsBy, tableOfUnitKey);
    const fixedUnits = { reads: share(fixed.dynamodb.readUnits, fixed.readUnitsBy, tableOfUnitKey), writes: share(fixed.dynamodb.writeUnits, fixed.writeUnitsBy, tableOfUnitKey) };
    const gbMonths = share(variable.storageByteMonths, variable.storageByteMonthsBy, (table) => table) / 1024 ** 3;
    line({ service: 'DynamoDB', item: `writes (on-demand)${suffix}`, quantity: writes, unit: 'WRU', usdPerMonth: perMillion(writes, r.writeRequestUnitUsdPerMillion) });
    line({ service: 'DynamoDB', item: `reads (on-demand)${suffix}`, quantity: reads, unit: 'RRU', usdPerMonth: perMillion(reads, r.readRequestUnitUsdPerMillion) });
    line({
      service: 'DynamoDB',
      item: `reads/writes of idle schedule runs${suffix}`,
      quantity: fixedUnits.reads + fixedUnits.writes,
      unit: 'RU',
      fixed: true,
      usdPerMonth: perMillion(fixedUnits.reads, r.readRequestUnitUsdPerMillion) + perMillion(fixedUnits.writes, r.writeRequestUnitUsdPerMillion),
    });
    // Steady state: a month's lifecycles each kept for their retention.
    line({ service: 'DynamoDB', item: `storage (steady state, items + index copies)${suffix}`, quantity: gbMonths, unit: 'GB-month', usdPerMonth: gbMonths * r.storageUsdPerGbMonth });
  }
  line({ service: 'DynamoDB Streams', item: 'GetRecords by Lambda triggers', quantity: 0, unit: 'requests', usdPerMonth: 0, note: 'free for Lambda event source mappings' });

  line({ service: 'API Gateway', item: 'HTTP API requests', quantity: variable.httpRequests, unit: 'requests', usdPerMonth: perMillion(variable.httpRequests, prices.apiGateway.httpApiRequestUsdPerMillion) });
  line({ service: 'EventBridge', item: 'custom events put', quantity: variable.eventChunks, unit: '64 KB chunks', usdPerMonth: perMillion(variable.eventChunks, prices.eventBridge.customEventUsdPerMillion) });
  line({ service: 'EventBridge', item: 'schedule rules firing', quantity: requestsFixed, unit: 'invocations', fixed: true, usdPerMonth: 0, note: 'rate() rules on the default bus are free (Scheduler would not be)' });
  // The link keys' secret: read once per cache period by each warm container of each function granted it
  // (one container each assumed; more containers read more, at $0.05 per 10,000 reads).
  const secretReaders = Object.values(profile.shapes).filter((shape) => shape.readsSecret).length;
  if (secretReaders > 0) {
    const reads = (secretReaders * a.hoursPerMonth * 3600) / a.secretCacheSeconds;
    line({
      service: 'Secrets Manager',
      item: 'link signing keys (1 secret + reads)',
      quantity: reads,
      unit: 'reads',
      fixed: true,
      usdPerMonth: prices.secretsManager.secretUsdPerMonth + (reads / 10_000) * prices.secretsManager.apiCallUsdPer10k,
      note: `${secretReaders} functions, one warm container each, a read per ${a.secretCacheSeconds / 60} minutes`,
    });
  }
  line({ service: 'SQS', item: 'on-failure queue', quantity: 0, unit: 'requests', usdPerMonth: 0, note: 'receives only failed batches: nothing in normal operation' });

  const logBytes = (u: Usage, requests: number) => {
    let bytes = 0;
    for (const f of Object.values(u.functions)) bytes += f.logBytes + f.logEvents * a.logEventOverheadBytes;
    return bytes + requests * (a.platformLogBytesPerInvocation + a.platformLogEventsPerInvocation * a.logEventOverheadBytes);
  };
  const logGbVar = logBytes(variable, requestsVar) / 1024 ** 3;
  const logGbFixed = logBytes(fixed, requestsFixed) / 1024 ** 3;
  line({ service: 'CloudWatch', item: 'log ingestion', quantity: logGbVar, unit: 'GB', usdPerMonth: logGbVar * prices.cloudWatch.logIngestionUsdPerGb });
  line({ service: 'CloudWatch', item: 'log ingestion of idle schedule runs', quantity: logGbFixed, unit: 'GB', fixed: true, usdPerMonth: logGbFixed * prices.cloudWatch.logIngestionUsdPerGb });
  line({ service: 'CloudWatch', item: 'custom metrics (EMF)', quantity: profile.customMetrics.length, unit: 'metrics', fixed: true, usdPerMonth: profile.customMetrics.length * prices.cloudWatch.customMetricUsdPerMonth });

  // Delivery, apart.
  line({ service: 'SES', item: 'emails', quantity: variable.emails, unit: 'emails', delivery: true, usdPerMonth: (variable.emails / 1000) * prices.ses.emailUsdPerThousand });
  line({ service: 'SNS', item: 'topic publications', quantity: variable.topicPublishes, unit: 'publishes', delivery: true, usdPerMonth: perMillion(variable.topicPublishes, prices.sns.topicPublishUsdPerMillion) });
  const unpricedSms: Record<string, number> = {};
  const smsByPrefix: Record<string, number> = {};
  for (const [phone, count] of Object.entries(variable.smsTo)) {
    const prefix = smsPrefix(phone, prices);
    const price = prefix === undefined ? null : prices.sns.smsUsdPerMessage[prefix];
    const key = prefix ?? phone.slice(0, 3);
    if (price === null || price === undefined) unpricedSms[key] = (unpricedSms[key] ?? 0) + count;
    else smsByPrefix[key] = (smsByPrefix[key] ?? 0) + count;
  }
  for (const [prefix, count] of Object.entries(smsByPrefix)) {
    const price = prices.sns.smsUsdPerMessage[prefix] ?? 0;
    line({ service: 'SNS', item: `SMS to ${prefix}`, quantity: count, unit: 'messages', delivery: true, usdPerMonth: count * price });
  }
  for (const [prefix, count] of Object.entries(unpricedSms)) {
    line({ service: 'SNS', item: `SMS to ${prefix}`, quantity: count, unit: 'messages', delivery: true, usdPerMonth: 0, note: 'not priced: SNS cannot deliver there (or the price file has no price)' });
  }

  const sum = (pred: (l: CostLine) => boolean) => lines.filter(pred).reduce((s, l) => s + l.usdPerMonth, 0);
  const infra = sum((l) => !l.delivery);
  const infraVariable = sum((l) => !l.delivery && !l.fixed);
  const millions = n / 1e6;
  return {
    complaintsPerDay,
    lifecyclesPerMonth: n,
    lines,
    usdPerMonth: infra + sum((l) => l.delivery),
    deliveryUsdPerMonth: sum((l) => l.delivery),
    usdPerMillionLifecycles: millions > 0 ? infra / millions : 0,
    variableUsdPerMillionLifecycles: millions > 0 ? infraVariable / millions : 0,
    unpricedSms,
  };
}

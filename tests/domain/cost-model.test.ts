import { describe, expect, it } from 'vitest';
import { addUsage, estimateBill, expectedBatch, PriceFileSchema, ZERO_FUNCTION, ZERO_USAGE, type LifecycleProfile, type PriceFile, type Usage } from '../../functions/domain/cost-model.ts';

// Round prices so every figure below can be checked by hand.
const prices: PriceFile = PriceFileSchema.parse({
  region: 'test-region',
  asOf: '2025-06-01',
  currency: 'USD',
  lambda: { architecture: 'arm64', requestUsdPerMillion: 0.2, gbSecondUsd: 0.00001 },
  dynamodb: { writeRequestUnitUsdPerMillion: 0.625, readRequestUnitUsdPerMillion: 0.125, storageUsdPerGbMonth: 0.25, streamReadRequestUsdPerMillion: 0.2, standardInfrequentAccess: { writeRequestUnitUsdPerMillion: 1, readRequestUnitUsdPerMillion: 0.25, storageUsdPerGbMonth: 0.1 } },
  apiGateway: { httpApiRequestUsdPerMillion: 1 },
  eventBridge: { customEventUsdPerMillion: 1, schedulerInvocationUsdPerMillion: 1 },
  sqs: { requestUsdPerMillion: 0.4 },
  secretsManager: { secretUsdPerMonth: 0.4, apiCallUsdPer10k: 0.05 },
  cloudWatch: { logIngestionUsdPerGb: 0.5, customMetricUsdPerMonth: 0.3 },
  ses: { emailUsdPerThousand: 0.1 },
  sns: { topicPublishUsdPerMillion: 0.5, smsUsdPerMessage: { '+1': 0.00581, '+86': null } },
  assumptions: {
    hoursPerMonth: 720,
    invocationOverheadMs: 2,
    sdkLatencyMs: { dynamodb: 5, eventBridge: 20, ses: 40, sns: 40 },
    fullCpuMemoryMb: 1024,
    localCpuToLambdaCpu: 1,
    platformLogBytesPerInvocation: 300,
    platformLogEventsPerInvocation: 3,
    logEventOverheadBytes: 26,
    streamShards: 1,
    alertsPerMillionComplaints: 100,
    secretCacheSeconds: 300,
  },
});

const lifecycle: Usage = {
  ...ZERO_USAGE,
  functions: { intake: { invocations: 1, records: 0, cpuMs: 10, sdkCalls: { dynamodb: 2, eventBridge: 0, ses: 0, sns: 0 }, logBytes: 200, logEvents: 2 } },
  dynamodb: { readRequests: 2, writeRequests: 2, readUnits: 4, writeUnits: 10 },
  storageByteMonths: 10_240,
  httpRequests: 1,
  eventChunks: 2,
  emails: 3,
  smsTo: { '+15551234567': 0.5, '+8613800000000': 0.25 },
};

const profile: LifecycleProfile = {
  lifecycle,
  alert: { ...ZERO_USAGE, emails: 2 },
  idleRuns: {
    slaSweeper: {
      ...ZERO_USAGE,
      functions: { slaSweeper: { ...ZERO_FUNCTION, invocations: 1, cpuMs: 1, sdkCalls: { dynamodb: 1, eventBridge: 0, ses: 0, sns: 0 } } },
      dynamodb: { readRequests: 1, writeRequests: 0, readUnits: 0.5, writeUnits: 0 },
    },
  },
  customMetrics: ['a', 'b', 'c', 'd'],
  shapes: { intake: { memoryMb: 512, trigger: 'http' }, slaSweeper: { memoryMb: 1024, trigger: 'schedule', runsPerMonth: 1000 } },
  lifecyclesMeasured: 1,
};

// 100,000 a day over a 720-hour month: 3,000,000 lifecycles.
const bill = estimateBill(profile, prices, 100_000);
const line = (service: string, item: string) => bill.lines.find((l) => l.service === service && l.item === item)!;

describe('the bill, by hand', () => {
  it.each([
    // 3e6 invocations at $0.20 per million
    ['Lambda', 'requests', 3e6, 0.6],
    // (2 ms overhead + 10 ms CPU x 1024/512 + 2 DynamoDB calls x 5 ms) = 32 ms at 0.5 GB: 3e6 x 0.016 GB-s = 48,000 GB-s
    ['Lambda', 'compute (arm64)', 48_000, 0.48],
    // 1000 idle runs: $0.0002 requests + 1000 x (2 + 1 + 5) ms x 1 GB x $0.00001
    ['Lambda', 'scheduled runs (idle part)', 1000, 0.0002 + 0.00008],
    ['DynamoDB', 'writes (on-demand)', 3e7, 18.75],
    ['DynamoDB', 'reads (on-demand)', 1.2e7, 1.5],
    // 500 RRU of idle queries
    ['DynamoDB', 'reads/writes of idle schedule runs', 500, 0.0000625],
    // 3e6 x 10,240 bytes = 28.61 GB kept
    ['DynamoDB', 'storage (steady state, items + index copies)', (3e6 * 10_240) / 1024 ** 3, ((3e6 * 10_240) / 1024 ** 3) * 0.25],
    ['DynamoDB Streams', 'GetRecords by Lambda triggers', 0, 0],
    ['API Gateway', 'HTTP API requests', 3e6, 3],
    ['EventBridge', 'custom events put', 6e6, 6],
    ['SQS', 'on-failure queue', 0, 0],
    // (200 + 2 x 26) handler bytes + (300 + 3 x 26) platform bytes = 630 bytes per lifecycle
    ['CloudWatch', 'log ingestion', (3e6 * 630) / 1024 ** 3, ((3e6 * 630) / 1024 ** 3) * 0.5],
    ['CloudWatch', 'custom metrics (EMF)', 4, 1.2],
    // 3 per lifecycle plus 100 alerts per million x 2 emails = 9,000,600 emails
    ['SES', 'emails', 9_000_600, 900.06],
    ['SNS', 'SMS to +1', 1.5e6, 8715],
    ['SNS', 'SMS to +86', 750_000, 0],
  ])('%s %s: %d → $%d', (service, item, quantity, usd) => {
    const l = line(service, item);
    expect(l.quantity).toBeCloseTo(quantity, 6);
    expect(l.usdPerMonth).toBeCloseTo(usd, 8);
  });

  it('totals: delivery apart, per million lifecycles over the infrastructure only, fixed costs named', () => {
    const infra = 0.6 + 0.48 + 0.00028 + 18.75 + 1.5 + 0.0000625 + ((3e6 * 10_240) / 1024 ** 3) * 0.25 + 3 + 6 + ((3e6 * 630) / 1024 ** 3) * 0.5 + 1.2 + line('CloudWatch', 'log ingestion of idle schedule runs').usdPerMonth;
    const delivery = 900.06 + 8715;
    expect(bill.lifecyclesPerMonth).toBe(3e6);
    expect(bill.deliveryUsdPerMonth).toBeCloseTo(delivery, 6);
    expect(bill.usdPerMonth).toBeCloseTo(infra + delivery, 6);
    expect(bill.usdPerMillionLifecycles).toBeCloseTo(infra / 3, 6);
    expect(bill.variableUsdPerMillionLifecycles).toBeCloseTo((infra - 1.2 - 0.00028 - 0.0000625 - line('CloudWatch', 'log ingestion of idle schedule runs').usdPerMonth) / 3, 6);
    expect(bill.unpricedSms).toEqual({ '+86': 750_000 });
  });

  it('is linear in volume except for the fixed lines', () => {
    const ten = estimateBill(profile, prices, 1_000_000);
    expect(ten.variableUsdPerMillionLifecycles).toBeCloseTo(bill.variableUsdPerMillionLifecycles, 9);
  });
});

describe('records per stream invocation', () => {
  const a = prices.assumptions; // one shard, 2,592,000 seconds a month
  it.each([
    [1000, 2, 100, 1], // far below one record per window: each alone
    [2_592_000, 2, 100, 2], // one a second, 2-second window
    [25_920_000, 2, 100, 20],
    [1e10, 2, 100, 100], // capped at the batch size
    [25_920_000, 0, 100, 1], // no window: no batching
  ])('%d records a month, %ds window, batch %d → %d', (records, window, batchSize, expected) => {
    expect(expectedBatch(records, { memoryMb: 512, trigger: 'stream', batchSize, batchingWindowSeconds: window }, a)).toBeCloseTo(expected, 9);
  });
});

describe('usage arithmetic', () => {
  it('adds and subtracts field by field, maps by key', () => {
    const one: Usage = { ...ZERO_USAGE, writeUnitsBy: { 'intake PutItem complaints': 3 }, smsTo: { '+1555': 1 }, emails: 2 };
    const sum = addUsage(one, { ...one, writeUnitsBy: { 'x PutItem state': 1 } }, 2);
    expect(sum.emails).toBe(6);
    expect(sum.writeUnitsBy).toEqual({ 'intake PutItem complaints': 3, 'x PutItem state': 2 });
    expect(sum.smsTo).toEqual({ '+1555': 3 });
    expect(addUsage(sum, sum, -1).emails).toBe(0);
  });
});

describe('price file schema', () => {
  it('names the failing key', () => {
    const bad = PriceFileSchema.safeParse({ ...prices, dynamodb: { ...prices.dynamodb, writeRequestUnitUsdPerMillion: -1 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['dynamodb', 'writeRequestUnitUsdPerMillion']);
  });
});

describe('table classes', () => {
  // The same 10 WRU, 4 RRU and 10,240 byte-months, attributed to the two tables.
  const attributed: LifecycleProfile = {
    ...profile,
    lifecycle: {
      ...lifecycle,
      writeUnitsBy: { 'intake PutItem complaints': 3, 'intake PutItem complaints/byStatus': 3, 'intake PutItem state': 4 },
      readUnitsBy: { 'intake GetItem complaints': 3, 'intake GetItem state': 1 },
      storageByteMonthsBy: { complaints: 8192, state: 2048 },
    },
  };
  const dynamo = (b: ReturnType<typeof estimateBill>) => Object.fromEntries(b.lines.filter((l) => l.service === 'DynamoDB').map((l) => [l.item, l.usdPerMonth]));

  it('prices every table Standard in one line per kind, whatever the attribution', () => {
    const standard = estimateBill({ ...attributed, tableClasses: { complaints: 'STANDARD', state: 'STANDARD' } }, prices, 100_000);
    expect(dynamo(standard)).toEqual(dynamo(bill));
    expect(standard.usdPerMonth).toBeCloseTo(bill.usdPerMonth, 9);
  });

  it('prices a Standard-IA complaints table at its own rates, in lines naming class and table', () => {
    const ia = estimateBill({ ...attributed, tableClasses: { complaints: 'STANDARD_INFREQUENT_ACCESS', state: 'STANDARD' } }, prices, 100_000);
    const gb = (bytes: number) => (3e6 * bytes) / 1024 ** 3;
    expect(dynamo(ia)).toEqual({
      // 3e6 lifecycles: state 4 WRU at $0.625, 1 RRU at $0.125, 2,048 B at $0.25; complaints 6 WRU at $1, 3 RRU at $0.25, 8,192 B at $0.10
      'writes (on-demand), Standard (state)': expect.closeTo(7.5, 9),
      'reads (on-demand), Standard (state)': expect.closeTo(0.375, 9),
      'reads/writes of idle schedule runs, Standard (state)': expect.closeTo(0.0000625, 12),
      'storage (steady state, items + index copies), Standard (state)': expect.closeTo(gb(2048) * 0.25, 9),
      'writes (on-demand), Standard-IA (complaints)': expect.closeTo(18, 9),
      'reads (on-demand), Standard-IA (complaints)': expect.closeTo(2.25, 9),
      'reads/writes of idle schedule runs, Standard-IA (complaints)': 0,
      'storage (steady state, items + index copies), Standard-IA (complaints)': expect.closeTo(gb(8192) * 0.1, 9),
    });
    // Only the DynamoDB lines differ from the all-Standard bill.
    const others = (b: ReturnType<typeof estimateBill>) => b.lines.filter((l) => l.service !== 'DynamoDB');
    expect(others(ia)).toEqual(others(bill));
  });

  it('refuses a price file without Standard-IA prices, naming the key', () => {
    const { standardInfrequentAccess: _ia, ...dynamodb } = prices.dynamodb;
    const bad = PriceFileSchema.safeParse({ ...prices, dynamodb });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['dynamodb.standardInfrequentAccess']);
  });
});

describe('the link signing keys\' secret', () => {
  it('is a fixed line when a function reads it: the secret, and a read per cache period per reading function', () => {
    expect(bill.lines.find((l) => l.service === 'Secrets Manager')).toBeUndefined();
    const reading = estimateBill({ ...profile, shapes: { ...profile.shapes, notifier: { memoryMb: 256, trigger: 'stream', readsSecret: true }, page: { memoryMb: 256, trigger: 'http', readsSecret: true } } }, prices, 100_000);
    // 2 functions x 720 h x 12 reads an hour = 17,280 reads: $0.40 + 1.728 x $0.05
    expect(reading.lines.find((l) => l.service === 'Secrets Manager')).toMatchObject({ quantity: 17_280, fixed: true, usdPerMonth: expect.closeTo(0.4 + 1.728 * 0.05, 9) });
    expect(reading.variableUsdPerMillionLifecycles).toBeCloseTo(bill.variableUsdPerMillionLifecycles, 9);
  });
});

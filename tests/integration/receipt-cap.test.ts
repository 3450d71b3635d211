import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReceiptQuota } from '../../functions/adapters/dynamodb-receipt-quota.ts';
import { MemoryEventPublisher, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { buildRuntime, runtime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import { handler as intake } from '../../functions/handlers/intake.ts';
import { handler as progressNotifier } from '../../functions/handlers/progress-notifier.ts';
import { handler as volumeMonitor } from '../../functions/handlers/volume-monitor.ts';
import { windowBuckets, windowCount } from '../../functions/domain/volume.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal, type TestTables } from '../support/dynamodb.ts';
import { streamRecord } from '../support/stream-records.ts';

const db = withDynamoDbLocal();
const T0 = new Date('2026-11-20T09:00:00Z');
let now = T0;
const notifier = new MemoryNotifier();
let tables: TestTables;

/** Handlers in this file run on DynamoDB Local with `config`, on the file's clock and notifier. */
function useConfig(config: typeof defaultConfig): void {
  setRuntime(
    buildRuntime({
      stores: allStores,
      config,
      clock: { now: () => now },
      doc: db.clients.doc,
      tableNames: tables.names,
      notifier,
      events: new MemoryEventPublisher(),
    }),
  );
}

beforeAll(async () => {
  tables = await db.freshTables();
  useConfig(defaultConfig);
});
afterAll(() => setRuntime(undefined));

const LIMIT = defaultConfig.protection.receiptsPerRecipientPerHour;
const sms = (to: string) => ({ channel: 'sms' as const, to });

/**
 * Hands the stored complaints to the progress notifier in one stream batch (sequence numbers from
 * `firstSequence`), expects no failed record, and returns what it sent on `channel`.
 */
async function receiptsSent(complaints: readonly Complaint[], firstSequence: number, channel: 'email' | 'sms') {
  const before = notifier.messages.length;
  const records = complaints.map((c, i) => streamRecord(firstSequence + i, c));
  expect(await progressNotifier({ Records: records }, {} as Context)).toEqual({ batchItemFailures: [] });
  return notifier.messages.slice(before).filter((m) => m.channel === channel);
}

/** Posts a complaint; returns the status, the public answer and the complaint as stored. */
async function post(body: Record<string, unknown>): Promise<{ status: number; answer: Record<string, unknown>; complaint: Complaint }> {
  const res = await intake({
    version: '2.0',
    routeKey: 'POST /complaints',
    rawPath: '/complaints',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'r', http: { method: 'POST' } },
  } as unknown as APIGatewayProxyEventV2);
  const answer = JSON.parse(res.body!) as Record<string, unknown>;
  const complaint = await runtime().complaints.get(String(answer.id));
  if (!complaint) throw new Error(`complaint ${String(answer.id)} was not stored: ${res.body}`);
  return { status: res.statusCode!, answer, complaint };
}

describe('DynamoReceiptQuota against DynamoDB Local', () => {
  it('admits exactly the limit when many intakes race for one recipient', async () => {
    const quota = new DynamoReceiptQuota(db.clients.doc, tables.names.state);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => quota.reserve(sms('+8613900000001'), `race-${i}`, T0, LIMIT)));
    expect(results.filter(Boolean)).toHaveLength(LIMIT);
  });

  it('counts a complaint once however often it reserves, and gives a slot back on release', async () => {
    const quota = new DynamoReceiptQuota(db.clients.doc, tables.names.state);
    const to = sms('+8613900000002');
    for (let i = 0; i < LIMIT; i += 1) expect(await quota.reserve(to, `c${i}`, T0, LIMIT)).toBe(true);
    expect(await quota.reserve(to, 'c0', T0, LIMIT)).toBe(true);
    expect(await quota.reserve(to, 'late', T0, LIMIT)).toBe(false);
    await quota.release(to, 'c1');
    expect(await quota.reserve(to, 'late', T0, LIMIT)).toBe(true);
    expect(await quota.reserve(to, 'later', T0, LIMIT)).toBe(false);
    // An hour after the first receipts the window has room again.
    expect(await quota.reserve(to, 'next-hour', new Date(T0.getTime() + 3_600_001), LIMIT)).toBe(true);
  });

  it('admits exactly the limit when intakes race for one inbox under many spellings', async () => {
    const quota = new DynamoReceiptQuota(db.clients.doc, tables.names.state);
    const spellings = Array.from({ length: 20 }, (_, i) => (i % 2 ? `Race.Inbox+${i}@googlemail.com` : `r.a.c.e.i.n.b.o.x+${i}@gmail.com`));
    const results = await Promise.all(spellings.map((to, i) => quota.reserve({ channel: 'email', to }, `inbox-race-${i}`, T0, LIMIT)));
    expect(results.filter(Boolean)).toHaveLength(LIMIT);
  });

  it('stores only a hash of the recipient, with a TTL', async () => {
    const quota = new DynamoReceiptQuota(db.clients.doc, tables.names.state);
    await quota.reserve({ channel: 'email', to: 'Private.Person@Example.com' }, 'p1', T0, LIMIT);
    const items = (await db.clients.doc.send(new ScanCommand({ TableName: tables.names.state }))).Items ?? [];
    const rcpt = items.filter((i) => String(i.pk).startsWith('RCPT#'));
    expect(rcpt.length).toBeGreaterThan(0);
    expect(JSON.stringify(rcpt).toLowerCase()).not.toContain('private.person');
    for (const item of rcpt) expect(item.expiresAt).toEqual(expect.any(Number));
  });
});

describe('POST /complaints with one phone number, again and again', () => {
  it(`stores every complaint but sends at most ${LIMIT} receipts per hour to the number; the timeline says why`, async () => {
    const phone = '+8613912340000';
    const posted: Complaint[] = [];
    for (let i = 0; i < LIMIT + 3; i += 1) {
      now = new Date(T0.getTime() + i * 60_000);
      const { status, answer, complaint } = await post({ channel: 'web', customer: { id: `victim-${i}`, phone }, description: `包裹没到 ${i}` });
      expect(status).toBe(201);
      // The caller learns that no receipt went out (the public answer carries receiptWithheld).
      expect(answer.receiptWithheld).toEqual(complaint.receiptWithheld);
      posted.push(complaint);
    }
    expect(posted.slice(0, LIMIT).every((c) => c.receiptWithheld === undefined)).toBe(true);
    for (const c of posted.slice(LIMIT)) {
      expect(c.receiptWithheld).toEqual(['sms']);
      expect(c.timeline.map((t) => t.event)).toEqual(['receive', 'receipt_withheld']);
      expect(c.timeline[1]).toMatchObject({ internal: true, note: expect.stringContaining(`already had ${LIMIT} receipts within the last hour`) });
    }

    // The progress notifier sees every INSERT (twice: a redelivered batch sends nothing more).
    const records = posted.map((c, i) => streamRecord(i + 1, c));
    for (let round = 0; round < 2; round += 1) {
      const res = await progressNotifier({ Records: records }, {} as Context);
      expect(res).toEqual({ batchItemFailures: [] });
    }
    const receipts = notifier.messages.filter((m) => m.channel === 'sms' && m.to === phone);
    expect(receipts).toHaveLength(LIMIT);
    // Every complaint counts towards early warning, receipt or not.
    expect(await volumeMonitor({ Records: records })).toEqual({ batchItemFailures: [] });
    const category = posted[0]!.category;
    expect(posted.every((c) => c.category === category)).toBe(true);
    const range = windowBuckets(now, 1440);
    expect(windowCount(await runtime().volume.buckets(category, range.from, range.to))).toBe(posted.length);
    expect(new Set(receipts.map((m) => m.complaintId))).toEqual(new Set(posted.slice(0, LIMIT).map((c) => c.id)));

    // Another number is not affected, and an hour after the first receipt the number hears again.
    expect((await post({ channel: 'web', customer: { id: 'other', phone: '+8613912349999' }, description: '包裹没到' })).complaint.receiptWithheld).toBeUndefined();
    now = new Date(T0.getTime() + 60 * 60_000 + 1);
    expect((await post({ channel: 'web', customer: { id: 'victim-x', phone }, description: '包裹没到' })).complaint.receiptWithheld).toBeUndefined();
  });

  it(`sends at most ${LIMIT} receipts an hour to one inbox however its address is spelt (plus-tags, Gmail dots), each to the address as given`, async () => {
    now = new Date('2026-11-20T15:00:00Z');
    const plusTagged = Array.from({ length: 8 }, (_, i) => `victim+${i}@example.com`);
    const gmail = ['v.i.c.t.i.m@gmail.com', 'vi.ctim@gmail.com', 'victim@gmail.com', 'Victim@googlemail.com'];
    const results = await Promise.all([...plusTagged, ...gmail].map((email, i) => post({ channel: 'web', customer: { id: `spelling-${i}`, email }, description: `refund missing ${i}` })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const sent = (await receiptsSent(results.map((r) => r.complaint), 3000, 'email')).flatMap((m) => (m.channel === 'email' ? [m] : []));
    const to = sent.map((m) => m.to);
    expect(to.filter((a) => a.endsWith('@example.com'))).toHaveLength(LIMIT);
    expect(to.filter((a) => !a.endsWith('@example.com'))).toHaveLength(gmail.length);
    // Each receipt goes to the spelling its complaint gave, not to the normalised inbox.
    for (const m of sent) expect(results.find((r) => r.complaint.id === m.complaintId)?.complaint.customer.email).toBe(m.to);
    const withheld = results.filter((r) => r.complaint.receiptWithheld !== undefined);
    expect(withheld).toHaveLength(plusTagged.length - LIMIT);
    for (const r of withheld) expect(r.complaint.customer.email).toMatch(/^victim\+\d@example\.com$/);
  });

  it('gives the slot back when a resubmitted externalId stores nothing new', async () => {
    now = new Date('2026-11-21T09:00:00Z');
    const email = 'resubmit@example.com';
    const body = (i: number) => ({ channel: 'email', customer: { id: 'r', email }, description: 'refund missing', externalId: `ZD-${i}` });
    expect((await post(body(1))).status).toBe(201);
    for (let i = 0; i < 10; i += 1) expect((await post(body(1))).status).toBe(200);
    const quota = new DynamoReceiptQuota(db.clients.doc, tables.names.state);
    // One slot used by the stored complaint; the ten resubmissions gave theirs back.
    for (let i = 0; i < LIMIT - 1; i += 1) expect(await quota.reserve({ channel: 'email', to: email }, `probe-${i}`, now, LIMIT)).toBe(true);
    expect(await quota.reserve({ channel: 'email', to: email }, 'probe-last', now, LIMIT)).toBe(false);
  });
});

describe('the hourly receipt SMS budget, company-wide', () => {
  const BUDGET = 3;
  const budgetConfig = { ...defaultConfig, protection: { ...defaultConfig.protection, receiptSmsPerHour: BUDGET } };
  beforeAll(() => useConfig(budgetConfig));
  afterAll(() => useConfig(defaultConfig));

  it('sends at most the budget of receipt SMS in a clock hour however many numbers are named (ten at once); email receipts still go; the next hour has a fresh budget', async () => {
    now = new Date('2026-11-22T10:05:00Z');
    // A new number every time passes the per-recipient cap; the budget stops the bill.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post({ channel: 'web', customer: { id: `flood-${i}`, phone: `+86139222200${String(i).padStart(2, '0')}` }, description: `包裹没到 ${i}` })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const sent = results.filter((r) => r.complaint.receiptWithheld === undefined);
    const withheld = results.filter((r) => r.complaint.receiptWithheld !== undefined);
    expect(sent).toHaveLength(BUDGET);
    for (const r of withheld) {
      expect(r.complaint.receiptWithheld).toEqual(['sms']);
      expect(r.answer.receiptWithheld).toEqual(['sms']);
      expect(r.complaint.timeline.at(-1)).toMatchObject({ event: 'receipt_withheld', internal: true, note: expect.stringContaining(`the ${BUDGET} receipt SMS this hour allows company-wide`) });
    }

    // The progress notifier sends exactly the budgeted receipts.
    expect(await receiptsSent(results.map((r) => r.complaint), 1000, 'sms')).toHaveLength(BUDGET);

    // Email receipts draw on their own budget: an address still gets its receipt in the spent hour.
    const byEmail = await post({ channel: 'web', customer: { id: 'by-email', email: 'budget@example.com' }, description: '包裹没到' });
    expect(byEmail.complaint.receiptWithheld).toBeUndefined();

    // A withheld SMS used no slot of its number: it hears in the next hour, when the budget is fresh.
    now = new Date('2026-11-22T11:00:00Z');
    const again = await post({ channel: 'web', customer: { id: 'again', phone: withheld[0]!.complaint.customer.phone! }, description: '包裹没到' });
    expect(again.complaint.receiptWithheld).toBeUndefined();
  });

  it('gives the budget back when a resubmitted externalId stores nothing new', async () => {
    now = new Date('2026-11-22T13:05:00Z');
    const body = (n: number) => ({ channel: 'app', customer: { id: 'resub', phone: `+86139333300${n}` }, description: 'refund missing', externalId: 'ZD-BUDGET' });
    expect((await post(body(0))).status).toBe(201);
    for (let i = 1; i <= 5; i += 1) expect((await post(body(i))).status).toBe(200);
    // One unit used by the stored complaint; the five resubmissions gave theirs back.
    const quota = new DynamoReceiptQuota(db.clients.doc, tables.names.state);
    for (let i = 0; i < BUDGET - 1; i += 1) expect(await quota.takeBudget('sms', now, BUDGET)).toBe(true);
    expect(await quota.takeBudget('sms', now, BUDGET)).toBe(false);
    await quota.returnBudget('sms', now);
    expect(await quota.takeBudget('sms', now, BUDGET)).toBe(true);
  });
});

describe('the hourly receipt email budget, company-wide', () => {
  const BUDGET = 3;
  const budgetConfig = { ...defaultConfig, protection: { ...defaultConfig.protection, receiptEmailsPerHour: BUDGET } };
  beforeAll(() => useConfig(budgetConfig));
  afterAll(() => useConfig(defaultConfig));

  it('sends at most the budget of receipt emails in a clock hour however many addresses are named (ten at once); SMS receipts still go', async () => {
    now = new Date('2026-11-22T15:05:00Z');
    // A made-up address every time passes the per-recipient cap; the budget keeps bounces down.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post({ channel: 'web', customer: { id: `mail-flood-${i}`, email: `nobody-${i}@made-up.example` }, description: `refund missing ${i}` })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const withheld = results.filter((r) => r.complaint.receiptWithheld !== undefined);
    expect(results.length - withheld.length).toBe(BUDGET);
    for (const r of withheld) {
      expect(r.complaint.receiptWithheld).toEqual(['email']);
      expect(r.complaint.timeline.at(-1)).toMatchObject({
        event: 'receipt_withheld',
        internal: true,
        note: expect.stringContaining(`the ${BUDGET} receipt emails this hour allows company-wide were already sent (protection.receiptEmailsPerHour)`),
        withheld: { channel: 'email', reason: 'email_budget', limit: BUDGET },
      });
    }
    expect(await receiptsSent(results.map((r) => r.complaint), 2000, 'email')).toHaveLength(BUDGET);
    // An SMS receipt draws on the SMS budget, not this one.
    const bySms = await post({ channel: 'web', customer: { id: 'mail-flood-sms', phone: '+8613944440000' }, description: 'refund missing' });
    expect(bySms.complaint.receiptWithheld).toBeUndefined();
  });
});

import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb-alert-store.ts';
import { DynamoComplaintRepository, toItem } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { DynamoDueTimes } from '../../functions/adapters/dynamodb-due-times.ts';
import { DynamoSurveyStore } from '../../functions/adapters/dynamodb-survey-store.ts';
import { bucketNumber, bucketValues } from '../../functions/adapters/index-buckets.ts';
import { newIncident } from '../../functions/domain/alert.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import type { TableName } from '../../functions/pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';

const db = withDynamoDbLocal();
const BUCKETS = 8;
const T0 = Date.parse('2026-11-16T00:00:00.000Z');
const MINUTE = 60_000;
/** The instant the tests read "what is due" at: about half the complaints are due by then. */
const NOW = new Date(T0 + 20 * 60 * MINUTE);
/** Round-the-clock categories (no calendar), two departments, so the overdue listing can filter. */
const CATEGORIES = ['logistics-delay', 'product-quality', 'account-security'] as const;

/** Complaint `i`: critical (2 h first response), received `i` * 17 minutes after T0, in a category by turn. */
function complaintOf(i: number): Complaint {
  const receivedAt = new Date(T0 + i * 17 * MINUTE);
  const created = createComplaint(
    { channel: 'web', customer: { id: `bucket-cust-${i}` }, description: `Bucket test ${i}`, category: CATEGORIES[i % CATEGORIES.length]!, severity: 'critical' },
    // A sender may give `critical` only where the config allows it (protection.maxGivenSeverity).
    { ...defaultConfig, protection: { ...defaultConfig.protection, maxGivenSeverity: 'critical' } },
    receivedAt,
    `B${String(i).padStart(5, '0')}`,
  );
  if (!created.ok) throw new Error('fixture');
  return created.complaint;
}

const byTime = (attr: (c: Complaint) => string | undefined) => (a: Complaint, b: Complaint) => attr(a)!.localeCompare(attr(b)!) || a.id.localeCompare(b.id);

describe('sparse due indexes over buckets, against DynamoDB Local', () => {
  let names: Record<TableName, string>;
  let repo: DynamoComplaintRepository;
  let all: Complaint[];
  /** The complaint written in the old single-partition layout. */
  let legacy: Complaint;

  beforeAll(async () => {
    ({ names } = await db.freshTables());
    repo = new DynamoComplaintRepository(db.clients.doc, names, BUCKETS);
    all = Array.from({ length: 120 }, (_, i) => complaintOf(i));
    for (const c of all.slice(1)) await repo.create(c);
    // Complaint 0 was stored before buckets existed: one bucket is exactly the old layout.
    legacy = all[0]!;
    await db.clients.doc.send(new PutCommand({ TableName: names.complaints, Item: toItem(legacy, 1) }));
  });

  it('spreads complaints over every bucket by their id', async () => {
    const used = new Set(all.map((c) => bucketNumber(c.id, BUCKETS)));
    expect(used.size).toBe(BUCKETS);
    for (const value of bucketValues('bySweepAt', BUCKETS)) {
      const res = await db.clients.doc.send(
        new QueryCommand({ TableName: names.complaints, IndexName: 'bySweepAt', KeyConditionExpression: 'sweepBucket = :b', ExpressionAttributeValues: { ':b': value }, Select: 'COUNT' }),
      );
      expect(res.Count, value).toBeGreaterThan(0);
    }
  });

  it('finds every due complaint across all buckets (the legacy one too), oldest first, each once', async () => {
    const due = all.filter((c) => c.sla.nextActionAt! <= NOW.toISOString()).sort(byTime((c) => c.sla.nextActionAt));
    expect(due.length).toBeGreaterThan(BUCKETS * 3);
    expect(due.length).toBeLessThan(all.length);
    const res = await repo.dueForSweep(NOW, 1000);
    expect(res.items.map((c) => c.id)).toEqual(due.map((c) => c.id));
    expect(res.items.map((c) => c.id)).toContain(legacy.id);
    // Reads: what is due, plus nothing (no bucket filled its page, so no empty page was needed).
    expect(res.itemsRead).toBe(due.length);
  });

  it('names the earliest next action time over every bucket (the legacy item too); none in empty tables', async () => {
    const first = all.map((c) => c.sla.nextActionAt!).sort()[0]!;
    const dueTimes = (tables: Record<TableName, string>) => new DynamoDueTimes(db.clients.doc, { complaints: () => tables.complaints, state: () => tables.state }, BUCKETS);
    expect(await dueTimes(names).nextSweepAt()).toEqual(new Date(first));
    const { names: empty } = await db.freshTables();
    expect(await dueTimes(empty).nextSweepAt()).toBeUndefined();
    expect(await dueTimes(empty).nextSurveyAt()).toBeUndefined();
  });

  it('keeps the limit: the oldest `limit` due complaints, in order', async () => {
    const due = all.filter((c) => c.sla.nextActionAt! <= NOW.toISOString()).sort(byTime((c) => c.sla.nextActionAt));
    for (const limit of [1, 5, BUCKETS + 3]) {
      const res = await repo.dueForSweep(NOW, limit);
      expect(res.items.map((c) => c.id)).toEqual(due.slice(0, limit).map((c) => c.id));
      // At most one page per bucket beyond what is returned.
      expect(res.itemsRead).toBeLessThanOrEqual(limit + BUCKETS * Math.ceil((2 * limit) / BUCKETS));
    }
  });

  it('pages the overdue listing across buckets in due order, with and without a filter, nothing twice', async () => {
    const overdue = (pred: (c: Complaint) => boolean) =>
      all.filter((c) => c.sla.dueAt! <= NOW.toISOString() && pred(c)).sort(byTime((c) => c.sla.dueAt)).map((c) => c.id);
    for (const [filter, pred] of [
      [{}, () => true],
      [{ department: 'quality' }, (c: Complaint) => c.department === 'quality'],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await repo.list({ ...filter, overdueAt: NOW }, 7, cursor);
        expect(page.items.length).toBeLessThanOrEqual(7);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.cursor;
        pages += 1;
      } while (cursor && pages < 100);
      expect(seen).toEqual(overdue(pred));
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it('refuses a cursor issued for another bucket count or forged', async () => {
    const page = await repo.list({ overdueAt: NOW }, 3);
    expect(page.cursor).toBeDefined();
    const other = new DynamoComplaintRepository(db.clients.doc, names, BUCKETS * 2);
    await expect(other.list({ overdueAt: NOW }, 3, page.cursor)).rejects.toMatchObject({ name: 'InvalidCursorError' });
    const forged = Buffer.from(JSON.stringify(Array.from({ length: BUCKETS }, () => [1, 2])), 'utf8').toString('base64url');
    await expect(repo.list({ overdueAt: NOW }, 3, forged)).rejects.toMatchObject({ name: 'InvalidCursorError' });
  });

  it('keeps a re-written complaint in its bucket and moves the legacy one into its own, never in two', async () => {
    for (const c of [all[7]!, legacy]) {
      const current = (await repo.get(c.id))!;
      const acked = applyEvent(current, { type: 'acknowledge', actor: 'agent:test' }, new Date(T0 + 3 * MINUTE), defaultConfig);
      if (!acked.ok) throw new Error('fixture');
      expect(await repo.update(acked.complaint, current.version)).toBe(true);
      const item = (await db.clients.doc.send(new QueryCommand({ TableName: names.complaints, KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': c.id } }))).Items![0]!;
      expect(item.sweepBucket).toBe(bucketValues('bySweepAt', BUCKETS)[bucketNumber(c.id, BUCKETS)]);
      let copies = 0;
      for (const value of bucketValues('bySweepAt', BUCKETS)) {
        const res = await db.clients.doc.send(
          new QueryCommand({
            TableName: names.complaints,
            IndexName: 'bySweepAt',
            KeyConditionExpression: 'sweepBucket = :b',
            FilterExpression: 'id = :id',
            ExpressionAttributeValues: { ':b': value, ':id': c.id },
          }),
        );
        copies += res.Items?.length ?? 0;
      }
      expect(copies).toBe(1);
    }
  });

  it('finds due surveys across buckets', async () => {
    const { names: fresh } = await db.freshTables();
    const surveyRepo = new DynamoComplaintRepository(db.clients.doc, fresh, BUCKETS);
    const surveys = new DynamoSurveyStore(db.clients.doc, { complaints: () => fresh.complaints, state: () => fresh.state }, BUCKETS);
    const resolved: Complaint[] = [];
    for (let i = 0; i < 24; i++) {
      let c = complaintOf(i);
      for (const type of ['acknowledge', 'start', 'resolve'] as const) {
        const next = applyEvent(c, { type, actor: 'agent:test' }, new Date(T0 + i * 17 * MINUTE + 5 * MINUTE), defaultConfig);
        if (!next.ok) throw new Error('fixture');
        c = next.complaint;
      }
      expect(c.survey?.dueAt).toBeDefined();
      resolved.push(c);
      await surveyRepo.create(c);
    }
    const at = new Date(Math.max(...resolved.map((c) => Date.parse(c.survey!.dueAt))));
    const expected = resolved.sort(byTime((c) => c.survey?.dueAt)).map((c) => c.id);
    expect((await surveys.due(at, 100)).items.map((c) => c.id)).toEqual(expected);
    expect((await surveys.due(at, 5)).items.map((c) => c.id)).toEqual(expected.slice(0, 5));
    const dueTimes = new DynamoDueTimes(db.clients.doc, { complaints: () => fresh.complaints, state: () => fresh.state }, BUCKETS);
    expect(await dueTimes.nextSurveyAt()).toEqual(new Date(resolved[0]!.survey!.dueAt));
  });

  it('lists open incidents across buckets, oldest opening first', async () => {
    const { names: fresh } = await db.freshTables();
    const alerts = new DynamoAlertStore(db.clients.doc, fresh.state, BUCKETS);
    const template = defaultConfig.categories[0]!;
    const categories = Array.from({ length: 20 }, (_, i) => `cat-${i}`);
    expect(new Set(categories.map((c) => bucketNumber(c, BUCKETS))).size).toBeGreaterThan(4);
    for (const [i, category] of categories.entries()) {
      // Opened newest first, so the merged order differs from the order of writing.
      const incident = newIncident({ ...template, id: category }, 5, [], new Date(T0 + (20 - i) * MINUTE));
      expect((await alerts.openIncident(incident)).opened).toBe(true);
    }
    const open = await alerts.listOpen();
    expect(open.map((o) => o.category)).toEqual([...categories].reverse());
  });

  it('lists the open incidents of given categories from their buckets and bucket 0 only, a legacy pointer too', async () => {
    const { names: fresh } = await db.freshTables();
    const queried: unknown[] = [];
    const counting = {
      send: (command: QueryCommand) => {
        queried.push(command.input.ExpressionAttributeValues?.[':v']);
        return db.clients.doc.send(command);
      },
    } as unknown as typeof db.clients.doc;
    const alerts = new DynamoAlertStore(counting, fresh.state, BUCKETS);
    const template = defaultConfig.categories[0]!;
    const categories = Array.from({ length: 20 }, (_, i) => `cat-${i}`);
    const [legacyCategory, ...rest] = categories.filter((c) => bucketNumber(c, BUCKETS) !== 0);
    // Opened before buckets existed: its pointer is in bucket 0, not in its category's bucket.
    const legacyIncident = newIncident({ ...template, id: legacyCategory! }, 5, [], new Date(T0));
    expect((await new DynamoAlertStore(db.clients.doc, fresh.state, 1).openIncident(legacyIncident)).opened).toBe(true);
    for (const [i, category] of categories.filter((c) => c !== legacyCategory).entries()) {
      expect((await alerts.openIncident(newIncident({ ...template, id: category }, 5, [], new Date(T0 + (i + 1) * MINUTE)))).opened).toBe(true);
    }
    const wanted = [legacyCategory!, rest[0]!, rest[1]!];
    queried.length = 0;
    const open = await alerts.listOpen(wanted);
    expect(open.map((o) => o.category)).toEqual(wanted);
    const buckets = new Set([0, ...wanted.map((c) => bucketNumber(c, BUCKETS))]);
    expect(queried).toHaveLength(buckets.size);
    expect(buckets.size).toBeLessThan(BUCKETS);
    expect(await alerts.listOpen([])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { toItem } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { bucketedIndexKeys, type BucketedIndex } from '../../functions/adapters/index-buckets.ts';
import { tables } from '../../functions/pipeline.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { sweepSla } from '../../functions/domain/sla.ts';
import { markSurveySending, markSurveySent } from '../../functions/domain/survey.ts';
import { defaultConfig } from '../fixtures/config.ts';

/**
 * GSI writes DynamoDB makes for one base-table Put, per index: 1 when the item enters the index, 1
 * when it leaves, 2 when its index key changes (delete + put); when it stays with the same key, 1 if a
 * projected attribute changed: with projection ALL always (every write bumps `version`), with the
 * projection pipeline.ts declares (`include`) only when one of those attributes changed.
 */
function gsiWrites(index: BucketedIndex, before: Record<string, unknown> | undefined, after: Record<string, unknown>, projection: 'ALL' | 'declared'): number {
  const { partition, sort } = bucketedIndexKeys(index);
  const was = before !== undefined && before[partition] !== undefined;
  const is = after[partition] !== undefined;
  if (!was && !is) return 0;
  if (was !== is) return 1;
  if (before![partition] !== after[partition] || before![sort] !== after[sort]) return 2;
  if (projection === 'ALL') return 1;
  const include = tables.complaints.indexes.find((i) => i.name === index)?.include ?? [];
  return include.some((a) => JSON.stringify(before![a]) !== JSON.stringify(after[a])) ? 1 : 0;
}

const COMPLAINT_INDEXES = ['byDueAt', 'bySweepAt', 'bySurveyDue'] as const;
const MINUTE = 60_000;
const T0 = new Date('2026-11-16T02:00:00.000Z');

/** Every Put of the complaint item over a lifecycle, as the use cases write it. */
function lifecycle(withSweeps: boolean): Complaint[] {
  const created = createComplaint(
    { channel: 'web', customer: { id: 'c1', email: 'c@example.com' }, description: '快递延迟一周还没有到', category: 'logistics-delay', severity: 'medium' },
    defaultConfig,
    T0,
    'C1',
  );
  if (!created.ok) throw new Error('fixture');
  const writes: Complaint[] = [created.complaint];
  let c = created.complaint;
  const event = (type: 'acknowledge' | 'start' | 'resolve', at: Date) => {
    const next = applyEvent(c, { type, actor: 'agent:a' }, at, defaultConfig);
    if (!next.ok) throw new Error(`fixture: ${type}`);
    c = next.complaint;
    writes.push(c);
  };
  if (withSweeps) {
    // Nobody acknowledges for a day: the sweeper warns, then escalates once past the due time.
    for (const at of [c.sla.warnAt!, c.sla.dueAt!]) {
      const swept = sweepSla(c, defaultConfig, new Date(Date.parse(at) + MINUTE));
      expect(swept.steps.length).toBeGreaterThan(0);
      c = swept.complaint;
      writes.push(c);
    }
  }
  const late = withSweeps ? Date.parse(c.sla.dueAt!) + 2 * MINUTE : T0.getTime() + 30 * MINUTE;
  event('acknowledge', new Date(late));
  event('start', new Date(late + MINUTE));
  event('resolve', new Date(late + 60 * MINUTE));
  const surveyAt = new Date(Date.parse(c.survey!.dueAt) + MINUTE);
  c = markSurveySending(c, surveyAt, new Date(surveyAt.getTime() + 5 * MINUTE));
  writes.push(c);
  c = markSurveySent(c, new Date(surveyAt.getTime() + MINUTE));
  writes.push(c);
  return writes;
}

function count(writes: Complaint[], projection: 'ALL' | 'declared' = 'ALL'): Record<(typeof COMPLAINT_INDEXES)[number], number> & { itemKb: number } {
  const items = writes.map((c) => toItem(c, 16));
  const out = { byDueAt: 0, bySweepAt: 0, bySurveyDue: 0, itemKb: 0 };
  items.forEach((item, i) => {
    for (const index of COMPLAINT_INDEXES) out[index] += gsiWrites(index, items[i - 1], item, projection);
  });
  out.itemKb = Math.max(...items.map((i) => Buffer.byteLength(JSON.stringify(i), 'utf8'))) / 1024;
  return out;
}

// The figures README "Sparse index buckets" builds its table on.
describe('GSI writes per complaint lifecycle on the sparse due indexes', () => {
  it('quiet lifecycle (intake, acknowledge, start, resolve, survey claimed and sent): 5, 5 and 4 writes', () => {
    const { itemKb, ...writes } = count(lifecycle(false));
    expect(writes).toEqual({ byDueAt: 5, bySweepAt: 5, bySurveyDue: 4 });
    expect(itemKb).toBeLessThan(4);
  });

  it('with an SLA warning and an escalation swept first: 7, 9 and 4 writes', () => {
    const { itemKb, ...writes } = count(lifecycle(true));
    expect(writes).toEqual({ byDueAt: 7, bySweepAt: 9, bySurveyDue: 4 });
    expect(itemKb).toBeLessThan(4);
  });
});

// What the indexes cost as pipeline.ts projects them (keys, byDueAt also status, department and
// category): a write that leaves the keys and those attributes alone does not touch the index.
describe('GSI writes per complaint lifecycle on the sparse due indexes, as projected', () => {
  it('quiet lifecycle: 5, 4 and 4 writes (entering, key changes, leaving; byDueAt also each status change)', () => {
    const { itemKb: _, ...writes } = count(lifecycle(false), 'declared');
    expect(writes).toEqual({ byDueAt: 5, bySweepAt: 4, bySurveyDue: 4 });
  });

  it('with an SLA warning and an escalation swept first: 5, 8 and 4 writes', () => {
    const { itemKb: _, ...writes } = count(lifecycle(true), 'declared');
    expect(writes).toEqual({ byDueAt: 5, bySweepAt: 8, bySurveyDue: 4 });
  });
});

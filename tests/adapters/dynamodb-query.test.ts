import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryBucketsMerged, type BucketPosition } from '../../functions/adapters/dynamodb-query.ts';

interface Row {
  id: string;
  b: string;
  t: string;
  keep: boolean;
}

/**
 * An index partition per bucket as DynamoDB Query pages it: ascending by `t` (then id), `Limit`
 * items evaluated per page, `LastEvaluatedKey` when the page stopped at the limit, and a filter that
 * drops items after they are read (so a page can hold fewer items than it read, even none).
 */
function fakeIndex(rows: Row[]): { doc: DynamoDBDocumentClient; requests: () => number } {
  let requests = 0;
  const send = async (command: unknown) => {
    if (!(command instanceof QueryCommand)) throw new Error('expected a Query');
    requests += 1;
    const input = command.input;
    const bucket = input.ExpressionAttributeValues![':bucket'];
    const partition = rows.filter((r) => r.b === bucket).sort((x, y) => x.t.localeCompare(y.t) || x.id.localeCompare(y.id));
    const after = input.ExclusiveStartKey as { id: string } | undefined;
    const start = after ? partition.findIndex((r) => r.id === after.id) + 1 : 0;
    const page = partition.slice(start, start + input.Limit!);
    const more = start + input.Limit! < partition.length;
    return {
      Items: page.filter((r) => r.keep).map((r) => ({ ...r })),
      ScannedCount: page.length,
      ...(more && page.length > 0 && { LastEvaluatedKey: { id: page.at(-1)!.id, b: bucket, t: page.at(-1)!.t } }),
    };
  };
  return { doc: { send } as unknown as DynamoDBDocumentClient, requests: () => requests };
}

const BUCKETS = ['B0', 'B1', 'B2', 'B3'];
const rowsArb = fc
  .array(fc.record({ b: fc.constantFrom(...BUCKETS), minute: fc.integer({ min: 0, max: 50 }), keep: fc.boolean() }), { maxLength: 60 })
  .map((rs) => rs.map((r, i) => ({ id: `c${String(i).padStart(3, '0')}`, b: r.b, t: `2026-11-16T00:${String(r.minute).padStart(2, '0')}`, keep: r.keep })));

function call(doc: DynamoDBDocumentClient, limit: number, from?: BucketPosition[], maxRequests?: number) {
  return queryBucketsMerged(doc, {
    input: { TableName: 't', IndexName: 'i', KeyConditionExpression: 'b = :bucket' },
    buckets: BUCKETS,
    sortAttr: 't',
    keyAttrs: ['id', 'b', 't'],
    limit,
    ...(from && { from }),
    ...(maxRequests !== undefined && { maxRequests }),
  });
}

describe('queryBucketsMerged', () => {
  it('pages through every bucket in time order, each kept item once, whatever the limit and request budget', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 12 }), fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }), async (rows, limit, budget) => {
        const { doc } = fakeIndex(rows);
        const seen: Row[] = [];
        let from: BucketPosition[] | undefined;
        for (let calls = 0; calls < 500; calls++) {
          const res = await call(doc, limit, from, budget);
          expect(res.items.length).toBeLessThanOrEqual(limit);
          seen.push(...(res.items as unknown as Row[]));
          from = res.positions;
          if (from.every((p) => p.done)) break;
        }
        expect(from?.every((p) => p.done)).toBe(true);
        const times = seen.map((r) => r.t);
        expect(times).toEqual([...times].sort());
        expect(seen.map((r) => r.id).sort()).toEqual(rows.filter((r) => r.keep).map((r) => r.id).sort());
      }),
      { numRuns: 200 },
    );
  });

  it('reads what it returns plus at most one page per bucket, in one parallel round when pages suffice', async () => {
    // 40 rows over 4 buckets, none filtered; limit 8 → pages of 4 per bucket.
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: `c${String(i).padStart(3, '0')}`, b: BUCKETS[i % 4]!, t: `2026-11-16T00:${String(i).padStart(2, '0')}`, keep: true }));
    const { doc, requests } = fakeIndex(rows);
    const res = await call(doc, 8);
    expect(res.items.map((r) => r.id)).toEqual(rows.slice(0, 8).map((r) => r.id));
    expect(res.itemsRead).toBeLessThanOrEqual(8 + 4 * 4);
    expect(requests()).toBe(4);
  });
});

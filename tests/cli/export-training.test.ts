import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoComplaintRepository, toItem } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { main } from '../../functions/cli/export-training.ts';
import { readCsvFile } from '../../functions/cli/text-csv.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { eraseComplaint } from '../../functions/domain/personal-data.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { PutCommand } from '@aws-sdk/lib-dynamodb';

const db = withDynamoDbLocal();
const dir = mkdtempSync(join(tmpdir(), 'export-training-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function complaint(at: string, input: { title?: string; description: string; category?: string }, id: string): Complaint {
  const r = createComplaint({ channel: 'web', customer: { id: `c-${id}`, email: `${id}@example.com` }, ...input }, defaultConfig, new Date(at), id);
  if (!r.ok) throw new Error('fixture');
  return r.complaint;
}

describe('npm run export-training', () => {
  let table: string;
  let lens: Complaint;

  beforeAll(async () => {
    const { names } = await db.freshTables();
    table = names.complaints;
    const repo = new DynamoComplaintRepository(db.clients.doc, names, 2);
    // Filed by the keywords as a delivery problem, then moved by an agent, twice.
    lens = complaint('2026-11-20T02:00:00Z', { title: 'Lens late, and scratched', description: 'The parcel was late, "and" the lens, =SUM(1) has a mark' }, '01KA0000000000000000000002');
    for (const [category, actor] of [['after-sales', 'agent:wang'], ['product-quality', 'agent:li']] as const) {
      const moved = applyEvent(lens, { type: 'recategorize', actor, category }, new Date('2026-11-20T03:00:00Z'), defaultConfig);
      if (!moved.ok) throw new Error('recategorize');
      lens = moved.complaint;
    }
    await repo.create(lens);
    await repo.create(complaint('2026-11-19T02:00:00Z', { description: '退款十天了还没到账', category: 'refund' }, '01KA0000000000000000000001'));
    await repo.create(eraseComplaint(complaint('2026-11-21T02:00:00Z', { description: 'Jingyi, my account was hacked' }, '01KA0000000000000000000003'), new Date('2026-11-22T00:00:00Z')));
    await db.clients.doc.send(new PutCommand({ TableName: table, Item: { id: 'not-a-complaint', junk: true } }));
    expect(toItem(lens, 2).category).toBe('product-quality');
  });

  it('writes every complaint with text as a row train reads: the category it ended in and what intake decided', async () => {
    const out = join(dir, 'history.csv');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['--table', table, '--endpoint', db.endpoint, '--out', out])).toBe(0);
      expect(log.mock.calls[0]![0]).toBe(`export-training: 2 complaints (1 moved by an agent) → ${out}; left out: 1 erased, 1 not complaints`);
    } finally {
      log.mockRestore();
    }
    const csv = readCsvFile(out);
    expect(csv.header).toEqual(['id', 'received_at', 'title', 'description', 'category', 'intake_category', 'intake_method', 'corrected_by']);
    expect(csv.rows).toEqual([
      ['01KA0000000000000000000001', '2026-11-19T02:00:00.000Z', '', '退款十天了还没到账', 'refund', 'refund', 'explicit', ''],
      ['01KA0000000000000000000002', '2026-11-20T02:00:00.000Z', 'Lens late, and scratched', 'The parcel was late, "and" the lens, =SUM(1) has a mark', 'product-quality', lens.timeline.find((e) => e.recategorized)!.recategorized!.from.category, lens.classification!.method, 'agent:li'],
    ]);
    expect(lens.timeline.find((e) => e.recategorized)!.recategorized!.from.category).not.toBe('product-quality');
  });

  it('names a missing table, a bad endpoint and missing flags on one line, exit code 2', async () => {
    const errors: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    try {
      expect(await main(['--table', 'nope-complaints', '--endpoint', db.endpoint, '--out', join(dir, 'x.csv')])).toBe(2);
      expect(await main(['--table', table, '--endpoint', 'not a url', '--out', join(dir, 'x.csv')])).toBe(2);
      expect(await main(['--table', table])).toBe(2);
    } finally {
      err.mockRestore();
    }
    expect(errors[0]).toMatch(/^export-training: no table 'nope-complaints' at http:\/\/127\.0\.0\.1:\d+: name the complaints table/);
    expect(errors[1]).toBe("export-training: --endpoint 'not a url' is not a URL (e.g. http://127.0.0.1:8000)");
    expect(errors[2]).toMatch(/^export-training: missing --out; usage: npm run export-training/);
  });

  it('names a missing region, an endpoint nobody answers at and an --out folder that does not exist on one line, exit code 2', async () => {
    const errors: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    // No region anywhere the SDK looks: not in the environment, not in a profile.
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
    try {
      expect(await main(['--table', table, '--out', join(dir, 'x.csv')])).toBe(2);
      expect(await main(['--table', table, '--endpoint', 'http://127.0.0.1:1', '--out', join(dir, 'x.csv')])).toBe(2);
      expect(await main(['--table', table, '--endpoint', db.endpoint, '--out', join(dir, 'nonexistent', 'h.csv')])).toBe(2);
    } finally {
      vi.unstubAllEnvs();
      err.mockRestore();
    }
    expect(errors).toEqual([
      'export-training: no AWS region: pass --region <region> (or set AWS_REGION) for a table in AWS, or --endpoint <DynamoDB Local URL> for a local one',
      'export-training: nothing answers at --endpoint http://127.0.0.1:1 (ECONNREFUSED): start DynamoDB Local (npm start prints its URL) or correct --endpoint',
      `export-training: --out '${join(dir, 'nonexistent', 'h.csv')}': folder ${join(dir, 'nonexistent')} does not exist; create it or choose another file`,
    ]);
  });
});

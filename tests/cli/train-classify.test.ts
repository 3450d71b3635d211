import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main as classifyMain } from '../../functions/cli/classify.ts';
import { main as trainMain, parseTrainArgs } from '../../functions/cli/train.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const cols = ['--text-column', 'title', '--text-column', 'body'];

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs a CLI main with console and stderr captured. */
async function run(main: (argv: string[]) => Promise<number>, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('') };
}

describe('npm run train', () => {
  it('trains, reports held-out figures beside the keyword rules and the majority class, and writes a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    const out = join(dir, 'model.json');
    const r = await run(trainMain, ['--file', fixture('triage-small.csv'), ...cols, '--label-column', 'category', '--out', out, '--test-fraction', '0.34', '--seed', '2']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('train: cross-validating');
    expect(r.out).toContain('rows: 16 training, 8 held out');
    expect(r.out).toMatch(/model \((logreg|complement-nb)\)\s+\d+\.\d%\s+0\.\d{3}/);
    expect(r.out).toMatch(/keyword rules \(config\)\s+\d+\.\d%/);
    expect(r.out).toMatch(/majority class\s+25\.0%/);
    expect(r.out).toMatch(/precision\s+recall\s+F1\s+support/);
    const model = JSON.parse(readFileSync(out, 'utf8'));
    expect(model).toMatchObject({ format: 'complaint-text-classifier', version: 1, labels: ['account-security', 'logistics-delay', 'product-quality', 'refund'] });
    expect(model.evaluation.rows).toBe(8);

    const again = join(dir, 'again.json');
    await run(trainMain, ['--file', fixture('triage-small.csv'), ...cols, '--label-column', 'category', '--out', again, '--test-fraction', '0.34', '--seed', '2']);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('says why the keyword rules are not compared when the labels are not category ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    const map = join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({ refund: 'Money', 'logistics-delay': 'Shipping' }));
    const r = await run(trainMain, ['--file', fixture('triage-small.csv'), ...cols, '--label-column', 'category', '--out', join(dir, 'm.json'), '--label-map', map]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("keyword rules not compared: labels are not the config's category ids");
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).labels).toEqual(['Money', 'Shipping', 'account-security', 'product-quality']);
  });

  it.each([
    [['--file', 'triage-small.csv', '--text-column', 'body', '--label-column', 'category'], /train: missing --out/],
    [['--file', 'triage-small.csv', '--label-column', 'category', '--out', 'x.json'], /train: missing --text-column/],
    [['--file', 'triage-small.csv', '--text-column', 'body', '--label-column', 'category', '--out', 'x.json', '--seed', 'abc'], /--seed must be a whole number/],
    [['--file', 'triage-small.csv', '--text-column', 'body', '--label-column', 'category', '--out', 'x.json', '--test-fraction', '1'], /--test-fraction must be a number/],
    [['--file', 'triage-small.csv', '--text-column', 'body', '--label-column', 'category', '--out', 'x.json', '--colour', 'red'], /unknown option --colour/],
  ])('refuses the command line %j', async (argv, message) => {
    const r = await run(trainMain, argv.map((a) => (a.endsWith('.csv') ? fixture(a) : a)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it.each([
    ['triage-small.csv', 'bdy', 'category', /unknown column 'bdy' in .*triage-small\.csv; its columns are: id, title, body, category/],
    ['triage-small.csv', 'body', 'categry', /unknown column 'categry'/],
    ['triage-empty.csv', 'body', 'category', /triage-empty\.csv is empty/],
    ['triage-header-only.csv', 'body', 'category', /has a header but no data rows/],
    ['no-such-file.csv', 'body', 'category', /cannot read .*no-such-file\.csv: ENOENT/],
  ])('names the problem with %s (%s, %s)', async (file, text, label, message) => {
    const r = await run(trainMain, ['--file', fixture(file), '--text-column', text, '--label-column', label, '--out', join(tmpdir(), 'never.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('parses repeated text columns and defaults', () => {
    expect(parseTrainArgs(['--file', 'a.csv', ...cols, '--label-column', 'c', '--out', 'm.json'])).toMatchObject({
      textColumns: ['title', 'body'],
      testFraction: 0.2,
      seed: 1,
      algorithm: 'auto',
    });
  });
});

describe('npm run classify', () => {
  it('writes one entry per data row in file order, row 1 first after the header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-'));
    const model = join(dir, 'model.json');
    expect((await run(trainMain, ['--file', fixture('triage-small.csv'), ...cols, '--label-column', 'category', '--out', model, '--test-fraction', '0'])).code).toBe(0);
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'subject,text\nA,"快递一直没到，物流不更新"\nB,someone changed my password\nC,退货以后钱还没退回\n');
    const out = join(dir, 'out.json');
    const r = await run(classifyMain, ['--model', model, '--file', input, '--text-column', 'text', '--json', out]);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Array<{ row: number; label: string; confidence: number }>;
    expect(result.map((x) => [x.row, x.label])).toEqual([
      [1, 'logistics-delay'],
      [2, 'account-security'],
      [3, 'refund'],
    ]);
    for (const x of result) expect(x.confidence).toBeGreaterThan(0.25);
  });

  it.each([
    [['--file', 'in.csv', '--text-column', 'text', '--json', 'o.json'], /missing --model/],
    [['--model', 'no-model.json', '--file', 'in.csv', '--text-column', 'text', '--json', 'o.json'], /cannot read model file no-model\.json/],
  ])('refuses %j', async (argv, message) => {
    const r = await run(classifyMain, argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('names an unknown column and a file that is not a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classify-'));
    const notModel = join(dir, 'not-model.json');
    writeFileSync(notModel, JSON.stringify({ format: 'something-else' }));
    const bad = await run(classifyMain, ['--model', notModel, '--file', fixture('triage-small.csv'), '--text-column', 'body', '--json', join(dir, 'o.json')]);
    expect(bad.err).toMatch(/not-model\.json is not a text model this version reads \(format:/);
    const model = join(dir, 'model.json');
    await run(trainMain, ['--file', fixture('triage-small.csv'), ...cols, '--label-column', 'category', '--out', model, '--test-fraction', '0', '--algorithm', 'complement-nb']);
    const r = await run(classifyMain, ['--model', model, '--file', fixture('triage-small.csv'), '--text-column', 'text', '--json', join(dir, 'o.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown column 'text'.*its columns are: id, title, body, category/);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLASS_MOCK, OWN_PROCESS, PROCESS_STATE, PROJECT_ORDER, runOrder } from '../support/test-projects.ts';
import { workerEndpoint } from '../support/worker-endpoint.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const path = `${dir}/${d.name}`;
    if (d.isDirectory()) return testFiles(path);
    return d.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The I/O files: every test file outside the pure folders. */
const ioFiles = testFiles('tests').filter((f) => !/^tests\/(domain|infra)\//.test(f));

describe('which test files share a worker process (vitest.config.ts)', () => {
  it('runs every I/O file that writes process-wide state in a process of its own', () => {
    const needOwn = ioFiles.filter((f) => PROCESS_STATE.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(needOwn.filter((f) => !OWN_PROCESS.includes(f))).toEqual([]);
    // And no file is kept apart without a reason the check can see.
    expect(OWN_PROCESS.filter((f) => !needOwn.includes(f))).toEqual([]);
  });

  it('restores every SDK client class a shared file mocks, so the next file in the worker talks to DynamoDB Local', () => {
    const shared = ioFiles.filter((f) => !OWN_PROCESS.includes(f));
    const mocking = shared.filter((f) => CLASS_MOCK.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(mocking).toContain('tests/local/stream-poller-shards.test.ts');
    expect(mocking.filter((f) => !/\.restore\(\)/.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
    expect(CLASS_MOCK.test('const ses = mockClient(SESClient);')).toBe(true);
    expect(CLASS_MOCK.test('const ddb = mockClient(doc);')).toBe(false);
  });

  it('runs the files project by project, the longest first within each, so workers are reused', () => {
    const names = [...readFileSync(join(ROOT, 'vitest.config.ts'), 'utf8').matchAll(/\bname: '([\w-]+)'/g)].map((m) => m[1]);
    expect([...names].sort()).toEqual([...PROJECT_ORDER].sort());
    const files = [
      { project: 'pure', weight: 9_000, path: 'cdk' },
      { project: 'io', weight: 1_000, path: 'short io' },
      { project: 'io-own', weight: 50_000, path: 'own' },
      { project: 'io', weight: 40_000, path: 'long io' },
      { project: 'pure', weight: 100, path: 'domain' },
    ];
    expect(runOrder(files).map((f) => f.path)).toEqual(['long io', 'short io', 'own', 'cdk', 'domain']);
  });

  it('names only files that exist', () => {
    expect(OWN_PROCESS.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
  });

  it('recognises what makes a file need its own process, and not comparisons', () => {
    expect(PROCESS_STATE.test("process.env.PIPELINE_CONFIG_INLINE = '{}';")).toBe(true);
    expect(PROCESS_STATE.test("process.env['X'] = 'y';")).toBe(true);
    expect(PROCESS_STATE.test('delete process.env.PATH;')).toBe(true);
    expect(PROCESS_STATE.test("process.env.TZ ??= 'UTC';")).toBe(true);
    expect(PROCESS_STATE.test("Object.assign(process.env, { TZ: 'UTC' });")).toBe(true);
    expect(PROCESS_STATE.test('vi.resetModules();')).toBe(true);
    expect(PROCESS_STATE.test("vi.mock('../x.ts');")).toBe(true);
    expect(PROCESS_STATE.test("vi.stubEnv('TZ', 'UTC');")).toBe(true);
    expect(PROCESS_STATE.test("if (process.env.CI === 'true') skip();")).toBe(false);
    expect(PROCESS_STATE.test('const saved = process.env.PATH;')).toBe(false);
  });
});

describe('which DynamoDB Local a worker uses (tests/support/global-dynamodb.ts starts one per worker)', () => {
  const two = 'http://127.0.0.1:8001,http://127.0.0.1:8002';
  it('gives each worker its own, by vitest pool id', () => {
    expect(workerEndpoint(two, '1')).toBe('http://127.0.0.1:8001');
    expect(workerEndpoint(two, '2')).toBe('http://127.0.0.1:8002');
    // A pool id past the list (global-dynamodb.ts starts one per worker, so only a hand-made list): shared in turn.
    expect(workerEndpoint(two, '3')).toBe('http://127.0.0.1:8001');
  });
  it('uses the first without a pool id, and none when the run started none (TEST_OWN_DYNAMODB=1)', () => {
    expect(workerEndpoint(two, undefined)).toBe('http://127.0.0.1:8001');
    expect(workerEndpoint('http://127.0.0.1:8001', '2')).toBe('http://127.0.0.1:8001');
    expect(workerEndpoint('', '1')).toBeUndefined();
  });
});

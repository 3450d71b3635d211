import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'start-errors-'));
let blocker: Server | undefined;
afterAll(async () => {
  await new Promise<void>((ok) => (blocker ? blocker.close(() => ok()) : ok()));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm start`'s entry module to its exit. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.once('exit', (code) => ok({ code, output }));
  });
}

describe('npm start refuses clearly', () => {
  it('a port in use: says to set PORT and exits non-zero', async () => {
    blocker = createServer();
    const port = await new Promise<number>((ok) => blocker!.listen(0, '127.0.0.1', () => ok((blocker!.address() as { port: number }).port)));
    const { code, output } = await runStart({ PORT: String(port) });
    expect(code).toBe(1);
    expect(output).toContain(`port ${port} is already in use: set PORT`);
    expect(output).not.toMatch(/^\s+at /m);
  });

  // Checked before Java starts, as PORT is: no DynamoDB Local is started by this test.
  it('an SMTP port in use: says to set SMTP_PORT and exits non-zero, no stack trace', async () => {
    const taken = createServer();
    const port = await new Promise<number>((ok) => taken.listen(0, '127.0.0.1', () => ok((taken.address() as { port: number }).port)));
    try {
      const { code, output } = await runStart({ PORT: '0', SMTP_PORT: String(port) });
      expect(code).toBe(1);
      expect(output).toContain(`SMTP port ${port} is already in use: set SMTP_PORT to a free port`);
      expect(output).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise<void>((ok) => taken.close(() => ok()));
    }
  });

  it('a DYNAMODB_PERSIST_DIR held by a running npm start: names the variable and the pid, before Java', async () => {
    const held = join(dir, 'held');
    mkdirSync(held);
    // This test process is alive, so its pid holds the lock.
    writeFileSync(join(held, 'npm-start.lock'), JSON.stringify({ pid: process.pid }));
    const { code, output } = await runStart({ PORT: '0', DYNAMODB_PERSIST_DIR: held });
    expect(code).toBe(1);
    expect(output).toContain(`DYNAMODB_PERSIST_DIR ${held} is in use by another npm start (pid ${process.pid})`);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('a DYNAMODB_PERSIST_DIR under a file: names the variable and the reason, before Java', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const { code, output } = await runStart({ PORT: '0', DYNAMODB_PERSIST_DIR: join(dir, 'a-file', 'db') });
    expect(code).toBe(1);
    expect(output).toContain(`DYNAMODB_PERSIST_DIR ${join(dir, 'a-file', 'db')} cannot be created (a part of the path is a file, not a folder)`);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it.each([
    ['DYNAMODB_ENDPOINT without a scheme', { DYNAMODB_ENDPOINT: 'localhost:8000' }, "DYNAMODB_ENDPOINT must be the URL of a running DynamoDB Local such as http://127.0.0.1:8000, got 'localhost:8000'"],
    ['DYNAMODB_ENDPOINT where nothing answers', { DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' }, 'DynamoDB Local is not answering at DYNAMODB_ENDPOINT http://127.0.0.1:1 (ECONNREFUSED)'],
    ['DYNAMODB_TABLE_PREFIX with a space', { DYNAMODB_TABLE_PREFIX: 'my prefix' }, "DYNAMODB_TABLE_PREFIX may hold only letters, digits, '_', '-' and '.', at most 244 of them"],
    ['DYNAMODB_TABLE_PREFIX one character too long', { DYNAMODB_TABLE_PREFIX: 'p'.repeat(245) }, "DYNAMODB_TABLE_PREFIX may hold only letters, digits, '_', '-' and '.', at most 244 of them"],
  ])('%s: names the variable in one line', async (_what, env, message) => {
    const { code, output } = await runStart({ PORT: '0', ...env });
    expect(code).toBe(1);
    expect(output).toContain(message);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('an invalid JSON config: names the file, line and column', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "company": {\n    "name": "X",\n  }\n}\n');
    const { code, output } = await runStart({ PIPELINE_CONFIG: file, PORT: '0' });
    expect(code).toBe(1);
    expect(output).toContain('broken.json');
    expect(output).toContain('not valid JSON at line 4, column 3');
  });

  it.each(['next friday', '2026-11-20T20:00:00'])('a LOCAL_CLOCK_START that is not an instant with an offset (%s): names the variable and an example', async (value) => {
    const { code, output } = await runStart({ LOCAL_CLOCK_START: value, PORT: '0' });
    expect(code).toBe(1);
    expect(output).toContain(`LOCAL_CLOCK_START must be an ISO 8601 instant such as 2026-11-20T20:00:00+08:00, got '${value}'`);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('a LOCAL_IDLE_RUNS other than skip or invoke: names the variable and both values', async () => {
    const { code, output } = await runStart({ LOCAL_IDLE_RUNS: 'sometimes', PORT: '0' });
    expect(code).toBe(1);
    expect(output).toContain("LOCAL_IDLE_RUNS must be 'skip' (the default: scheduled runs with nothing due are skipped) or 'invoke' (every run, as EventBridge does), got 'sometimes'");
    expect(output).not.toMatch(/^\s+at /m);
  });
});

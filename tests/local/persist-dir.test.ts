import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLOCK_FILE, LOCK_FILE, lockPersistDir, PersistDirError, preparePersistDir, readSavedClock, resumeClockAt, saveClock } from '../../functions/local/persist-dir.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';

const scratch = mkdtempSync(join(tmpdir(), 'persist-dir-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(scratch, `d${++n}`);
  mkdirSync(dir);
  return dir;
};

describe('preparePersistDir', () => {
  it('creates a missing folder and leaves no probe behind', () => {
    const dir = join(fresh(), 'a', 'b');
    expect(preparePersistDir(dir)).toBe(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdir(dir)).toEqual([]);
  });

  it.each([
    ['a path under a file', (f: string) => join(f, 'db'), 'cannot be created (a part of the path is a file, not a folder)'],
    ['a file', (f: string) => f, 'is a file, not a folder'],
  ])('refuses %s in one line naming DYNAMODB_PERSIST_DIR', (_what, path, reason) => {
    const file = join(fresh(), 'plain-file');
    writeFileSync(file, '');
    expect(() => preparePersistDir(path(file))).toThrow(new PersistDirError(`DYNAMODB_PERSIST_DIR ${path(file)} ${reason}: set DYNAMODB_PERSIST_DIR to a folder this user can write`));
  });

  // root writes into a mode 555 folder anyway (and so would Java): only meaningful for other users.
  it.skipIf(process.getuid?.() === 0)('refuses a folder it cannot write (mode 555) and one under it', () => {
    const dir = fresh();
    chmodSync(dir, 0o555);
    try {
      expect(() => preparePersistDir(dir)).toThrow(/^DYNAMODB_PERSIST_DIR .* is not writable \(permission denied\)/);
      expect(() => preparePersistDir(join(dir, 'db'))).toThrow(/^DYNAMODB_PERSIST_DIR .* cannot be created \(permission denied\)/);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

function readdir(dir: string): string[] {
  return readdirSync(dir);
}

describe('lockPersistDir', () => {
  const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

  it('a second start on the folder is refused, naming DYNAMODB_PERSIST_DIR and the pid holding it; released on stop', async () => {
    const dir = fresh();
    const first = await lockPersistDir(dir, { pid: 111, isAlive: alive([111]) });
    await expect(lockPersistDir(dir, { pid: 222, isAlive: alive([111, 222]) })).rejects.toThrow(
      new PersistDirError(`DYNAMODB_PERSIST_DIR ${dir} is in use by another npm start (pid 111): stop that one, or set DYNAMODB_PERSIST_DIR to another folder`),
    );
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const second = await lockPersistDir(dir, { pid: 222, isAlive: alive([222]) });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: 222 });
    second.release();
  });

  it('takes over the lock of a dead owner, saying so, and stops the DynamoDB Local it left running', async () => {
    const dir = fresh();
    const crashed = await lockPersistDir(dir, { pid: 111, isAlive: alive([111]) });
    crashed.recordJava(333);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: 111, javaPid: 333 });
    const lines: string[] = [];
    const stopped: number[] = [];
    const lock = await lockPersistDir(dir, {
      pid: 222,
      isAlive: alive([222, 333]),
      isDynamoDbLocal: (pid) => pid === 333,
      stopProcess: async (pid) => void stopped.push(pid),
      log: (line) => lines.push(line),
    });
    expect(stopped).toEqual([333]);
    expect(lines).toEqual([
      `DYNAMODB_PERSIST_DIR ${dir}: stopping DynamoDB Local (pid 333) left running by npm start pid 111, which ended without stopping it`,
      `DYNAMODB_PERSIST_DIR ${dir}: taking over the lock of npm start pid 111, which is no longer running`,
    ]);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: 222 });
    lock.release();
  });

  it.each([
    ['is not DynamoDB Local (its pid was reused)', false],
    ['cannot be told apart (not Linux)', undefined],
  ])('leaves a recorded JVM pid alone when the process %s', async (_what, isDdb) => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 111, javaPid: 333 }));
    const stopped: number[] = [];
    const lock = await lockPersistDir(dir, { pid: 222, isAlive: alive([222, 333]), isDynamoDbLocal: () => isDdb, stopProcess: async (pid) => void stopped.push(pid) });
    expect(stopped).toEqual([]);
    lock.release();
  });

  it('takes over a lock file that is empty or not ours (a crash between create and write)', async () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), '');
    const lock = await lockPersistDir(dir, { pid: 222, isAlive: alive([222]) });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: 222 });
    lock.release();
  });

  it('checks the real process table by default: this test process holds the lock', async () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid }));
    await expect(lockPersistDir(dir, { pid: 999_999_999 })).rejects.toThrow(`(pid ${process.pid})`);
  });
});

describe('the clock of a persist folder', () => {
  const saved = new Date('2026-11-21T08:00:00Z');
  it.each([
    ['no saved clock: the requested start', undefined, '2026-11-20T00:00:00Z', { start: new Date('2026-11-20T00:00:00Z') }],
    ['a saved clock before the requested start: the start', saved, '2026-11-22T00:00:00Z', { start: new Date('2026-11-22T00:00:00Z') }],
    ['a saved clock after it (moved by POST /local/clock): the saved clock, never back', saved, '2026-11-20T00:00:00Z', { start: saved, ignored: new Date('2026-11-20T00:00:00Z') }],
  ])('%s', (_what, s, wanted, expected) => {
    expect(resumeClockAt(s, new Date(wanted))).toEqual(expected);
  });

  it('saves every move of the clock and reads it back', () => {
    const dir = fresh();
    expect(readSavedClock(dir)).toBeUndefined();
    const clock = new SimulatedClock(saved, { onSet: (now) => saveClock(dir, now) });
    clock.set(new Date('2026-11-22T08:00:00Z'));
    expect(readSavedClock(dir)).toEqual(new Date('2026-11-22T08:00:00Z'));
    expect(existsSync(join(dir, `${CLOCK_FILE}.tmp`))).toBe(false);
  });

  it('names a saved clock file it cannot read', () => {
    const dir = fresh();
    writeFileSync(join(dir, CLOCK_FILE), '{"now":"tomorrow"}');
    expect(() => readSavedClock(dir)).toThrow(`${join(dir, CLOCK_FILE)} is not a saved clock; delete it`);
  });
});

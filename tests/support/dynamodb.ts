import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTables, type CreatedTable } from '../../functions/local/create-tables.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoClients,
  startDynamoDbLocal,
  type DynamoDbLocal,
  type LocalDynamoClients,
} from '../../functions/local/dynamodb-local.ts';
import { tables, type TableName } from '../../functions/pipeline.ts';
import { workerEndpoint } from './worker-endpoint.ts';

/** How long a file waits for the suite's DynamoDB Local to answer (Java starts slowly on a loaded machine). */
const SUITE_START_TIMEOUT_MS = 150_000;
let suiteReady: Promise<string | undefined> | undefined;

/**
 * The endpoint of the DynamoDB Local this worker's files share (started by `tests/support/global-dynamodb.ts`),
 * once it answers; `undefined` when there is none (`TEST_OWN_DYNAMODB=1`, or vitest run without the
 * repository's config), and the caller starts its own.
 * @throws Error when it does not answer within 150 s
 */
export function suiteDynamoDbEndpoint(): Promise<string | undefined> {
  suiteReady ??= (async () => {
    const endpoint = workerEndpoint(inject('suiteDynamoDbEndpoint'), process.env.VITEST_POOL_ID);
    if (!endpoint) return undefined;
    const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    const deadline = Date.now() + SUITE_START_TIMEOUT_MS;
    try {
      for (;;) {
        try {
          await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(5_000) });
          return endpoint;
        } catch (err) {
          if (Date.now() > deadline) {
            throw new Error(`the suite's DynamoDB Local (tests/support/global-dynamodb.ts) did not answer on ${endpoint}: ${(err as Error).message}`);
          }
          await sleep(100);
        }
      }
    } finally {
      client.destroy();
    }
  })();
  return suiteReady;
}

/**
 * A table-name prefix no other file or pipeline in this run uses (process id, a random part and a
 * counter), so files sharing one DynamoDB Local never see each other's tables or streams.
 */
export function uniqueTablePrefix(label = 't'): string {
  return `${label}${process.pid}-${randomUUID().slice(0, 8)}-${++prefixCounter}`;
}
let prefixCounter = 0;

/** Deletes tables; ones already gone are fine. */
export async function deleteTables(client: DynamoDBClient, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map(async (TableName) => {
      try {
        await client.send(new DeleteTableCommand({ TableName }));
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
    }),
  );
}

/** One set of the pipeline's tables under unique physical names. */
export interface TestTables {
  readonly names: Record<TableName, string>;
  readonly created: Record<TableName, CreatedTable>;
  /** The stream ARN of a table that has one. @throws Error for a table without a stream */
  streamArn(table: TableName): string;
}

/** A DynamoDB Local for one test file: the suite's shared one when there is one, else its own. */
export interface TestDynamoDb {
  readonly endpoint: string;
  readonly clients: LocalDynamoClients;
  /** The tables created when DynamoDB Local started, for tests that can share them. */
  readonly tables: TestTables;
  /** Creates another set of tables with fresh names, for a test that needs a clean slate. */
  freshTables(): Promise<TestTables>;
  /**
   * Stops this file's own DynamoDB Local, or, on the suite's shared one, deletes the tables this
   * handle created; `withDynamoDbLocal` does this in its afterAll.
   */
  stop(): Promise<void>;
}

export interface TestDynamoDbOptions {
  /**
   * Start a DynamoDB Local of its own instead of using the suite's: for tests of behaviour that
   * depends on the whole database being quiet (DynamoDB Local's sequence numbers are global).
   * @default false
   */
  readonly ownJvm?: boolean;
}

/**
 * Connects to the suite's DynamoDB Local (or starts one of its own when there is none) and creates
 * one set of tables; the caller stops it. Prefer `withDynamoDbLocal`, which wires this into the
 * file's hooks.
 */
export async function startTestDynamoDb(options: TestDynamoDbOptions = {}): Promise<TestDynamoDb> {
  const shared = options.ownJvm ? undefined : await suiteDynamoDbEndpoint();
  const local: DynamoDbLocal = shared !== undefined ? { endpoint: shared, stop: async () => undefined } : await startDynamoDbLocal();
  const made: string[] = [];
  const clients = localDynamoClients(local.endpoint);
  try {
    // Unique per file and per call, so names never collide, whichever file makes how many sets.
    const prefix = uniqueTablePrefix();
    let sets = 0;
    const freshTables = async (): Promise<TestTables> => {
      sets++;
      const names = Object.fromEntries((Object.keys(tables) as TableName[]).map((t) => [t, `${prefix}-${sets}-${t}`])) as Record<TableName, string>;
      made.push(...Object.values(names));
      const created = await createTables(clients.dynamo, names);
      return {
        names,
        created,
        streamArn: (table) => {
          const arn = created[table].streamArn;
          if (arn === undefined) throw new Error(`table ${table} has no stream`);
          return arn;
        },
      };
    };
    const first = await freshTables();
    return {
      endpoint: local.endpoint,
      clients,
      tables: first,
      freshTables,
      stop: async () => {
        // A shared JVM outlives this file: leave it as found.
        if (shared !== undefined) await deleteTables(clients.dynamo, made.splice(0));
        clients.dynamo.destroy();
        clients.streams.destroy();
        await local.stop();
      },
    };
  } catch (err) {
    if (shared !== undefined) await deleteTables(clients.dynamo, made).catch(() => undefined);
    clients.dynamo.destroy();
    clients.streams.destroy();
    await local.stop();
    throw err;
  }
}

/**
 * Registers a beforeAll that connects this test file to the suite's DynamoDB Local (or starts one
 * for it) with one set of tables, and an afterAll that deletes them (or stops its own). Call at the top of the file or a describe block; use
 * the returned handle inside tests and hooks.
 *
 * ```ts
 * const db = withDynamoDbLocal();
 * it('stores', async () => { const { names } = await db.freshTables(); ... });
 * ```
 */
export function withDynamoDbLocal(options: TestDynamoDbOptions = {}): TestDynamoDb {
  let current: TestDynamoDb | undefined;
  const get = (): TestDynamoDb => {
    if (current === undefined) throw new Error('DynamoDB Local is not running: use the handle inside tests or hooks, after beforeAll');
    return current;
  };
  beforeAll(async () => {
    current = await startTestDynamoDb(options);
  });
  afterAll(async () => {
    await current?.stop();
    current = undefined;
  });
  return {
    get endpoint() {
      return get().endpoint;
    },
    get clients() {
      return get().clients;
    },
    get tables() {
      return get().tables;
    },
    freshTables: () => get().freshTables(),
    stop: async () => {
      await current?.stop();
      current = undefined;
    },
  };
}

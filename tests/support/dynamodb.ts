import { afterAll, beforeAll } from 'vitest';
import { createTables, type CreatedTable } from '../../functions/local/create-tables.ts';
import { localDynamoClients, startDynamoDbLocal, type DynamoDbLocal, type LocalDynamoClients } from '../../functions/local/dynamodb-local.ts';
import { tables, type TableName } from '../../functions/pipeline.ts';

/** One set of the pipeline's tables under unique physical names. */
export interface TestTables {
  readonly names: Record<TableName, string>;
  readonly created: Record<TableName, CreatedTable>;
  /** The stream ARN of a table that has one. @throws Error for a table without a stream */
  streamArn(table: TableName): string;
}

/** A DynamoDB Local for one test file. */
export interface TestDynamoDb {
  readonly endpoint: string;
  readonly clients: LocalDynamoClients;
  /** The tables created when DynamoDB Local started, for tests that can share them. */
  readonly tables: TestTables;
  /** Creates another set of tables with fresh names, for a test that needs a clean slate. */
  freshTables(): Promise<TestTables>;
  /** Stops DynamoDB Local; `withDynamoDbLocal` does this in its afterAll. */
  stop(): Promise<void>;
}

let fileCounter = 0;

/**
 * Starts DynamoDB Local and creates one set of tables; the caller stops it. Prefer
 * `withDynamoDbLocal`, which wires this into the file's hooks.
 */
export async function startTestDynamoDb(): Promise<TestDynamoDb> {
  const local: DynamoDbLocal = await startDynamoDbLocal();
  try {
    const clients = localDynamoClients(local.endpoint);
    // Unique per file and per call, so names never collide when a file makes several sets.
    const prefix = `t${process.pid}-${++fileCounter}`;
    let sets = 0;
    const freshTables = async (): Promise<TestTables> => {
      sets++;
      const names = Object.fromEntries((Object.keys(tables) as TableName[]).map((t) => [t, `${prefix}-${sets}-${t}`])) as Record<TableName, string>;
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
        clients.dynamo.destroy();
        clients.streams.destroy();
        await local.stop();
      },
    };
  } catch (err) {
    await local.stop();
    throw err;
  }
}

/**
 * Registers a beforeAll that starts one DynamoDB Local for this test file (with one set of
 * tables) and an afterAll that stops it. Call at the top of the file or a describe block; use
 * the returned handle inside tests and hooks.
 *
 * ```ts
 * const db = withDynamoDbLocal();
 * it('stores', async () => { const { names } = await db.freshTables(); ... });
 * ```
 */
export function withDynamoDbLocal(): TestDynamoDb {
  let current: TestDynamoDb | undefined;
  const get = (): TestDynamoDb => {
    if (current === undefined) throw new Error('DynamoDB Local is not running: use the handle inside tests or hooks, after beforeAll');
    return current;
  };
  beforeAll(async () => {
    current = await startTestDynamoDb();
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

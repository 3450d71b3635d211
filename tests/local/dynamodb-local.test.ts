import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createTables } from '../../functions/local/create-tables.ts';
import { DYNAMODB_LOCAL_JVM_OPTIONS, DynamoDbLocalError, localDynamoClients, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { projectionOf, tables } from '../../functions/pipeline.ts';

const scratch = mkdtempSync(join(tmpdir(), 'dynamodb-local-test-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs `fn` with PATH pointing only at `dir`, so `java` resolves to whatever is (not) there. */
async function withPath<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('startDynamoDbLocal', () => {
  it('says Java 17+ is needed when there is no java', async () => {
    const empty = mkdtempSync(join(scratch, 'no-java-'));
    await expect(withPath(empty, () => startDynamoDbLocal())).rejects.toThrow(/Java 17 or newer, but found no `java` on the PATH/);
  });

  it('says which Java it found when it is too old', async () => {
    const bin = mkdtempSync(join(scratch, 'old-java-'));
    const java = join(bin, 'java');
    writeFileSync(java, '#!/bin/sh\necho \'java version "1.8.0_292"\' >&2\n');
    chmodSync(java, 0o755);
    const error = await withPath(bin, () => startDynamoDbLocal()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DynamoDbLocalError);
    expect((error as Error).message).toMatch(/Java 17 or newer.*reports 1\.8\.0_292/);
  });

  it('starts the JVM with its options before those set in JAVA_TOOL_OPTIONS and telemetry off unless chosen, and leaves both variables as they were', async () => {
    // A java that passes the version check, then records the environment it was started with and exits.
    const bin = mkdtempSync(join(scratch, 'options-java-'));
    const seen = join(bin, 'options.txt');
    const java = join(bin, 'java');
    writeFileSync(java, `#!/bin/sh\nif [ "$1" = "-version" ]; then echo 'openjdk version "21.0.2"' >&2; exit 0; fi\necho "$JAVA_TOOL_OPTIONS|\${DDB_LOCAL_TELEMETRY-unset}" > '${seen}'\nexit 3\n`);
    chmodSync(java, 0o755);
    const saved = { JAVA_TOOL_OPTIONS: process.env.JAVA_TOOL_OPTIONS, DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY };
    const startOnce = async () => {
      await expect(withPath(bin, () => startDynamoDbLocal({ startTimeoutMs: 5_000 }))).rejects.toThrow(DynamoDbLocalError);
      return readFileSync(seen, 'utf8').trim();
    };
    try {
      process.env.JAVA_TOOL_OPTIONS = '-Duser.choice=1';
      delete process.env.DDB_LOCAL_TELEMETRY;
      expect(await startOnce()).toBe(`${DYNAMODB_LOCAL_JVM_OPTIONS} -Duser.choice=1|0`);
      expect(process.env.JAVA_TOOL_OPTIONS).toBe('-Duser.choice=1');
      expect(process.env.DDB_LOCAL_TELEMETRY).toBeUndefined();
      process.env.DDB_LOCAL_TELEMETRY = '1';
      expect(await startOnce()).toBe(`${DYNAMODB_LOCAL_JVM_OPTIONS} -Duser.choice=1|1`);
      expect(process.env.DDB_LOCAL_TELEMETRY).toBe('1');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('refuses a port another server already listens on', async () => {
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, ok));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(startDynamoDbLocal({ port })).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('keeps tables in persistDir across restarts; createTables is idempotent; stop() ends the process', async () => {
    const persistDir = join(scratch, 'db');
    const names = { complaints: 'persisted-complaints', state: 'persisted-state' };

    const first = await startDynamoDbLocal({ persistDir });
    let firstArn: string | undefined;
    try {
      const { dynamo } = localDynamoClients(first.endpoint);
      const created = await createTables(dynamo, names);
      firstArn = created.complaints.streamArn;
      expect(firstArn).toMatch(/table\/persisted-complaints\/stream\//);
      expect(created.state.streamArn).toBeUndefined();

      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: names.complaints }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
      // Exactly the indexes pipeline.ts describes, each with its keys and projection (ALL unless it includes less).
      const byName = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
      expect(
        Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType, i.Projection?.NonKeyAttributes, i.KeySchema]).sort(byName),
      ).toEqual(
        tables.complaints.indexes
          .map((i) => [
            i.name,
            projectionOf(i).type,
            projectionOf(i).nonKeyAttributes && [...projectionOf(i).nonKeyAttributes!],
            [{ AttributeName: i.partitionKey.name, KeyType: 'HASH' }, ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' }] : [])],
          ])
          .sort(byName),
      );
      const state = await dynamo.send(new DescribeTableCommand({ TableName: names.state }));
      expect(state.Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: names.complaints }));
      expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });

      // A second run against existing tables changes nothing and reports the same stream.
      const again = await createTables(dynamo, names);
      expect(again.complaints.streamArn).toBe(firstArn);
    } finally {
      await first.stop();
    }
    await expect(localDynamoClients(first.endpoint).dynamo.send(new ListTablesCommand({}))).rejects.toThrow();
    await first.stop();

    const second = await startDynamoDbLocal({ persistDir });
    try {
      const { dynamo } = localDynamoClients(second.endpoint);
      const { TableNames } = await dynamo.send(new ListTablesCommand({}));
      expect(TableNames).toEqual(['persisted-complaints', 'persisted-state']);
      const again = await createTables(dynamo, names);
      expect(again.complaints.streamArn).toBe(firstArn);
    } finally {
      await second.stop();
    }
  });
});

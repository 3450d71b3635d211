import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../functions/local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The endpoints of the DynamoDB Locals this run shares between test files, one per worker,
     * comma-separated (a file uses the one of its worker: `suiteDynamoDbEndpoint()` in
     * `tests/support/dynamodb.ts`), or `''` when `TEST_OWN_DYNAMODB=1` asks every file for a JVM of
     * its own.
     */
    suiteDynamoDbEndpoint: string;
  }
}

interface SharedJvms {
  ports: Promise<number[]>;
  starting: Array<Promise<DynamoDbLocal | undefined>>;
  users: number;
}

/**
 * The JVMs of this run. Every project that lists this globalSetup runs it in vitest's main process,
 * each project loading this module on its own, so the JVMs are kept on `globalThis`.
 */
const SHARED = Symbol.for('complaint-pipeline.suite-dynamodb');
const holder = globalThis as typeof globalThis & { [SHARED]?: SharedJvms };

/**
 * vitest globalSetup: starts one DynamoDB Local per worker for the whole run and hands the
 * endpoints to every test file (`inject('suiteDynamoDbEndpoint')`, read by
 * `tests/support/dynamodb.ts`); the files a worker runs share its JVM and keep apart by table names.
 * One per worker rather than one for the run: DynamoDB Local answers one request at a time for a
 * good part of its work, so with one JVM a worker waited on the other's requests while a core
 * idled (README "Test run time"). Java starts in the background, so files that need no database
 * run meanwhile; the first file that needs it waits for its first answer. `TEST_OWN_DYNAMODB=1`
 * turns this off (every file starts its own).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_OWN_DYNAMODB === '1') {
    project.provide('suiteDynamoDbEndpoint', '');
    return async () => undefined;
  }
  if (holder[SHARED] === undefined) {
    const count = Math.max(1, project.globalConfig.maxWorkers);
    // One after another, so no two JVMs are handed the same free port.
    const ports = (async () => {
      const picked: number[] = [];
      for (let i = 0; i < count; i++) picked.push(await freePort(picked));
      return picked;
    })();
    // Set before the first await, so a second project's setup running meanwhile finds it.
    holder[SHARED] = {
      ports,
      starting: Array.from({ length: count }, (_, i) =>
        ports
          .then((p) => startDynamoDbLocal({ port: p[i]!, startTimeoutMs: 120_000 }))
          .catch((err: unknown) => {
            // Test files then fail waiting for it and point here; this says why.
            console.error(`The suite's DynamoDB Local for worker ${i + 1} did not start:`, err instanceof Error ? err.message : err);
            return undefined;
          }),
      ),
      users: 0,
    };
  }
  const mine = holder[SHARED];
  mine.users += 1;
  project.provide('suiteDynamoDbEndpoint', (await mine.ports).map((p) => `http://127.0.0.1:${p}`).join(','));
  return async () => {
    mine.users -= 1;
    if (mine.users > 0) return;
    if (holder[SHARED] === mine) delete holder[SHARED];
    await Promise.all(mine.starting.map(async (jvm) => (await jvm)?.stop()));
  };
}

/** A free port on the loopback interface, other than those already picked. */
async function freePort(taken: readonly number[]): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((done, fail) => {
      const server = createServer();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (address && typeof address === 'object' ? done(address.port) : fail(new Error('could not pick a free port'))));
      });
    });
    if (!taken.includes(port)) return port;
  }
}

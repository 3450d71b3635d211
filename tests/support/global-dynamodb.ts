import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../functions/local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The endpoint of the one DynamoDB Local this run shares between all test files, or `''` when
     * `TEST_OWN_DYNAMODB=1` asks every file for a JVM of its own.
     */
    suiteDynamoDbEndpoint: string;
  }
}

interface SharedJvm {
  port: Promise<number>;
  starting: Promise<DynamoDbLocal | undefined>;
  users: number;
}

/**
 * The one JVM of this run. Every project that lists this globalSetup runs it in vitest's main
 * process, each project loading this module on its own, so the JVM is kept on `globalThis`.
 */
const SHARED = Symbol.for('complaint-pipeline.suite-dynamodb');
const holder = globalThis as typeof globalThis & { [SHARED]?: SharedJvm };

/**
 * vitest globalSetup: starts one DynamoDB Local for the whole run and hands its endpoint to every
 * test file (`inject('suiteDynamoDbEndpoint')`, read by `tests/support/dynamodb.ts`). Files keep
 * apart by table names, never by JVM. Java starts in the background, so files that need no
 * database run meanwhile; the first file that needs it waits for its first answer.
 * `TEST_OWN_DYNAMODB=1` turns this off (every file starts its own, as before).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_OWN_DYNAMODB === '1') {
    project.provide('suiteDynamoDbEndpoint', '');
    return async () => undefined;
  }
  if (holder[SHARED] === undefined) {
    // Set before the first await, so a second project's setup running meanwhile finds it.
    const port = freePort();
    const starting: Promise<DynamoDbLocal | undefined> = port
      .then((p) => startDynamoDbLocal({ port: p, startTimeoutMs: 120_000 }))
      .catch((err: unknown) => {
        // Test files then fail waiting for it and point here; this says why.
        console.error('The suite\'s DynamoDB Local did not start:', err instanceof Error ? err.message : err);
        return undefined;
      });
    holder[SHARED] = { port, starting, users: 0 };
  }
  const mine = holder[SHARED];
  mine.users += 1;
  project.provide('suiteDynamoDbEndpoint', `http://127.0.0.1:${await mine.port}`);
  return async () => {
    mine.users -= 1;
    if (mine.users > 0) return;
    if (holder[SHARED] === mine) delete holder[SHARED];
    await (await mine.starting)?.stop();
  };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? done(address.port) : fail(new Error('could not pick a free port'))));
    });
  });
}

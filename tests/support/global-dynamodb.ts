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
  const port = await freePort();
  project.provide('suiteDynamoDbEndpoint', `http://127.0.0.1:${port}`);
  const starting: Promise<DynamoDbLocal | undefined> = startDynamoDbLocal({ port, startTimeoutMs: 120_000 }).catch((err: unknown) => {
    // Test files then fail waiting for it and point here; this says why.
    console.error('The suite\'s DynamoDB Local did not start:', err instanceof Error ? err.message : err);
    return undefined;
  });
  return async () => {
    await (await starting)?.stop();
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

import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/support/longest-first.ts';
import { OWN_PROCESS, PURE } from './tests/support/test-projects.ts';

export default defineConfig({
  test: {
    // Worker processes, two at a time (two cores); which files share one: `tests/support/test-projects.ts`.
    pool: 'forks',
    maxWorkers: 2,
    // Long files (pipelines, Chromium) first, so the run does not end waiting on one of them.
    sequence: { sequencer: LongestFirstSequencer },
    // Generous limits: they catch hangs, not slowness (speed claims live in `npm run bench`).
    testTimeout: 120_000,
    // Handlers log through Powertools; keep test output readable and metrics off stdout.
    env: { POWERTOOLS_LOG_LEVEL: 'CRITICAL', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_DISABLED: 'true' },
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        // Pure files share their worker's module cache: aws-cdk-lib and the domain load once per
        // worker, not once per file (about 5 CPU-seconds per CDK file).
        test: { name: 'pure', include: PURE, isolate: false },
      },
      {
        extends: true,
        // The other I/O files share their worker's module cache too: each stops what it started
        // (pipelines, servers, clients) in afterAll, and keeps apart by table names and ports, so
        // the AWS SDK, Powertools and the handlers load once per worker, not once per file.
        test: {
          name: 'io',
          include: ['tests/**/*.test.ts'],
          exclude: [...PURE, ...OWN_PROCESS],
          isolate: false,
          setupFiles: ['tests/support/shared-worker-setup.ts'],
          // One DynamoDB Local for the whole run (files keep apart by table names); see README "Tests".
          globalSetup: ['tests/support/global-dynamodb.ts'],
        },
      },
      {
        extends: true,
        // A fresh process per file: they set process-wide state before importing handlers.
        test: { name: 'io-own', include: OWN_PROCESS, globalSetup: ['tests/support/global-dynamodb.ts'] },
      },
    ],
  },
});

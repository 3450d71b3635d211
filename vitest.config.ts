import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/support/longest-first.ts';

/** Pure tests (domain logic, CDK templates): no process-wide runtime, no database, no servers. */
const PURE = ['tests/domain/**/*.test.ts', 'tests/infra/**/*.test.ts'];

export default defineConfig({
  test: {
    // A process per file where handlers keep a process-wide runtime; two cores, so two at a time.
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
        test: {
          name: 'io',
          include: ['tests/**/*.test.ts'],
          exclude: PURE,
          // One DynamoDB Local for the whole run (files keep apart by table names); see README "Tests".
          globalSetup: ['tests/support/global-dynamodb.ts'],
        },
      },
    ],
  },
});

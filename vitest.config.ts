import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/support/longest-first.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One DynamoDB Local for the whole run (files keep apart by table names); see README "Tests".
    globalSetup: ['tests/support/global-dynamodb.ts'],
    // A process per file (handlers keep a process-wide runtime); two cores, so two at a time.
    pool: 'forks',
    maxWorkers: 2,
    // Long files (pipelines, Chromium) first, so the run does not end waiting on one of them.
    sequence: { sequencer: LongestFirstSequencer },
    // Generous limits: they catch hangs, not slowness (speed claims live in `npm run bench`).
    testTimeout: 120_000,
    // Handlers log through Powertools; keep test output readable and metrics off stdout.
    env: { POWERTOOLS_LOG_LEVEL: 'CRITICAL', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_DISABLED: 'true' },
    hookTimeout: 180_000,
  },
});

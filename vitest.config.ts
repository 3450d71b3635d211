import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests share one DynamoDB Local per file; CDK synth is CPU-heavy on two cores.
    pool: 'forks',
    maxWorkers: 2,
    // Generous limits: they catch hangs, not slowness (speed claims live in `npm run bench`).
    testTimeout: 120_000,
    // Handlers log through Powertools; keep test output readable and metrics off stdout.
    env: { POWERTOOLS_LOG_LEVEL: 'CRITICAL', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_DISABLED: 'true' },
    hookTimeout: 180_000,
  },
});

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isInstrumented } from '../../functions/adapters/observability.ts';
import { functions } from '../../functions/pipeline.ts';
import { PROJECT_ROOT } from '../../lib/house-function.ts';

const entries = [...new Set(Object.values(functions).map((f) => f.entry))].sort();

describe('instrument once', () => {
  it.each(entries)('%s exports a handler made by instrumented() (request id, cold start, metrics flushed in a finally)', async (entry) => {
    const mod = (await import(/* @vite-ignore */ pathToFileURL(join(PROJECT_ROOT, entry)).href)) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
    expect(isInstrumented(mod.handler)).toBe(true);
  });
});

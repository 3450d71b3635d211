import { afterAll } from 'vitest';
import { setRuntime } from '../../functions/adapters/runtime.ts';

/**
 * Runs before every file of the `io` project (`setupFiles`), whose files share their worker one
 * after another: the process-wide runtime a file installed (`setRuntime`, or a local pipeline's)
 * must not serve the next file's handlers. Registered first, so it runs after the file's own
 * `afterAll` hooks.
 */
afterAll(() => {
  setRuntime(undefined);
});

import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, for running from the sources (tests, `npm start`). */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where a file a function declares in `bundleAssets` (`functions/pipeline.ts`) is at run time: in
 * Lambda next to the bundle, `$LAMBDA_TASK_ROOT/<basename>` (the stack copies it there), and when
 * running from the sources at its path in the repository.
 *
 * @param repoRelativePath the file's path relative to the repository root, as declared in `bundleAssets`
 * @param env the environment to read `LAMBDA_TASK_ROOT` from
 */
export function bundleAssetPath(repoRelativePath: string, env: NodeJS.ProcessEnv = process.env): string {
  const taskRoot = env.LAMBDA_TASK_ROOT;
  return taskRoot ? join(taskRoot, basename(repoRelativePath)) : join(REPO_ROOT, repoRelativePath);
}

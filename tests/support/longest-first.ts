import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { runOrder } from './test-projects.ts';

/**
 * Guesses, in milliseconds, for files vitest has no recorded duration of yet (a fresh checkout, CI):
 * the kinds that start processes, pipelines or Chromium take longest.
 */
const ESTIMATES: ReadonlyArray<readonly [RegExp, number]> = [
  [/^tests\/e2e\//, 40_000],
  [/^tests\/browser\//, 30_000],
  [/^tests\/(integration|local)\//, 10_000],
  [/^tests\/(infra|handlers)\//, 5_000],
];
const DEFAULT_ESTIMATE_MS = 1_000;

/**
 * Runs the files project by project (`runOrder`), and within a project the longest first, so
 * the last file to finish is a short one and both workers stay busy to the end: by each file's
 * duration in vitest's results cache (`node_modules/.vite`, written after every run) and, for a file
 * without one, by its kind (`ESTIMATES`).
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId).replaceAll('\\', '/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      if (cached !== undefined) return cached.duration;
      return ESTIMATES.find(([pattern]) => pattern.test(path))?.[1] ?? DEFAULT_ESTIMATE_MS;
    };
    return runOrder(files.map((spec) => ({ spec, project: spec.project.name, weight: weight(spec) }))).map((f) => f.spec);
  }
}

/**
 * How the suite's files are split into vitest projects (`vitest.config.ts`); README "Test run time".
 */

/** Pure files (domain logic, CDK templates): no process-wide runtime, no database, no servers. */
export const PURE = ['tests/domain/**/*.test.ts', 'tests/infra/**/*.test.ts'];

/**
 * I/O files that need a process of their own: they set `process.env` before importing handler
 * modules (Powertools and the Lambda runtime read it once, at import), reset the module registry,
 * or change the process's PATH and JVM options. Every other I/O file shares its worker's modules
 * with the files before it. `tests/infra/test-projects.test.ts` keeps this list complete.
 */
export const OWN_PROCESS = [
  'tests/adapters/aws-runtime.test.ts',
  'tests/adapters/observability.test.ts',
  'tests/adapters/selected-events.test.ts',
  'tests/cli/export-training.test.ts',
  'tests/integration/dashboard-metrics.test.ts',
  'tests/local/dynamodb-local.test.ts',
  'tests/local/measure-lifecycle.test.ts',
];

/**
 * What makes a test file depend on a process of its own: writing or deleting an environment
 * variable, stubbing one, resetting or mocking modules.
 */
export const PROCESS_STATE =
  /process\.env(\.[A-Za-z_]\w*|\[[^\]]+\])\s*(\?\?|\|\||&&)?=(?!=)|delete\s+process\.env|Object\.assign\(\s*process\.env|vi\.(stubEnv|resetModules|mock|doMock)\(/;

/**
 * aws-sdk-client-mock given a client class (`mockClient(SESClient)`) stubs the class's prototype:
 * every client of that class in the process is mocked until `restore()`. A file that shares its
 * worker must restore such a mock when it is done, or the files after it talk to the mock.
 */
export const CLASS_MOCK = /mockClient\(\s*[A-Z]\w*Client\s*\)/;

/**
 * The projects in the order their files run. vitest hands a worker that finished a file the next
 * file only when that file is of the same project; otherwise it stops the worker and starts another.
 * Ordered by duration alone, the projects' files interleaved and a run started 34 processes for the
 * `io` files and 32 for `pure`, each loading the AWS SDK and the handlers, or aws-cdk-lib, again; in
 * blocks, each project keeps its two workers. `pure` comes last: its files are short, so the run ends
 * on a short file.
 */
export const PROJECT_ORDER = ['io', 'io-own', 'pure'] as const;

/** The order files run in: project by project (`PROJECT_ORDER`), the longest first within each. */
export function runOrder<F extends { readonly project: string; readonly weight: number }>(files: readonly F[]): F[] {
  const rank = (f: F): number => {
    const at = (PROJECT_ORDER as readonly string[]).indexOf(f.project);
    return at === -1 ? PROJECT_ORDER.length : at;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || b.weight - a.weight);
}

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

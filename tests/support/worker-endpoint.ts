/**
 * The suite's DynamoDB Local for the worker with this pool id (vitest's `VITEST_POOL_ID`, 1 to the
 * number of workers), from the comma-separated list `tests/support/global-dynamodb.ts` provides;
 * undefined for an empty list.
 */
export function workerEndpoint(endpoints: string, poolId: string | undefined): string | undefined {
  const list = endpoints.split(',').filter(Boolean);
  if (list.length === 0) return undefined;
  const id = Number(poolId);
  return list[Number.isInteger(id) && id >= 1 ? (id - 1) % list.length : 0];
}

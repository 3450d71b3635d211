import { localDynamoClients } from '../../functions/local/dynamodb-local.ts';
import { startLocalPipeline, type LocalPipeline, type LocalPipelineOptions } from '../../functions/local/local-pipeline.ts';
import { tables } from '../../functions/pipeline.ts';
import { deleteTables, suiteDynamoDbEndpoint, uniqueTablePrefix } from './dynamodb.ts';

/**
 * `startLocalPipeline` in this test process, on the suite's DynamoDB Local under tables of its own
 * (its pollers read only those tables' streams); `stop()` deletes them again. Without a shared
 * DynamoDB Local, or when `options` sets `persistDir` or `dynamoDbEndpoint`, it starts exactly as
 * `startLocalPipeline` does. One pipeline per file (in `beforeAll`) is the usual shape: the
 * pipeline's runtime is process-wide and its simulated clock moves for every test of the file.
 */
export async function startTestPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const shared = options.persistDir || options.dynamoDbEndpoint !== undefined ? undefined : await suiteDynamoDbEndpoint();
  if (shared === undefined) return startLocalPipeline(options);
  const tablePrefix = options.tablePrefix ?? uniqueTablePrefix('p');
  const dropTables = async () => {
    const { dynamo } = localDynamoClients(shared);
    try {
      await deleteTables(dynamo, Object.keys(tables).map((t) => `${tablePrefix}-${t}`));
    } finally {
      dynamo.destroy();
    }
  };
  let pipeline: LocalPipeline;
  try {
    pipeline = await startLocalPipeline({ ...options, dynamoDbEndpoint: shared, tablePrefix });
  } catch (err) {
    await dropTables();
    throw err;
  }
  return {
    ...pipeline,
    stop: async () => {
      await pipeline.stop();
      await dropTables();
    },
  };
}

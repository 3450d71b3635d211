import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { projectionOf, tables, type IndexDefinition, type KeyAttribute, type TableDefinition, type TableName } from '../pipeline.ts';

function projection(index: IndexDefinition): { ProjectionType: 'ALL' | 'INCLUDE' | 'KEYS_ONLY'; NonKeyAttributes?: string[] } {
  const p = projectionOf(index);
  return { ProjectionType: p.type, ...(p.nonKeyAttributes && { NonKeyAttributes: [...p.nonKeyAttributes] }) };
}

/** What the local runtime needs to know about a created table. */
export interface CreatedTable {
  /** The table's current stream, when the definition asks for one. */
  readonly streamArn?: string;
}

/**
 * Creates every table described in `pipeline.ts` under the given physical names: keys, GSIs
 * (projected ALL), on-demand billing, the stream and TTL. Tables that already exist (a persisted
 * DynamoDB Local) are kept; a missing stream or TTL setting is switched on. Resolves once every
 * table is ACTIVE.
 */
export async function createTables(
  client: DynamoDBClient,
  names: Record<TableName, string>,
): Promise<Record<TableName, CreatedTable>> {
  const entries = await Promise.all(
    (Object.keys(tables) as TableName[]).map(async (logical) => {
      const created = await createTable(client, names[logical], tables[logical]);
      return [logical, created] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<TableName, CreatedTable>;
}

async function createTable(client: DynamoDBClient, tableName: string, definition: TableDefinition): Promise<CreatedTable> {
  let created: TableDescription | undefined;
  try {
    created = (await client.send(new CreateTableCommand(createTableInput(tableName, definition)))).TableDescription;
  } catch (err) {
    // The service's validation messages do not say which table they are about.
    if (!(err instanceof ResourceInUseException)) throw new Error(`cannot create table "${tableName}": ${(err as Error).message}`, { cause: err });
  }
  // DynamoDB Local creates a table ACTIVE, stream and all: its answer is the description, and a new
  // table has no TTL yet. Only a table that was there already (a persisted folder) is asked.
  if (created?.TableStatus === 'ACTIVE') {
    await setTtl(client, tableName, definition.ttlAttribute);
    return definition.stream !== undefined && created.LatestStreamArn !== undefined ? { streamArn: created.LatestStreamArn } : {};
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
  let table = await describe(client, tableName);
  if (definition.stream !== undefined && !table.StreamSpecification?.StreamEnabled) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
    table = await describe(client, tableName);
  }
  await enableTtl(client, tableName, definition.ttlAttribute);
  return definition.stream !== undefined && table.LatestStreamArn !== undefined ? { streamArn: table.LatestStreamArn } : {};
}

function createTableInput(tableName: string, definition: TableDefinition): CreateTableCommandInput {
  const attributes = new Map<string, KeyAttribute['type']>();
  const keySchema = (partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] => {
    for (const key of sortKey ? [partitionKey, sortKey] : [partitionKey]) attributes.set(key.name, key.type);
    return sortKey
      ? [
          { AttributeName: partitionKey.name, KeyType: 'HASH' },
          { AttributeName: sortKey.name, KeyType: 'RANGE' },
        ]
      : [{ AttributeName: partitionKey.name, KeyType: 'HASH' }];
  };
  const input: CreateTableCommandInput = {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(definition.indexes.length > 0 && {
      GlobalSecondaryIndexes: definition.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: projection(index),
      })),
    }),
    ...(definition.stream !== undefined && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
    }),
  };
  const attributeDefinitions: AttributeDefinition[] = [...attributes].map(([name, type]) => ({
    AttributeName: name,
    AttributeType: type,
  }));
  return { ...input, AttributeDefinitions: attributeDefinitions };
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table) throw new Error(`DescribeTable returned no description for ${tableName}`);
  return Table;
}

async function enableTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  // Asking again while enabled is a ValidationException in the real service.
  if ((status === 'ENABLED' || status === 'ENABLING') && TimeToLiveDescription?.AttributeName === attribute) return;
  await setTtl(client, tableName, attribute);
}

async function setTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: attribute },
    }),
  );
}

/**
 * The pipeline, described once as data.
 *
 * `lib/` turns this into Lambda functions, event source mappings, routes and schedules;
 * `functions/local/` wires the very same handler modules to DynamoDB Local, its streams,
 * a local scheduler and a local HTTP server. Nothing here imports the AWS CDK or the SDK,
 * so both sides can read it and a filter, route or schedule cannot drift between them.
 */

/** Logical table names; physical names are derived by the stack (AWS) or the local runtime. */
export type TableName = 'complaints' | 'state';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attribute holding an epoch-seconds expiry for DynamoDB TTL. */
  readonly ttlAttribute: string;
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  /** Global secondary indexes, projected ALL. Sparse where the key attributes are only set when relevant. */
  readonly indexes: readonly IndexDefinition[];
}

export const tables: Readonly<Record<TableName, TableDefinition>> = {
  complaints: {
    partitionKey: { name: 'id', type: 'S' },
    ttlAttribute: 'expiresAt',
    stream: 'NEW_AND_OLD_IMAGES',
    indexes: [
      // Newest complaints per category: alert context (newest titles) and listings.
      { name: 'byCategory', partitionKey: { name: 'category', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' } },
    ],
  },
  state: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expiresAt',
    indexes: [],
  },
};

/** An HTTP API route served by a function. */
export interface HttpTrigger {
  readonly kind: 'http';
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax, e.g. `/complaints/{id}`. */
  readonly path: string;
  /** `public`: no authorizer. `agent`: IAM-authorized in AWS, bearer token locally. */
  readonly auth: 'public' | 'agent';
}

/**
 * A DynamoDB stream event source mapping. The local poller implements these settings with
 * the semantics of the Lambda event source mapping.
 */
export interface StreamTrigger {
  readonly kind: 'stream';
  readonly table: TableName;
  /** Lambda event filter patterns (any pattern matching lets the record through). */
  readonly filterPatterns: readonly Record<string, unknown>[];
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly bisectBatchOnError: boolean;
  readonly reportBatchItemFailures: true;
  readonly parallelizationFactor: 1;
}

/** An EventBridge schedule (`rate(...)` or six-field `cron(...)`, UTC). */
export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly expression: string;
}

export type Trigger = HttpTrigger | StreamTrigger | ScheduleTrigger;

/** What a function may touch; the stack grants exactly this. */
export interface FunctionAccess {
  readonly tables: Partial<Record<TableName, 'read' | 'readWrite'>>;
  readonly sendEmail?: boolean;
  readonly publishSms?: boolean;
  readonly publishEvents?: boolean;
}

export interface FunctionDefinition {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly trigger: Trigger;
  readonly access: FunctionAccess;
}

export type FunctionName = 'intake' | 'getComplaint' | 'volumeMonitor';

export const functions: Readonly<Record<FunctionName, FunctionDefinition>> = {
  intake: {
    entry: 'functions/handlers/intake.ts',
    description: 'Validates, classifies, grades and stores a complaint from any channel.',
    timeoutSeconds: 10,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'POST', path: '/complaints', auth: 'public' },
    access: { tables: { complaints: 'readWrite', state: 'readWrite' } },
  },
  getComplaint: {
    entry: 'functions/handlers/get-complaint.ts',
    description: 'Returns one complaint by id (agents only: it holds contact details).',
    timeoutSeconds: 5,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/complaints/{id}', auth: 'agent' },
    access: { tables: { complaints: 'read' } },
  },
  volumeMonitor: {
    entry: 'functions/handlers/volume-monitor.ts',
    description: 'Counts new complaints per category and minute, raises one alert incident per breach.',
    timeoutSeconds: 60,
    memoryMb: 512,
    trigger: {
      kind: 'stream',
      table: 'complaints',
      // Only new complaints count; updates (status changes) and TTL deletions never reach it.
      filterPatterns: [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['complaint'] } } } }],
      batchSize: 100,
      maxBatchingWindowSeconds: 2,
      retryAttempts: 5,
      maxRecordAgeSeconds: 6 * 3600,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      parallelizationFactor: 1,
    },
    access: { tables: { complaints: 'read', state: 'readWrite' }, sendEmail: true, publishSms: true, publishEvents: true },
  },
};

/** Lambda environment variable names shared by the stack and the AWS adapters. */
export const env = {
  complaintsTable: 'COMPLAINTS_TABLE',
  stateTable: 'STATE_TABLE',
  eventBus: 'EVENT_BUS_NAME',
  /** JSON object mapping department id to its alert topic ARN. */
  departmentTopics: 'DEPARTMENT_TOPICS',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
} as const;

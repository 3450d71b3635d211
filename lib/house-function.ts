import { fileURLToPath } from 'node:url';
import { type Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { PipelineConfig } from '../functions/domain/config.ts';
import type { TextModel } from '../functions/domain/text-model.ts';
import { functionDefines, LAMBDA_HANDLER } from './bundling.ts';
import { FunctionBundler, type BundleRequest } from './function-bundler.ts';

/** The repository root: handler entries in `functions/pipeline.ts` are relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One service name for every function's Powertools logs, metrics and traces. */
export const SERVICE_NAME = 'complaint-pipeline';

/** How a function may use a table. */
export type TableAccess = 'read' | 'readWrite';

/*
 * Explicit action lists instead of `grantReadData`/`grantReadWriteData`: those also grant Scan
 * (sweeps must Query a sparse index, never Scan) and `<table>/index/*` (a wildcard resource).
 * TransactWriteItems is authorised through the per-item actions below, so it needs no entry.
 */
const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** Properties of a {@link HouseFunction}. */
export interface HouseFunctionProps {
  /** Handler module relative to {@link HouseFunctionProps.projectRoot}; it exports `handler`. */
  readonly entry: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /** Maximum run time of one invocation. */
  readonly timeout: Duration;
  /** Memory in MB (CPU scales with it). */
  readonly memorySize: number;
  /**
   * The validated pipeline config. It is inlined into the bundle as
   * `process.env.PIPELINE_CONFIG_INLINE`, so handlers read it at cold start without an
   * environment variable (whose 4 KB total would not hold a real config) or a network call.
   */
  readonly config: PipelineConfig;
  /**
   * The trained text classifier, inlined like the config as `process.env.PIPELINE_TEXT_MODEL_INLINE`
   * (only into the functions that use it: it can weigh megabytes).
   * @default none
   */
  readonly textModel?: TextModel;
  /**
   * How long the function's log group keeps logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Concurrent executions reserved for (and capping) this function.
   * @default none: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Customer-managed key that encrypts the function's log group (its key policy must let CloudWatch
   * Logs use it).
   * @default the log group is encrypted by CloudWatch Logs' own key
   */
  readonly logEncryptionKey?: IKey;
  /**
   * Directory the entry and bundle assets are resolved against.
   * @default PROJECT_ROOT (the repository root)
   */
  readonly projectRoot?: string;
  /**
   * Repo-relative files copied next to the function's bundle, flat by basename (the `bundleAssets`
   * of its definition in `functions/pipeline.ts`); code finds them with `bundleAssetPath`.
   * @default none
   */
  readonly bundleAssets?: readonly string[];
  /**
   * The stack's bundler, which builds all planned functions in one esbuild call. Plan this function
   * with {@link HouseFunction.bundleRequest} before creating the first one.
   * @default a bundler of this function alone
   */
  readonly bundler?: FunctionBundler;
}

/**
 * The house Lambda: Node.js 24 on arm64, X-Ray tracing, an explicit log group with retention,
 * an ESM bundle built by the local esbuild (never Docker) with the options of `lib/bundling.ts`:
 * minified, split so what only some paths need loads on first use, the AWS SDK left to the runtime,
 * source maps kept out of the artifact.
 *
 * Its role holds only what is granted through the `bind*` helpers plus writing to its own log
 * group: it does not carry the AWSLambdaBasicExecutionRole managed policy, which would let it
 * create and write any log group in the account.
 *
 * The log group and role are created beside the function, as `<id>LogGroup` and `<id>Role`, so
 * give each function its own scope.
 */
export class HouseFunction extends LambdaFunction {
  /** Whether the trained text classifier is inlined into this function's bundle. */
  readonly bundlesTextModel: boolean;

  /**
   * What a function with these properties is bundled from: its entry and the compile-time constants
   * (the config, and the text model where it is carried). The stack plans every function's request
   * with its bundler before creating any, so they are all built in one esbuild call.
   *
   * @param props the function's properties
   * @returns the bundle request
   */
  static bundleRequest(props: Pick<HouseFunctionProps, 'entry' | 'config' | 'textModel'>): BundleRequest {
    return {
      entry: props.entry,
      define: functionDefines(props.config, props.textModel),
    };
  }

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      ...(props.logEncryptionKey && { encryptionKey: props.logEncryptionKey }),
    });
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

    const bundler = props.bundler ?? new FunctionBundler(projectRoot);
    super(scope, id, {
      code: bundler.code(HouseFunction.bundleRequest(props), props.bundleAssets),
      handler: LAMBDA_HANDLER,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: props.timeout,
      memorySize: props.memorySize,
      ...(props.reservedConcurrentExecutions !== undefined && { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      },
    });

    this.bundlesTextModel = props.textModel !== undefined;
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Tracing.ACTIVE grants xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions, so '*' is the only valid resource.",
    });
  }

  /**
   * Grants exactly the table access a function definition asks for and passes the table's name in
   * `envVarName`, in one call so a grant cannot exist without the variable or the other way round.
   *
   * @param table the table to bind
   * @param access `read` or `readWrite` (writes include reads)
   * @param envVarName environment variable that receives the physical table name
   * @param indexNames global secondary indexes to grant Query on, each by its own ARN
   */
  bindTable(table: ITable, access: TableAccess, envVarName: string, indexNames: readonly string[] = []): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'readWrite' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS,
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
    // A table under a customer-managed key is only usable with the key: decrypt to read, encrypt too to write.
    if (table.encryptionKey) {
      if (access === 'readWrite') table.encryptionKey.grantEncryptDecrypt(this);
      else table.encryptionKey.grantDecrypt(this);
      if (this.role && access === 'readWrite') {
        for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
          Validations.of(this.role).acknowledge({
            id: `AwsSolutions-IAM5[Action::${action}]`,
            reason: `Writing a table encrypted with the customer-managed key needs ${action} (the set KMS documents for encrypting data keys), granted on that one key ARN only.`,
          });
        }
      }
    }
    this.addEnvironment(envVarName, table.tableName);
  }

  /**
   * Grants `events:PutEvents` on one bus and passes its name in `envVarName`.
   *
   * @param bus the bus domain events go to
   * @param envVarName environment variable that receives the bus name
   */
  bindEventBus(bus: IEventBus, envVarName: string): void {
    bus.grantPutEventsTo(this);
    this.addEnvironment(envVarName, bus.eventBusName);
  }

  /**
   * Grants `sns:Publish` (and use of their KMS key) on the given topics only and passes them as a
   * JSON object (key -> topic ARN) in `envVarName`.
   *
   * @param topics topics by key, e.g. department id
   * @param envVarName environment variable that receives the JSON object
   */
  bindTopics(topics: Readonly<Record<string, ITopic>>, envVarName: string): void {
    const arns: Record<string, string> = {};
    for (const [key, topic] of Object.entries(topics)) {
      topic.grantPublish(this);
      arns[key] = topic.topicArn;
    }
    this.addEnvironment(envVarName, Stack.of(this).toJsonString(arns));
    if (this.role && Object.keys(topics).length > 0) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'Publishing to a KMS-encrypted topic needs kms:GenerateDataKey* (the action SNS documents for publishers), granted on the topic key ARN only.',
      });
    }
  }
}

import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type Attribute,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError, type PipelineConfig } from '../functions/domain/config.ts';
import {
  env,
  functions as pipelineFunctions,
  tables as pipelineTables,
  type FunctionDefinition,
  type HttpTrigger,
  type KeyAttribute,
  type ScheduleTrigger,
  type StreamTrigger,
  type TableDefinition,
  type TableName,
} from '../functions/pipeline.ts';
import { ConsoleAuth } from './console-auth.ts';
import { HouseFunction } from './house-function.ts';

/** The parts of `functions/pipeline.ts` the stack is generated from. */
export interface PipelineDescription {
  readonly tables: Readonly<Record<TableName, TableDefinition>>;
  readonly functions: Readonly<Record<string, FunctionDefinition>>;
}

/** Properties of the {@link ComplaintPipelineStack}. */
export interface ComplaintPipelineStackProps extends StackProps {
  /** The validated pipeline config (departments become topics, the sender an SES identity). */
  readonly config: PipelineConfig;
  /**
   * The pipeline to deploy.
   * @default the tables and functions of `functions/pipeline.ts`
   */
  readonly pipeline?: PipelineDescription;
  /**
   * Set while the AWS account is still in the SES sandbox. There SES also authorises the sending
   * role against every recipient's identity, so the department heads' addresses are added to the
   * send policy; each of them must also be verified in SES, or sending fails.
   * @default false
   */
  readonly sesSandbox?: boolean;
  /**
   * Retention of function and API access logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * IteratorAge above which a stream consumer's alarm fires.
   * @default Duration.minutes(5)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
  /**
   * Prefix of the user pool's hosted UI domain (globally unique per region).
   * @default `complaints-<account id>`
   */
  readonly consoleDomainPrefix?: string;
}

/** Environment variable receiving each table's physical name. */
const TABLE_ENV: Readonly<Record<TableName, string>> = {
  complaints: env.complaintsTable,
  state: env.stateTable,
};

/**
 * The whole complaint pipeline in one stack, generated from `functions/pipeline.ts` and the config:
 * tables, one house function per definition with exactly the access it declares, its trigger
 * (HTTP route, DynamoDB stream mapping or schedule), a topic per department, the SES identity, the
 * domain event bus, and alarms to an operations topic. Adding a function or trigger to
 * `pipeline.ts` needs no change here.
 */
export class ComplaintPipelineStack extends Stack {
  /** Tables by logical name. */
  readonly tables: Readonly<Record<TableName, Table>>;
  /** Functions by their name in `pipeline.ts`. */
  readonly functions: Readonly<Record<string, HouseFunction>>;
  /** Alert topic per department id. */
  readonly departmentTopics: Readonly<Record<string, Topic>>;
  /** Records a stream or schedule could not process, after retries. */
  readonly onFailureQueue: Queue;
  /** Alarm notifications for operators. */
  readonly operationsTopic: Topic;
  /** Domain events for other systems. */
  readonly eventBus: EventBus;
  /** The configured sender address, verified by SES. */
  readonly emailIdentity: EmailIdentity;
  /** Present when at least one function has an HTTP trigger. */
  readonly api: HttpApi | undefined;

  private readonly config: PipelineConfig;
  private readonly logRetention: RetentionDays;
  private readonly configurationSet: ConfigurationSet;
  private readonly alarmAction: IAlarmAction;
  private httpApi: HttpApi | undefined;
  private lambdaAuthorizer: HttpLambdaAuthorizer | undefined;
  private consoleAuthConstruct: ConsoleAuth | undefined;
  private consoleDomainPrefix: string | undefined;

  constructor(scope: Construct, id: string, props: ComplaintPipelineStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const pipeline = props.pipeline ?? { tables: pipelineTables, functions: pipelineFunctions };

    this.tables = Object.fromEntries(
      Object.entries(pipeline.tables).map(([name, def]) => [name, this.createTable(`${pascalCase(name)}Table`, def)]),
    ) as Record<TableName, Table>;

    // One customer-managed key for all topics: CloudWatch alarms cannot publish to a topic
    // encrypted with the AWS-managed aws/sns key, and one key is cheaper than one per topic.
    const topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the department alert topics and the operations topic at rest.',
      enableKeyRotation: true,
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.operationsTopic = new Topic(this, 'OperationsTopic', { masterKey: topicKey, enforceSSL: true });
    this.alarmAction = new SnsAction(this.operationsTopic);
    this.departmentTopics = this.createDepartmentTopics(topicKey);

    this.onFailureQueue = new Queue(this, 'OnFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.onFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter (on-failure) destination; nothing consumes it automatically, operators replay from it.',
    });
    this.alarm(this.onFailureQueue, 'OnFailureQueueNotEmptyAlarm', {
      metric: this.onFailureQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      description: 'A stream record or scheduled event failed after all retries and waits in the on-failure queue for replay.',
    });

    this.eventBus = new EventBus(this, 'EventBus', {
      description: 'Domain events of the complaint pipeline (complaint.received, alert.raised, ...) for other systems to subscribe to.',
    });

    this.emailIdentity = new EmailIdentity(this, 'SenderIdentity', { identity: Identity.email(this.config.sender.email) });
    this.configurationSet = new ConfigurationSet(this, 'EmailConfigurationSet', { reputationMetrics: true });

    this.consoleDomainPrefix = props.consoleDomainPrefix;
    const functions: Record<string, HouseFunction> = {};
    // The authorizer first: agent routes attach it as they are created.
    const ordered = Object.entries(pipeline.functions).sort(([, a], [, b]) => Number(b.trigger.kind === 'authorizer') - Number(a.trigger.kind === 'authorizer'));
    for (const [name, def] of ordered) {
      functions[name] = this.createFunction(name, def, pipeline.tables, props);
    }
    this.functions = functions;
    this.api = this.httpApi;

    new CfnOutput(this, 'OperationsTopicArn', {
      value: this.operationsTopic.topicArn,
      description: 'Subscribe operators here (email, SMS, chat webhook) to receive the pipeline alarms.',
    });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(this, 'OnFailureQueueUrl', { value: this.onFailureQueue.queueUrl });
  }

  private createTable(id: string, def: TableDefinition): Table {
    const table = new Table(this, id, {
      partitionKey: attribute(def.partitionKey),
      sortKey: def.sortKey && attribute(def.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: def.ttlAttribute,
      stream: def.stream === 'NEW_AND_OLD_IMAGES' ? StreamViewType.NEW_AND_OLD_IMAGES : undefined,
      // Complaints hold customers' personal data and the state table the alert and survey history
      // tied to them: deleting the stack must never delete either (TTL handles retention).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of def.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey && attribute(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }

  private createDepartmentTopics(masterKey: Key): Record<string, Topic> {
    const scope = new Construct(this, 'DepartmentTopics');
    const topics: Record<string, Topic> = {};
    for (const [i, department] of this.config.departments.entries()) {
      const topic = new Topic(scope, department.id, { masterKey, enforceSSL: true });
      // The head gets the alert email through SES (formatted, in their locale), so the topic only
      // texts them; subscribing their address here as well would deliver every alert twice.
      topic.addSubscription(new SmsSubscription(department.head.phone));
      const subscribed = new Set([`sms:${department.head.phone}`, `email:${department.head.email.toLowerCase()}`]);
      for (const [j, subscriber] of department.extraSubscribers.entries()) {
        const key = `${subscriber.protocol}:${subscriber.endpoint.toLowerCase()}`;
        if (subscribed.has(key)) {
          throw new ConfigError('deployed config', [
            {
              path: `departments[${i}].extraSubscribers[${j}]`,
              message: `'${subscriber.endpoint}' already receives this department's alerts (the head or an earlier subscriber); it would get each alert twice`,
            },
          ]);
        }
        subscribed.add(key);
        switch (subscriber.protocol) {
          case 'sms':
            topic.addSubscription(new SmsSubscription(subscriber.endpoint));
            break;
          case 'email':
            topic.addSubscription(new EmailSubscription(subscriber.endpoint));
            break;
          case 'https':
            topic.addSubscription(new UrlSubscription(subscriber.endpoint, { protocol: SubscriptionProtocol.HTTPS }));
            break;
        }
      }
      topics[department.id] = topic;
    }
    return topics;
  }

  private createFunction(
    name: string,
    def: FunctionDefinition,
    tableDefs: PipelineDescription['tables'],
    props: ComplaintPipelineStackProps,
  ): HouseFunction {
    const scope = new Construct(this, name);
    const fn = new HouseFunction(scope, 'Function', {
      entry: def.entry,
      description: def.description,
      timeout: Duration.seconds(def.timeoutSeconds),
      memorySize: def.memoryMb,
      config: this.config,
      logRetention: this.logRetention,
    });

    for (const [tableName, access] of Object.entries(def.access.tables) as [TableName, 'read' | 'readWrite' | undefined][]) {
      if (!access) continue;
      const indexNames = tableDefs[tableName].indexes.map((index) => index.name);
      fn.bindTable(this.tables[tableName], access, TABLE_ENV[tableName], indexNames);
    }
    if (def.access.publishEvents) fn.bindEventBus(this.eventBus, env.eventBus);
    if (def.access.publishSms) fn.bindTopics(this.departmentTopics, env.departmentTopics);
    if (def.access.sendSmsToPhones) this.grantSmsToPhones(fn);
    if (def.access.sendEmail) this.grantSendEmail(fn, props.sesSandbox ?? false);
    // The API's own URL ($default stage); a custom domain goes in the config's survey.publicBaseUrl.
    if (def.access.publicUrl) fn.addEnvironment(env.publicBaseUrl, this.routes().apiEndpoint);
    if (def.access.userPool) this.consoleAuth().bind(fn);

    switch (def.trigger.kind) {
      case 'http':
        this.addRoute(name, fn, def.trigger);
        break;
      case 'stream':
        this.addStreamSource(name, fn, def.trigger, props.iteratorAgeAlarmThreshold ?? Duration.minutes(5));
        break;
      case 'schedule':
        this.addSchedule(scope, fn, def.trigger);
        break;
      case 'authorizer':
        if (this.lambdaAuthorizer) throw new Error(`function '${name}' is a second authorizer; pipeline.ts may declare one`);
        this.lambdaAuthorizer = new HttpLambdaAuthorizer('AgentAuthorizer', fn, {
          responseTypes: [HttpLambdaResponseType.SIMPLE],
          // Every request is verified: no cached verdict outlives a token's expiry or a group change.
          resultsCacheTtl: Duration.seconds(0),
          identitySource: [],
        });
        break;
    }

    this.alarm(scope, 'ErrorsAlarm', {
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      description: `Function '${name}' threw or timed out: ${def.description}`,
    });
    return fn;
  }

  /**
   * SMS to a phone number (customers' progress updates, escalation contacts) is an SNS Publish
   * with `PhoneNumber` and no topic: SNS offers no resource to scope it to, so it is granted on '*'
   * for exactly the functions whose `access` says so.
   */
  private grantSmsToPhones(fn: HouseFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    Validations.of(fn.role ?? fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SMS straight to a phone number is sns:Publish with PhoneNumber, which has no resource ARN; only functions whose access declares sendSmsToPhones get it.',
    });
  }

  /**
   * SES authorises SendEmail against the identity in `Source` and the configuration set used, so
   * the grant is scoped to their ARNs. In the SES sandbox it also checks each recipient's identity:
   * the README should say "while your account is in the SES sandbox, verify the sender and every
   * department head's address in SES and deploy with `-c sesSandbox=true`; request production
   * access before real use".
   */
  private grantSendEmail(fn: HouseFunction, sandbox: boolean): void {
    const recipientIdentities = sandbox
      ? this.config.departments.map((d) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: d.head.email }))
      : [];
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          this.emailIdentity.emailIdentityArn,
          this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
          ...recipientIdentities,
        ],
      }),
    );
    fn.addEnvironment(env.sesConfigurationSet, this.configurationSet.configurationSetName);
  }

  private addRoute(name: string, fn: HouseFunction, trigger: HttpTrigger): void {
    const [route] = this.routes().addRoutes({
      path: trigger.path,
      methods: [HttpMethod[trigger.method]],
      integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      authorizer: trigger.auth === 'agent' ? this.agentAuthorizer() : undefined,
    });
    if (route && trigger.auth === 'public') {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${trigger.method} ${trigger.path} is declared auth: 'public' in functions/pipeline.ts (customers use it without an account); the handler validates every request with zod.`,
      });
    }
    if (route && trigger.auth === 'session') {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${trigger.method} ${trigger.path} is a console page: the handler verifies the session cookie (a user pool access token, aws-jwt-verify) itself so that a missing session leads to the sign-in page instead of a bare 401.`,
      });
    }
  }

  /** The HTTP API, created with its `$default` stage for the first route. */
  private routes(): HttpApi {
    if (this.httpApi) return this.httpApi;
    const api = new HttpApi(this, 'HttpApi', {
      description: 'Complaint intake and agent API.',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: this.logRetention });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No source IP or user agent: access logs must not become a store of customers' personal data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            routeKey: '$context.routeKey',
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.httpApi = api;
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the complaint API.' });
    return api;
  }

  /** The Lambda authorizer of agent routes (the pipeline's `authorizer` function). */
  private agentAuthorizer(): HttpLambdaAuthorizer {
    if (!this.lambdaAuthorizer) throw new Error("an agent route needs a function with trigger { kind: 'authorizer' } in pipeline.ts");
    return this.lambdaAuthorizer;
  }

  /** The user pool, its groups and app clients, created with the first function that needs them. */
  private consoleAuth(): ConsoleAuth {
    this.consoleAuthConstruct ??= new ConsoleAuth(this, 'ConsoleAuth', {
      config: this.config,
      api: this.routes(),
      ...(this.consoleDomainPrefix && { domainPrefix: this.consoleDomainPrefix }),
    });
    return this.consoleAuthConstruct;
  }

  private addStreamSource(name: string, fn: HouseFunction, trigger: StreamTrigger, iteratorAgeThreshold: Duration): void {
    const table = this.tables[trigger.table];
    if (!table.tableStreamArn) {
      throw new Error(`function '${name}' has a stream trigger on table '${trigger.table}', which has no stream in pipeline.ts`);
    }
    fn.addEventSource(
      new DynamoEventSource(table, {
        // Nothing is skipped: a mapping created after the first writes still counts them.
        startingPosition: StartingPosition.TRIM_HORIZON,
        filters: trigger.filterPatterns.map((pattern) => FilterCriteria.filter(pattern)),
        batchSize: trigger.batchSize,
        maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
        retryAttempts: trigger.retryAttempts,
        maxRecordAge: Duration.seconds(trigger.maxRecordAgeSeconds),
        bisectBatchOnError: trigger.bisectBatchOnError,
        reportBatchItemFailures: trigger.reportBatchItemFailures,
        parallelizationFactor: trigger.parallelizationFactor,
        onFailure: new SqsDlq(this.onFailureQueue),
      }),
    );
    Validations.of(fn.role ?? fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "The DynamoDB event source needs dynamodb:ListStreams, which supports no resource-level permissions; the stream's records are read through its own ARN only.",
    });
    this.alarm(fn.node.scope ?? fn, 'IteratorAgeAlarm', {
      metric: fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: iteratorAgeThreshold.toMilliseconds(),
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // An early warning that arrives late is worth little; records are dropped to the on-failure
      // queue only when they reach maxRecordAge, far later.
      description: `Function '${name}' is more than ${iteratorAgeThreshold.toHumanString()} behind its stream.`,
    });
  }

  private addSchedule(scope: Construct, fn: HouseFunction, trigger: ScheduleTrigger): void {
    new Rule(scope, 'Schedule', {
      schedule: Schedule.expression(trigger.expression),
      targets: [new LambdaFunction(fn, { deadLetterQueue: this.onFailureQueue, retryAttempts: 2 })],
    });
  }

  private alarm(
    scope: Construct,
    id: string,
    options: { metric: IMetric; threshold: number; description: string; comparison?: ComparisonOperator },
  ): void {
    const alarm = new Alarm(scope, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no traffic (or an empty queue), not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
  }
}

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

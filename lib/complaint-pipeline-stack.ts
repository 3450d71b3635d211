import { join } from 'node:path';
import { Aws, CfnOutput, CfnRule, Duration, Fn, RemovalPolicy, Stack, Stage, Token, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, LogGroupLogDestination, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AllowedMethods, CachePolicy, Distribution, OriginProtocolPolicy, OriginRequestPolicy, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableClass,
  TableEncryption,
  type Attribute,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ConfigurationSet, EmailIdentity, Identity, ReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType, S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from '../functions/adapters/metric-names.ts';
import { assertModelFitsConfig } from '../functions/adapters/classifier-model.ts';
import type { TextModel } from '../functions/domain/text-model.ts';
import { ConfigError, type InboundSettings, type PipelineConfig, type TableClass as ConfigTableClass } from '../functions/domain/config.ts';
import { MAIL_PREFIX } from '../functions/domain/inbound-mail.ts';
import {
  claimLeaseMarginSeconds,
  env,
  functions as pipelineFunctions,
  projectionOf,
  tables as pipelineTables,
  type FunctionDefinition,
  type HttpTrigger,
  type IndexDefinition,
  type KeyAttribute,
  type CompanyScheduleTrigger,
  type ScheduleTrigger,
  type StreamTrigger,
  type TableDefinition,
  type TableName,
} from '../functions/pipeline.ts';
import { ConsoleAuth } from './console-auth.ts';
import { FunctionBundler } from './function-bundler.ts';
import { HouseFunction, type HouseFunctionProps, PROJECT_ROOT } from './house-function.ts';
import { OperationsDashboard } from './operations-dashboard.ts';

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
   * The trained text classifier the config's `classifier.model` names (see `loadClassifierModel`),
   * bundled into the functions whose access says `textModel`. Its labels must map to categories.
   * @default none (required when the config has `classifier`)
   */
  readonly textModel?: TextModel;
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
  /** The CloudFront distribution carrying the WAF web ACL in front of the API (`protection.waf.enabled`). */
  readonly publicDistribution: Distribution | undefined;
  /** The customer-managed key of the tables and log groups (`protection.customerManagedKey`). */
  readonly dataKey: Key | undefined;
  /** Inbound mail (raw messages, quarantine, attachments); present when the config has `inbound`. */
  readonly mailBucket: Bucket | undefined;
  /** The SES receipt rule set for inbound mail; activate it once (see the README). */
  readonly receiptRuleSet: ReceiptRuleSet | undefined;

  private readonly config: PipelineConfig;
  private readonly logRetention: RetentionDays;
  private readonly configurationSet: ConfigurationSet;
  private readonly alarmAction: IAlarmAction;
  private httpApi: HttpApi | undefined;
  private httpStage: HttpStage | undefined;
  private distribution: Distribution | undefined;
  private inboundMailBucket: Bucket | undefined;
  private inboundRuleSet: ReceiptRuleSet | undefined;
  private lambdaAuthorizer: HttpLambdaAuthorizer | undefined;
  private consoleAuthConstruct: ConsoleAuth | undefined;
  private linkKeysSecret: Secret | undefined;
  private consoleDomainPrefix: string | undefined;
  private bundler: FunctionBundler | undefined;

  constructor(scope: Construct, id: string, props: ComplaintPipelineStackProps) {
    super(scope, id, props);
    this.config = props.config;
    if (props.config.classifier) {
      if (!props.textModel) {
        throw new ConfigError('deployed config', [{ path: 'classifier.model', message: 'the config names a model but none was loaded (see loadClassifierModel)' }]);
      }
      assertModelFitsConfig(props.textModel, props.config, 'deployed config');
    }
    this.logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const pipeline = props.pipeline ?? { tables: pipelineTables, functions: pipelineFunctions };
    this.dataKey = this.config.protection.customerManagedKey ? this.createDataKey() : undefined;

    this.tables = Object.fromEntries(
      Object.entries(pipeline.tables).map(([name, def]) => [name, this.createTable(`${pascalCase(name)}Table`, def, name === 'complaints' ? this.config.retention.complaintsTableClass : 'STANDARD')]),
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
    this.alarm(this, 'UnreadableComplaintsAlarm', {
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'UnreadableItems' satisfies MetricName,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      description:
        'A stored complaint does not match the schema and was left out of a listing, the SLA sweep or the survey dispatch (the function logged its id as "unreadable complaint left out"). Repair or remove the item.',
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
    // Without `inbound` in the config nothing receives mail, so its function is not deployed.
    const deployed = ordered.filter(([, def]) => def.trigger.kind !== 'inboundMail' || this.config.inbound);
    // Every function is planned before the first is created, so one esbuild call bundles them all.
    // The builds (and their source maps, which are not deployed) stay in the cloud assembly directory.
    const assembly = Stage.of(this)?.outdir;
    this.bundler = new FunctionBundler(PROJECT_ROOT, assembly && join(assembly, 'function-bundles'));
    for (const [, def] of deployed) this.bundler.plan(HouseFunction.bundleRequest(this.functionBundleProps(def, props)));
    for (const [name, def] of deployed) {
      functions[name] = this.createFunction(name, def, pipeline.tables, props);
    }
    this.functions = functions;
    this.api = this.httpApi;
    if (this.httpApi && this.config.protection.waf.enabled) this.publicEndpoint();
    this.publicDistribution = this.distribution;
    this.mailBucket = this.inboundMailBucket;
    this.receiptRuleSet = this.inboundRuleSet;

    new OperationsDashboard(this, 'OperationsDashboard', {
      config: this.config,
      functions,
      definitions: pipeline.functions,
      onFailureQueue: this.onFailureQueue,
      configurationSet: this.configurationSet,
      iteratorAgeAlarmThreshold: props.iteratorAgeAlarmThreshold ?? Duration.minutes(5),
    });

    new CfnOutput(this, 'OperationsTopicArn', {
      value: this.operationsTopic.topicArn,
      description: 'Subscribe operators here (email, SMS, chat webhook) to receive the pipeline alarms.',
    });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(this, 'OnFailureQueueUrl', { value: this.onFailureQueue.queueUrl });
    if (this.tables.complaints) {
      new CfnOutput(this, 'ComplaintsTableName', { value: this.tables.complaints.tableName, description: 'The complaints table: npm run export-training -- --table <this> (labelled history for npm run train).' });
    }
  }

  /**
   * One customer-managed key (rotated yearly) for the tables and every log group: CloudWatch Logs may
   * use it only for this account's log groups in this region (its documented key policy).
   */
  private createDataKey(): Key {
    const key = new Key(this, 'DataKey', {
      description: 'Encrypts the complaint pipeline tables and log groups (protection.customerManagedKey).',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
      }),
    );
    return key;
  }

  private createTable(id: string, def: TableDefinition, tableClass: ConfigTableClass): Table {
    const table = new Table(this, id, {
      partitionKey: attribute(def.partitionKey),
      sortKey: def.sortKey && attribute(def.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      // Changed in place (no replacement): CloudFormation updates a table's class, DynamoDB allows two changes a month.
      tableClass: tableClass === 'STANDARD' ? TableClass.STANDARD : TableClass.STANDARD_INFREQUENT_ACCESS,
      ...(this.dataKey
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: this.dataKey }
        : { encryption: TableEncryption.AWS_MANAGED }),
      // RETAIN keeps the table when the stack goes; deletion protection also stops a console or API
      // delete, or a replacement by a careless change, from taking customers' data with it.
      deletionProtection: true,
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
        ...indexProjection(index),
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
      ...this.functionBundleProps(def, props),
      bundler: this.bundler,
      ...(def.bundleAssets && { bundleAssets: def.bundleAssets }),
      description: def.description,
      timeout: Duration.seconds(def.timeoutSeconds),
      memorySize: def.memoryMb,
      logRetention: this.logRetention,
      ...(this.dataKey && { logEncryptionKey: this.dataKey }),
      // A public route's function is capped, so a flood cannot take the concurrency the stream
      // consumers and schedules need (and cannot scale the bill without bound).
      ...(def.trigger.kind === 'http' &&
        def.trigger.auth === 'public' &&
        this.config.protection.publicReservedConcurrency !== null && { reservedConcurrentExecutions: this.config.protection.publicReservedConcurrency }),
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
    // The lease on this function's message claims: its own timeout plus a margin (claimLeaseSecondsOf).
    if (def.access.sendEmail || def.access.publishSms || def.access.sendSmsToPhones) {
      fn.addEnvironment(env.claimLeaseSeconds, String(def.timeoutSeconds + claimLeaseMarginSeconds));
    }
    // The API's own URL ($default stage), or the WAF-protected distribution in front of it; a custom
    // domain goes in the config's survey.publicBaseUrl.
    if (def.access.publicUrl) fn.addEnvironment(env.publicBaseUrl, this.publicEndpoint());
    if (def.access.detectSentiment && this.config.escalationRisk?.sentiment === 'comprehend') this.grantDetectSentiment(fn);
    if (def.access.mailBucket) this.grantMailBucket(fn);
    if (def.access.eraseMailFiles && this.config.inbound) this.grantMailErasure(fn);
    if (def.access.readMailFiles && this.config.inbound) {
      this.grantMailFiles(fn, 's3:GetObject', `Attachments are stored under ${MAIL_PREFIX.attachments}<complaint id>/, named at run time: the console serves one after checking the person may see its complaint.`);
    }
    if (def.access.writeMailFiles && this.config.inbound) {
      this.grantMailFiles(fn, 's3:PutObject', `A reply's files are stored under ${MAIL_PREFIX.attachments}<complaint id>/, named at run time after the reply link was checked.`);
    }
    if (def.access.userPool) this.consoleAuth().bind(fn);
    if (def.access.linkKeys) {
      const secret = this.linkKeys();
      secret.grantRead(fn);
      fn.addEnvironment(env.linkKeysSecret, secret.secretArn);
    }

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
      case 'companySchedule':
        this.addCompanySchedule(scope, fn, def.trigger);
        break;
      case 'inboundMail':
        this.addInboundMail(scope, fn);
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

  /** What a function's bundle is built from: its entry, the config, and the text model where it is carried. */
  private functionBundleProps(def: FunctionDefinition, props: ComplaintPipelineStackProps): Pick<HouseFunctionProps, 'entry' | 'config' | 'textModel'> {
    return {
      entry: def.entry,
      config: this.config,
      ...(def.access.textModel && this.config.classifier && props.textModel && { textModel: props.textModel }),
    };
  }

  /**
   * SMS to a phone number (customers' progress updates, escalation contacts) is an SNS Publish with
   * `PhoneNumber` and no topic, which has no resource ARN to grant on. So Publish is allowed on
   * everything that is NOT an SNS ARN: phone numbers pass, while publishing to any topic in the account
   * (or another) is not allowed by this statement; department topics stay granted one by one
   * (`bindTopics`), to the functions whose `access` says `publishSms`.
   */
  private grantSmsToPhones(fn: HouseFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], notResources: [`arn:${Aws.PARTITION}:sns:*:*:*`] }));
  }

  /**
   * Comprehend's DetectSentiment is a stateless call with no resource ARN to scope it to, so it is
   * granted on '*' for exactly the functions whose access says `detectSentiment`, and only when the
   * config switches the Comprehend sentiment on.
   */
  private grantDetectSentiment(fn: HouseFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['comprehend:DetectSentiment'], resources: ['*'] }));
    Validations.of(fn.role ?? fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'comprehend:DetectSentiment supports no resource-level permissions; granted only to intake and only when escalationRisk.sentiment is comprehend.',
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
    // The digest's recipients are people the sandbox must know too.
    const recipientIdentities = sandbox
      ? [...new Set([...this.config.departments.map((d) => d.head.email), ...this.config.digest.recipients.map((r) => r.email)])].map((email) =>
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: email }),
        )
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

  private inboundSettings(): InboundSettings {
    if (!this.config.inbound) throw new ConfigError('deployed config', [{ path: 'inbound', message: 'a function receives mail, but the config has no inbound settings' }]);
    return this.config.inbound;
  }

  /**
   * The mail bucket: SSE-S3 encrypted (SES's S3 action writes with it; a KMS key would need SES in
   * its key policy), TLS only, no public access, kept on stack deletion. Raw and quarantined
   * messages expire after `inbound.rawRetentionDays`, attachments with the complaints'
   * personal-data retention. A raw message moved under its complaint (`messages/`) expires like one
   * that was not.
   */
  private mailBucketFor(): Bucket {
    if (this.inboundMailBucket) return this.inboundMailBucket;
    const inbound = this.inboundSettings();
    const accessLogs = new Bucket(this, 'InboundMailAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the mail bucket\'s server access logs; logging the log bucket into itself or a third bucket adds nothing.',
    });
    const bucket = new Bucket(this, 'InboundMailBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'raw-messages', prefix: MAIL_PREFIX.inbound, expiration: Duration.days(inbound.rawRetentionDays) },
        { id: 'quarantine', prefix: MAIL_PREFIX.quarantine, expiration: Duration.days(inbound.rawRetentionDays) },
        { id: 'attachments', prefix: MAIL_PREFIX.attachments, expiration: Duration.days(this.config.retention.complaintDays) },
        { id: 'filed-messages', prefix: MAIL_PREFIX.messages, expiration: Duration.days(inbound.rawRetentionDays) },
      ],
    });
    this.inboundMailBucket = bucket;
    return bucket;
  }

  /**
   * Reads raw messages and moves them under their complaint (copy to `messages/`, delete from
   * `inbound/`); writes quarantine copies and attachments; nothing else in the bucket.
   */
  private grantMailBucket(fn: HouseFunction): void {
    const bucket = this.mailBucketFor();
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: [bucket.arnForObjects(`${MAIL_PREFIX.inbound}*`)] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [MAIL_PREFIX.quarantine, MAIL_PREFIX.attachments, MAIL_PREFIX.messages].map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    fn.addEnvironment(env.inboundMailBucket, bucket.bucketName);
    const logicalId = this.getLogicalId(bucket.node.defaultChild as CfnBucket);
    for (const prefix of [MAIL_PREFIX.inbound, MAIL_PREFIX.quarantine, MAIL_PREFIX.attachments, MAIL_PREFIX.messages]) {
      Validations.of(fn.role ?? fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
        reason: `Objects under ${prefix} are named by SES message id or complaint id at run time, so the grant is on the prefix, for exactly the one action needed.`,
      });
    }
  }

  /**
   * One action on attachments (`attachments/<complaint id>/…` in the mail bucket) and nothing else in
   * the bucket: reading for the console's downloads, writing for the files of a reply from the reply
   * page; raw messages and quarantine stay out of reach.
   * @param why the cdk-nag acknowledgement's reason: why the grant is on the prefix
   */
  private grantMailFiles(fn: HouseFunction, action: 's3:GetObject' | 's3:PutObject', why: string): void {
    const bucket = this.mailBucketFor();
    fn.addToRolePolicy(new PolicyStatement({ actions: [action], resources: [bucket.arnForObjects(`${MAIL_PREFIX.attachments}*`)] }));
    fn.addEnvironment(env.inboundMailBucket, bucket.bucketName);
    const logicalId = this.getLogicalId(bucket.node.defaultChild as CfnBucket);
    Validations.of(fn.role ?? fn).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${MAIL_PREFIX.attachments}*]`, reason: why });
  }

  /**
   * Lists and deletes the raw emails filed under complaints and their attachments (a customer's
   * erasure); unfiled raw messages and quarantine stay out of reach.
   */
  private grantMailErasure(fn: HouseFunction): void {
    const bucket = this.mailBucketFor();
    const prefixes = [MAIL_PREFIX.attachments, MAIL_PREFIX.messages];
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)) }));
    fn.addEnvironment(env.inboundMailBucket, bucket.bucketName);
    const logicalId = this.getLogicalId(bucket.node.defaultChild as CfnBucket);
    for (const prefix of prefixes) {
      Validations.of(fn.role ?? fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${prefix}*]`,
        reason: `A customer's emails and their attachments are stored under ${prefix}<complaint id>/, named at run time: an erasure deletes those of the customer's complaints.`,
      });
    }
  }

  /**
   * SES receiving: one rule set with one rule for the complaints address's domain (spam and virus
   * scanning on) that stores the raw message under `inbound/` and then invokes the function
   * asynchronously with the message id (the object key), not the message itself. Failed invocations
   * go to the on-failure queue after Lambda's two retries. SES allows one active rule set per
   * region: activating it is a deliberate step (README).
   */
  private addInboundMail(scope: Construct, fn: HouseFunction): void {
    const inbound = this.inboundSettings();
    const bucket = this.mailBucketFor();
    fn.configureAsyncInvoke({ onFailure: new SqsDestination(this.onFailureQueue), retryAttempts: 2, maxEventAge: Duration.hours(6) });
    const ruleSet = new ReceiptRuleSet(scope, 'ReceiptRuleSet', {
      rules: [
        {
          recipients: [inbound.address.split('@')[1]!],
          scanEnabled: true,
          actions: [
            new S3Action({ bucket, objectKeyPrefix: MAIL_PREFIX.inbound }),
            new LambdaAction({ function: fn, invocationType: LambdaInvocationType.EVENT }),
          ],
        },
      ],
    });
    this.inboundRuleSet = ruleSet;
    new CfnOutput(this, 'InboundReceiptRuleSetName', {
      value: ruleSet.receiptRuleSetName,
      description: `Activate once: aws ses set-active-receipt-rule-set --rule-set-name <this>; then point the MX record of ${inbound.address.split('@')[1]} at SES.`,
    });
  }

  private addRoute(name: string, fn: HouseFunction, trigger: HttpTrigger): void {
    const [route] = this.routes().addRoutes({
      path: trigger.path,
      methods: [HttpMethod[trigger.method]],
      integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      authorizer: trigger.auth === 'agent' ? this.agentAuthorizer() : undefined,
    });
    if (route && trigger.auth === 'public') {
      // Each public route gets its own, lower throttle than the stage default. The stage refers to the
      // route by its key, so it must be created after the route.
      const { rateLimit, burstLimit } = this.config.protection.publicRouteThrottle;
      const stage = this.httpStage!.node.defaultChild as CfnStage;
      stage.addPropertyOverride(`RouteSettings.${trigger.method} ${trigger.path}`, { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit });
      this.httpStage!.node.addDependency(route);
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
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: this.logRetention, ...(this.dataKey && { encryptionKey: this.dataKey }) });
    const { rateLimit, burstLimit } = this.config.protection.apiThrottle;
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // The default for every route; public routes get their own, lower limit (addRoute).
      throttle: { rateLimit, burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Who called is needed to trace abuse: source IP and user agent (personal data, kept only for
        // the log retention) and, on agent routes, who the authorizer let in. Never bodies or query strings.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            routeKey: '$context.routeKey',
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: '$context.integrationErrorMessage',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            // The agent authorizer's verdict: the user name or client id it let in, or why it refused.
            caller: '$context.authorizer.caller',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.httpApi = api;
    this.httpStage = stage;
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the complaint API.' });
    return api;
  }

  /**
   * Where the public pages and intake are reached: the API's URL, or the CloudFront distribution with
   * the WAF web ACL when `protection.waf.enabled`.
   */
  private publicEndpoint(): string {
    const api = this.routes();
    if (!this.config.protection.waf.enabled) return api.apiEndpoint;
    this.distribution ??= this.createWafDistribution(api);
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * AWS WAF cannot be associated with an HTTP API (only with REST APIs, CloudFront, ALB, AppSync,
   * Cognito and a few others), so the web ACL sits on a CloudFront distribution in front of the API
   * that forwards everything uncached. Its rule blocks an IP for the rest of a 5-minute window once it
   * sent `protection.waf.requestsPer5MinutesPerIp` requests. CloudFront web ACLs exist only in
   * us-east-1: a rule stops the deployment with that message in any other region.
   */
  private createWafDistribution(api: HttpApi): Distribution {
    const settings = this.config.protection.waf;
    if (!Token.isUnresolved(this.region) && this.region !== 'us-east-1') {
      throw new ConfigError('deployed config', [
        { path: 'protection.waf.enabled', message: `a CloudFront web ACL can only be created in us-east-1, not ${this.region}; deploy there or leave WAF off (the API throttles still apply)` },
      ]);
    }
    new CfnRule(this, 'WebAclRegionRule', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, 'us-east-1'),
          assertDescription: 'protection.waf.enabled needs a CloudFront web ACL, which can only be created in us-east-1.',
        },
      ],
    });
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({ cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true });
    const acl = new CfnWebACL(this, 'PublicWebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Rate limit per IP in front of the complaint pipeline API, see protection.waf in the config.',
      visibilityConfig: visibility('ComplaintPipelinePublic'),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: settings.requestsPer5MinutesPerIp, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RatePerIp'),
        },
      ],
    });
    const distribution = new Distribution(this, 'PublicDistribution', {
      comment: 'Complaint pipeline public routes behind the WAF web ACL',
      webAclId: acl.attrArn,
      defaultBehavior: {
        // The API's host name: its endpoint without the scheme.
        origin: new HttpOrigin(Fn.select(2, Fn.split('/', api.apiEndpoint)), { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    const reasons: Record<string, string> = {
      'AwsSolutions-CFR1': 'Customers may complain from anywhere; blocking countries would turn away legitimate complaints. Abuse is limited per IP by the WAF rate rule and per recipient by the receipt cap.',
      'AwsSolutions-CFR3': 'The distribution only forwards to the HTTP API, whose stage access log records every forwarded request (route, status, caller); WAF metrics and sampled requests show what was blocked.',
      'AwsSolutions-CFR4': 'The default *.cloudfront.net certificate cannot set a minimum TLS version; give the distribution a custom domain and certificate for that (survey.publicBaseUrl then points at it).',
    };
    for (const [id, reason] of Object.entries(reasons)) Validations.of(distribution).acknowledge({ id, reason });
    new CfnOutput(this, 'PublicUrl', { value: `https://${distribution.distributionDomainName}`, description: 'Public routes through CloudFront and the WAF web ACL.' });
    return distribution;
  }

  /** The Lambda authorizer of agent routes (the pipeline's `authorizer` function). */
  private agentAuthorizer(): HttpLambdaAuthorizer {
    if (!this.lambdaAuthorizer) throw new Error("an agent route needs a function with trigger { kind: 'authorizer' } in pipeline.ts");
    return this.lambdaAuthorizer;
  }

  /** The user pool, its groups and app clients, created with the first function that needs them. */
  /**
   * The keys that sign unsubscribe links and reply addresses: `{"current":"k1","k1":"<64 random characters>"}`, generated
   * at the first deploy and kept with the data (RETAIN). Rotation is by hand and keeps old links
   * working (README "Rotating the link signing key"), so no rotation schedule.
   */
  private linkKeys(): Secret {
    if (this.linkKeysSecret) return this.linkKeysSecret;
    const secret = new Secret(this, 'LinkSigningKeys', {
      description: 'Keys that sign the unsubscribe links and reply addresses in customer emails (functions/domain/link-signing.ts).',
      generateSecretString: { secretStringTemplate: JSON.stringify({ current: 'k1' }), generateStringKey: 'k1', passwordLength: 64, excludePunctuation: true },
      ...(this.dataKey && { encryptionKey: this.dataKey }),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A scheduled rotation would replace the signing key and break the unsubscribe links and reply addresses already in customers\' inboxes; rotation is by hand, adding a key beside the old one (README).',
    });
    this.linkKeysSecret = secret;
    return secret;
  }

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

  /**
   * An EventBridge Scheduler schedule in the company's time zone (EventBridge rules know only UTC, so
   * a rule at 01:00 UTC would drift to 08:00 or 10:00 local wherever clocks change). The target gets
   * Scheduler's context (`{ scheduleArn, scheduledTime }`), retries twice within an hour, then goes to
   * the on-failure queue like a failed rule target; the role Scheduler assumes may invoke only this
   * function and send only to that queue.
   */
  private addCompanySchedule(scope: Construct, fn: HouseFunction, trigger: CompanyScheduleTrigger): void {
    // Scheduler's own role, scoped to this function's ARN (the L2 target also grants `<arn>:*`, every
    // version and alias, which nothing here uses) and to this account's schedules.
    const role = new Role(scope, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: `EventBridge Scheduler invokes ${scope.node.id} and dead-letters what it cannot deliver.`,
    });
    role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.onFailureQueue.queueArn] }));
    const schedule = new CfnSchedule(scope, 'CompanySchedule', {
      description: `Runs ${scope.node.id} on the company's wall clock (${this.config.company.timeZone}).`,
      scheduleExpression: trigger.expression(this.config),
      scheduleExpressionTimezone: this.config.company.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: fn.functionArn,
        roleArn: role.roleArn,
        input: JSON.stringify({ scheduleArn: '<aws.scheduler.schedule-arn>', scheduledTime: '<aws.scheduler.scheduled-time>' }),
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.onFailureQueue.queueArn },
      },
    });
    schedule.node.addDependency(role);
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

/** The CDK projection of an index as functions/pipeline.ts declares it. */
function indexProjection(index: IndexDefinition): { projectionType: ProjectionType; nonKeyAttributes?: string[] } {
  const p = projectionOf(index);
  if (p.type === 'INCLUDE') return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...(p.nonKeyAttributes ?? [])] };
  return { projectionType: p.type === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL };
}

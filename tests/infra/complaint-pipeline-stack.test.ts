import { isDeepStrictEqual } from 'node:util';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  env,
  functions,
  tables,
  type FunctionDefinition,
  type HttpTrigger,
  type StreamTrigger,
  type TableDefinition,
} from '../../functions/pipeline.ts';
import {
  actionsOf,
  allStatements,
  buildTestApp,
  cfnProjection,
  defaultConfig,
  functionIdOf,
  hasWildcard,
  logicalIdOf,
  renderJoin,
  resourcesOf,
  statementsOfFunction,
  synthTemplate,
  type Statement,
} from './template-helpers.ts';

// One synthesis shared by every test in this file.
const template = synthTemplate();
const config = defaultConfig;
const definitions = Object.entries(functions) as [string, FunctionDefinition][];
const httpDefinitions = definitions.filter(([, d]) => d.trigger.kind === 'http') as [string, FunctionDefinition & { trigger: HttpTrigger }][];
const streamDefinitions = definitions.filter(([, d]) => d.trigger.kind === 'stream') as [string, FunctionDefinition & { trigger: StreamTrigger }][];

function keySchema(def: TableDefinition | TableDefinition['indexes'][number]) {
  return [
    { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
    ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
  ];
}

const complaintsTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', { KeySchema: keySchema(tables.complaints) });
const stateTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', { KeySchema: keySchema(tables.state) });
const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0] as string;
const operationsTopicId = (template.findOutputs('OperationsTopicArn').OperationsTopicArn?.Value as { Ref: string }).Ref;

describe('tables', () => {
  it('gives the complaints table its stream, PITR, TTL, GSIs, on-demand billing and AWS-managed encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: keySchema(tables.complaints),
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: tables.complaints.ttlAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: Match.absent(), KMSMasterKeyId: Match.absent() },
      GlobalSecondaryIndexes: tables.complaints.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index),
        Projection: cfnProjection(index),
      })),
    });
  });

  it('keeps the complaints table when the stack is deleted (customer data)', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ KeySchema: keySchema(tables.complaints) }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('creates the state table with pk/sk, TTL and on-demand billing, without a stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: tables.state.ttlAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: Match.absent(),
    });
  });

  it('lets CloudFormation derive every table name from the stack', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length);
    template.allResourcesProperties('AWS::DynamoDB::Table', { TableName: Match.absent() });
  });
});

describe('functions', () => {
  it.each(definitions)('%s runs Node.js 24 on arm64 with active tracing and the house environment', (_name, def) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: def.description,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      Timeout: def.timeoutSeconds,
      MemorySize: def.memoryMb,
      LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'complaint-pipeline',
          // No source maps are deployed (lib/bundling.ts), so Node is not asked to parse them at cold start.
          NODE_OPTIONS: Match.absent(),
        }),
      },
    });
  });

  it.each(definitions)('%s gets the environment variables of exactly what it may access', (_name, def) => {
    const id = functionIdOf(template, def.description);
    const variables = (template.toJSON().Resources[id].Properties.Environment.Variables ?? {}) as Record<string, unknown>;
    const expectVariable = (name: string, present: boolean, value?: unknown) => {
      if (!present) expect(variables).not.toHaveProperty(name);
      else if (value !== undefined) expect(variables[name]).toEqual(value);
      else expect(variables).toHaveProperty(name);
    };
    expectVariable(env.complaintsTable, def.access.tables.complaints !== undefined, { Ref: complaintsTableId });
    expectVariable(env.stateTable, def.access.tables.state !== undefined, { Ref: stateTableId });
    expectVariable(env.eventBus, def.access.publishEvents === true);
    expectVariable(env.departmentTopics, def.access.publishSms === true);
    expectVariable(env.sesConfigurationSet, def.access.sendEmail === true);
  });

  it('gives every function a log group with a retention period', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, definitions.length + 1);
  });

  it('attaches no managed policy to the function roles (no account-wide log write)', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('HTTP API', () => {
  it('creates one HTTP API with a $default stage that writes access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('routes POST /complaints and GET /complaints/{id}', () => {
    for (const key of ['POST /complaints', 'GET /complaints/{id}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key });
    }
  });

  it.each(httpDefinitions)('%s serves its route with the authorization its definition asks for', (_name, def) => {
    const functionId = functionIdOf(template, def.description);
    const integrationId = logicalIdOf(template, 'AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: `${def.trigger.method} ${def.trigger.path}`,
      AuthorizationType: def.trigger.auth === 'agent' ? 'CUSTOM' : 'NONE',
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['https://'])] } });
  });
});

describe('stream consumers', () => {
  it('has an on-failure queue: encrypted, TLS only, 14 days retention', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it.each(streamDefinitions)('%s maps the stream with the filter, batching, retries and failure destination of its definition', (_name, def) => {
    const t = def.trigger;
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', { KeySchema: keySchema(tables[t.table]) });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionIdOf(template, def.description) },
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: { Filters: t.filterPatterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) },
      BatchSize: t.batchSize,
      MaximumBatchingWindowInSeconds: t.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: t.bisectBatchOnError,
      MaximumRetryAttempts: t.retryAttempts,
      MaximumRecordAgeInSeconds: t.maxRecordAgeSeconds,
      ParallelizationFactor: t.parallelizationFactor,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('lets the volume monitor see new complaints only', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionIdOf(template, functions.volumeMonitor.description) },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['complaint'] } } } }) }],
      },
    });
  });
});

describe('department topics', () => {
  const monitorId = functionIdOf(template, functions.volumeMonitor.description);
  const topicIdByDepartment = Object.fromEntries(
    Object.entries(
      JSON.parse(renderJoin(template.toJSON().Resources[monitorId].Properties.Environment.Variables[env.departmentTopics])) as Record<string, string>,
    ).map(([department, ref]) => [department, ref.replace(/^ref:/, '')]),
  );

  it('creates one encrypted, TLS-only topic per department plus the operations topic', () => {
    expect(Object.keys(topicIdByDepartment).sort()).toEqual(config.departments.map((d) => d.id).sort());
    template.resourceCountIs('AWS::SNS::Topic', config.departments.length + 1);
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
    for (const topicId of [...Object.values(topicIdByDepartment), operationsTopicId]) {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it.each(config.departments.map((d) => [d.id, d] as const))('texts the head of %s and notifies the extra subscribers', (id, department) => {
    const topicArn = { Ref: topicIdByDepartment[id] };
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: topicArn, Protocol: 'sms', Endpoint: department.head.phone });
    for (const subscriber of department.extraSubscribers) {
      template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: topicArn, Protocol: subscriber.protocol, Endpoint: subscriber.endpoint });
    }
    const subscriptions = template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: topicArn } });
    expect(Object.keys(subscriptions)).toHaveLength(1 + department.extraSubscribers.length);
  });

  it("never subscribes a head's email to a topic (the head gets the alert email through SES only)", () => {
    for (const department of config.departments) {
      template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Endpoint: department.head.email }, 0);
    }
  });

  it("rejects an extra subscriber who already gets the alerts, such as the head's email, naming the key path", () => {
    const [first, ...others] = config.departments;
    const duplicated = {
      ...config,
      departments: [
        { ...first!, extraSubscribers: [...first!.extraSubscribers, { protocol: 'email' as const, endpoint: first!.head.email.toUpperCase() }] },
        ...others,
      ],
    };
    expect(() => buildTestApp({}, duplicated)).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining(`departments[0].extraSubscribers[${first!.extraSubscribers.length}]`) }),
    );
  });
});

describe('email, events and grants', () => {
  it('creates the SES identity of the configured sender', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: config.sender.email });
  });

  it('creates one custom event bus that only publishEvents functions may put events on', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const busId = Object.keys(template.findResources('AWS::Events::EventBus'))[0] as string;
    for (const [, def] of definitions) {
      const puts = statementsOfFunction(template, functionIdOf(template, def.description)).filter((s) => actionsOf(s).includes('events:PutEvents'));
      if (def.access.publishEvents) expect(puts).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [busId, 'Arn'] } })]);
      else expect(puts).toEqual([]);
    }
  });

  it('scopes ses:SendEmail to the sender identity and configuration set, for sendEmail functions only', () => {
    const identityId = Object.keys(template.findResources('AWS::SES::EmailIdentity'))[0] as string;
    for (const [, def] of definitions) {
      const sends = statementsOfFunction(template, functionIdOf(template, def.description)).filter((s) => actionsOf(s).includes('ses:SendEmail'));
      if (!def.access.sendEmail) {
        expect(sends).toEqual([]);
        continue;
      }
      expect(sends).toHaveLength(1);
      const resources = resourcesOf(sends[0]!);
      expect(hasWildcard(resources)).toBe(false);
      expect(resources.map(renderJoin)).toEqual([
        expect.stringMatching(new RegExp(`:identity/ref:${identityId}$`)),
        expect.stringMatching(/:configuration-set\/ref:/),
      ]);
    }
  });

  it('lets publishSms functions publish to the department topics only, never to the operations topic', () => {
    for (const [, def] of definitions) {
      const publishes = statementsOfFunction(template, functionIdOf(template, def.description)).filter((s) => actionsOf(s).includes('sns:Publish'));
      const topicTargets = publishes.flatMap(resourcesOf).filter((r) => r !== '*');
      if (!def.access.publishSms) expect(topicTargets).toEqual([]);
      else {
        expect(topicTargets).toHaveLength(config.departments.length);
        expect(topicTargets).not.toContainEqual({ Ref: operationsTopicId });
      }
    }
  });

  it('grants SMS to phone numbers (sns:Publish on everything but SNS ARNs) only to functions that declare sendSmsToPhones', () => {
    for (const [name, def] of definitions) {
      const phonePublish = statementsOfFunction(template, functionIdOf(template, def.description)).filter(
        (s) => actionsOf(s).includes('sns:Publish') && s.NotResource !== undefined,
      );
      expect(phonePublish.length > 0, name).toBe(Boolean(def.access.sendSmsToPhones));
    }
  });

  it.each(definitions)('%s may touch exactly the tables and indexes its definition names', (_name, def) => {
    const tableIds = { complaints: complaintsTableId, state: stateTableId };
    const arnOf = (tableId: string) => ({ 'Fn::GetAtt': [tableId, 'Arn'] });
    const tableStatements = statementsOfFunction(template, functionIdOf(template, def.description)).filter((s) =>
      Object.values(tableIds).some((tableId) => isDeepStrictEqual(resourcesOf(s)[0], arnOf(tableId))),
    );
    const granted = Object.entries(def.access.tables);
    expect(tableStatements).toHaveLength(granted.length);
    for (const [name, access] of granted) {
      const table = name as keyof typeof tables;
      const arn = arnOf(tableIds[table]);
      const statement = tableStatements.find((s) => isDeepStrictEqual(resourcesOf(s)[0], arn));
      expect(statement, `statement for table ${name}`).toBeDefined();
      expect(resourcesOf(statement!)).toEqual([
        arn,
        ...tables[table].indexes.map((index) => ({ 'Fn::Join': ['', [arn, `/index/${index.name}`]] })),
      ]);
      expect(actionsOf(statement!)).toContain('dynamodb:Query');
      expect(actionsOf(statement!).includes('dynamodb:PutItem')).toBe(access === 'readWrite');
      expect(actionsOf(statement!)).not.toContain('dynamodb:Scan');
    }
  });

  it('grants no DynamoDB access on a wildcard resource, except ListStreams (which has no resource)', () => {
    const dynamo = allStatements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      if (hasWildcard(statement.Resource)) expect(actionsOf(statement)).toEqual(['dynamodb:ListStreams']);
    }
  });

  it('uses wildcard resources only for actions that support no resource-level permission', () => {
    // sns:Publish with PhoneNumber has no resource ARN (SMS straight to a phone).
    const allowed = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams', 'sns:Publish']);
    // Objects under a mail bucket prefix are named at run time; inbound-mail-resources.test.ts pins those grants.
    const mailPrefixOnly = (s: Statement) => resourcesOf(s).every((r) => /"\/(inbound|quarantine|attachments|messages)\/\*"/.test(JSON.stringify(r)));
    const wildcard = allStatements(template).filter((s) => hasWildcard(s.Resource) && !mailPrefixOnly(s));
    expect(wildcard.length).toBeGreaterThan(0);
    for (const statement of wildcard) {
      for (const action of actionsOf(statement)) expect(allowed, action).toContain(action);
    }
  });
});

describe('alarms', () => {
  const alarmAction = { AlarmActions: [{ Ref: operationsTopicId }], OKActions: [{ Ref: operationsTopicId }] };

  it('outputs the operations topic that receives every alarm', () => {
    template.hasOutput('OperationsTopicArn', { Value: { Ref: operationsTopicId } });
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    expect(Object.keys(alarms).length).toBeGreaterThan(0);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', alarmAction);
  });

  it('alarms as soon as one message waits in the on-failure queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      ...alarmAction,
    });
  });

  it('alarms as soon as a listing or sweep leaves out an unreadable complaint', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ComplaintPipeline',
      MetricName: 'UnreadableItems',
      Dimensions: [{ Name: 'service', Value: 'complaint-pipeline' }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      ...alarmAction,
    });
  });

  it.each(streamDefinitions)('alarms when %s falls more than five minutes behind its stream', (_name, def) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionIdOf(template, def.description) } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5 * 60 * 1000,
      ...alarmAction,
    });
  });

  it.each(definitions)('alarms on errors of %s', (_name, def) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionIdOf(template, def.description) } }],
      Threshold: 1,
      ...alarmAction,
    });
  });
});

const handler = functions.getComplaint.entry;

function withExtraFunctions(extra: Record<string, FunctionDefinition>) {
  return { tables, functions: { ...functions, ...extra } };
}

describe('generated from pipeline.ts', () => {
  // Shared by the tests below: the real pipeline plus a scheduled function and two more routes.
  const extended = Template.fromStack(
    buildTestApp({
      sesSandbox: true,
      pipeline: withExtraFunctions({
        sweeper: {
          entry: handler,
          description: 'Escalates what is overdue.',
          timeoutSeconds: 30,
          memoryMb: 256,
          trigger: { kind: 'schedule', expression: 'cron(0/5 * * * ? *)' },
          access: { tables: { complaints: 'readWrite' }, sendEmail: true },
        },
        listComplaints: {
          entry: handler,
          description: 'Lists complaints for agents.',
          timeoutSeconds: 5,
          memoryMb: 256,
          trigger: { kind: 'http', method: 'GET', path: '/complaints', auth: 'agent' },
          access: { tables: { complaints: 'read' } },
        },
        surveyPage: {
          entry: handler,
          description: 'Serves the survey page.',
          timeoutSeconds: 5,
          memoryMb: 256,
          trigger: { kind: 'http', method: 'GET', path: '/surveys/{token}', auth: 'public' },
          access: { tables: { state: 'read' } },
        },
      }),
    }).stack,
  );

  it('turns a schedule trigger into an EventBridge rule targeting the function, failures to the on-failure queue', () => {
    const queueId = Object.keys(extended.findResources('AWS::SQS::Queue'))[0] as string;
    extended.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0/5 * * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionIdOf(extended, 'Escalates what is overdue.'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
        }),
      ],
    });
  });

  it('adds routes to the one API: agent routes behind the Lambda authorizer, public routes open', () => {
    extended.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    extended.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /complaints', AuthorizationType: 'CUSTOM' });
    extended.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /surveys/{token}', AuthorizationType: 'NONE' });
  });

  it("adds the department heads' identities to the send policy in the SES sandbox", () => {
    const sends = statementsOfFunction(extended, functionIdOf(extended, 'Escalates what is overdue.')).filter((s) =>
      actionsOf(s).includes('ses:SendEmail'),
    );
    const resources = sends.flatMap(resourcesOf).map(renderJoin);
    for (const department of defaultConfig.departments) {
      expect(resources).toContainEqual(expect.stringMatching(new RegExp(`:identity/${department.head.email.replace(/\./g, '\\.')}$`)));
    }
  });

  it('rejects a stream trigger on a table without a stream, naming the function', () => {
    const broken = withExtraFunctions({
      stateWatcher: {
        entry: handler,
        description: 'Watches the state table.',
        timeoutSeconds: 5,
        memoryMb: 256,
        trigger: { ...(functions.volumeMonitor.trigger as Extract<FunctionDefinition['trigger'], { kind: 'stream' }>), table: 'state' },
        access: { tables: {} },
      },
    });
    expect(() => buildTestApp({ pipeline: broken })).toThrow(/stateWatcher.*'state'/);
  });
});

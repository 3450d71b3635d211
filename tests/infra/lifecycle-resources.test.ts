import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/domain/config.ts';
import { rawDefaultConfig } from '../fixtures/config.ts';
import { env, functions, tables, type FunctionDefinition, type FunctionName, type IndexDefinition, type KeyAttribute } from '../../functions/pipeline.ts';
import { actionsOf, cfnProjection, functionIdOf, logicalIdOf, resourcesOf, SMS_TO_PHONES_NOT_RESOURCE, statementsOfFunction, synthTemplate } from './template-helpers.ts';

// The resources the complaint lifecycle added (agent routes, the SLA sweeper, the sweep and overdue
// indexes, the progress notifier), pinned as a spec: a change to pipeline.ts that weakens one of
// them must fail here, not just be mirrored by the generated stack. One synthesis for the file.
const template: Template = synthTemplate();
const definitions = Object.entries(functions) as [FunctionName, FunctionDefinition][];

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
  ];
}

const complaintsKey = { KeySchema: keySchema(tables.complaints.partitionKey, tables.complaints.sortKey) };
const complaintsTableId = logicalIdOf(template, 'AWS::DynamoDB::Table', complaintsKey);
const fnId = (name: FunctionName) => functionIdOf(template, functions[name].description);

describe('agent and public routes', () => {
  const routes: ReadonlyArray<readonly [routeKey: string, fn: FunctionName, authorization: 'CUSTOM' | 'NONE']> = [
    ['POST /complaints/{id}/events', 'complaintEvents', 'CUSTOM'],
    ['GET /complaints', 'listComplaints', 'CUSTOM'],
    ['GET /complaints/{id}', 'getComplaint', 'CUSTOM'],
    // Customers file complaints without an account.
    ['POST /complaints', 'intake', 'NONE'],
  ];

  it.each(routes)('%s reaches %s with authorization %s', (routeKey, fn, authorization) => {
    const integrationId = logicalIdOf(template, 'AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fnId(fn), 'Arn'] },
    });
    // Exactly one route per key: a second, differently authorized route for the same key would shadow this one.
    logicalIdOf(template, 'AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      AuthorizationType: authorization,
      // Agent routes go through the Lambda authorizer; a public route must not get one.
      AuthorizerId: authorization === 'CUSTOM' ? { Ref: Match.anyValue() } : Match.absent(),
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
  });

  // Other public routes (survey links and the like) may come and go; complaint data may not go public.
  it('keeps every /complaints route except POST /complaints behind the authorizer, and no route without an authorization type', () => {
    expect(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { AuthorizationType: Match.absent() } })).toEqual({});
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Array<{ Properties: { RouteKey: string; AuthorizationType: string } }>;
    const complaintRoutes = routes.filter((r) => /^[A-Z]+ \/complaints(\/|$)/.test(r.Properties.RouteKey));
    expect(complaintRoutes.length).toBeGreaterThanOrEqual(4);
    for (const { Properties: route } of complaintRoutes) {
      expect(route.AuthorizationType, route.RouteKey).toBe(route.RouteKey === 'POST /complaints' ? 'NONE' : 'CUSTOM');
    }
  });
});

describe('SLA sweeper schedule', () => {
  const sweeperArn = { 'Fn::GetAtt': [fnId('slaSweeper'), 'Arn'] };

  it('runs the sweeper every five minutes from an enabled EventBridge rule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: sweeperArn })],
    });
  });

  it('lets that rule, and only that rule, invoke the sweeper', () => {
    const ruleId = logicalIdOf(template, 'AWS::Events::Rule', { Targets: Match.arrayWith([Match.objectLike({ Arn: sweeperArn })]) });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: sweeperArn,
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });
});

describe('table classes', () => {
  const classOf = (t: Template, table: keyof typeof tables) =>
    t.toJSON().Resources[logicalIdOf(t, 'AWS::DynamoDB::Table', { KeySchema: keySchema(tables[table].partitionKey, tables[table].sortKey) })].Properties.TableClass;

  it('keeps both tables Standard by default', () => {
    expect([classOf(template, 'complaints'), classOf(template, 'state')]).toEqual(['STANDARD', 'STANDARD']);
  });

  it('puts the complaints table, and only it, on Standard-IA when retention.complaintsTableClass says so', () => {
    const raw = rawDefaultConfig();
    const ia = synthTemplate({}, parseConfig({ ...raw, retention: { ...(raw.retention as object), complaintsTableClass: 'STANDARD_INFREQUENT_ACCESS' } }, 'test config'));
    expect([classOf(ia, 'complaints'), classOf(ia, 'state')]).toEqual(['STANDARD_INFREQUENT_ACCESS', 'STANDARD']);
  });
});

describe('complaints table indexes', () => {
  const indexes = tables.complaints.indexes.map((index) => [index.name, index] as const);

  it('has exactly the GSIs of pipeline.ts', () => {
    const gsis = (template.toJSON().Resources[complaintsTableId].Properties.GlobalSecondaryIndexes ?? []) as Array<{ IndexName: string }>;
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(tables.complaints.indexes.map((i) => i.name).sort());
  });

  // A complaint update must not rewrite a full copy of the complaint in any index (README "Cost"):
  // every index projects keys and at most a few small attributes, and its readers fetch the items.
  it('projects no complaints index ALL, and INCLUDEs only what pipeline.ts lists', () => {
    const gsis = template.toJSON().Resources[complaintsTableId].Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }>;
    for (const gsi of gsis) {
      expect(gsi.Projection.ProjectionType, gsi.IndexName).not.toBe('ALL');
      expect(gsi.Projection.NonKeyAttributes ?? [], gsi.IndexName).toEqual(tables.complaints.indexes.find((i) => i.name === gsi.IndexName)?.include ?? []);
      expect((gsi.Projection.NonKeyAttributes ?? []).length, gsi.IndexName).toBeLessThanOrEqual(3);
    }
  });

  it.each(indexes)('%s has its key schema, typed key attributes and the projection pipeline.ts gives it', (name, index: IndexDefinition) => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...complaintsKey,
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectEquals({
          IndexName: name,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          // Exact: a narrower projection than pipeline.ts declares would starve the handlers that read it.
          Projection: cfnProjection(index),
        }),
      ]),
    });
    for (const key of index.sortKey ? [index.partitionKey, index.sortKey] : [index.partitionKey]) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        ...complaintsKey,
        AttributeDefinitions: Match.arrayWith([{ AttributeName: key.name, AttributeType: key.type }]),
      });
    }
  });

  // The repository writes exactly these attributes only while an SLA clock runs (byDueAt) or an SLA
  // action is pending (bySweepAt); another key name would leave the sparse index empty.
  it.each([
    ['byDueAt', 'dueBucket', 'dueAt'],
    ['bySweepAt', 'sweepBucket', 'sweepAt'],
  ] as const)('keys the sparse %s index on %s and %s (strings)', (name, partition, sort) => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...complaintsKey,
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: name,
          KeySchema: [
            { AttributeName: partition, KeyType: 'HASH' },
            { AttributeName: sort, KeyType: 'RANGE' },
          ],
          // Keys (and for byDueAt the listing's filter attributes) only: the readers fetch the items.
          Projection: cfnProjection(tables.complaints.indexes.find((i) => i.name === name)!),
        }),
      ]),
      AttributeDefinitions: Match.arrayWith([{ AttributeName: partition, AttributeType: 'S' }]),
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...complaintsKey,
      AttributeDefinitions: Match.arrayWith([{ AttributeName: sort, AttributeType: 'S' }]),
    });
  });
});

describe('progress notifier stream mapping', () => {
  const mappings = template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: fnId('progressNotifier') } } });
  const mapping = Object.values(mappings)[0] as { Properties: Record<string, unknown> } | undefined;

  it('reads the complaints stream through exactly one mapping that reports batch item failures', () => {
    expect(Object.keys(mappings)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('progressNotifier') },
      EventSourceArn: { 'Fn::GetAtt': [complaintsTableId, 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets through INSERT and MODIFY of complaints only (no REMOVE: TTL deletions tell the customer nothing)', () => {
    const filters = (mapping?.Properties.FilterCriteria as { Filters: Array<{ Pattern: string }> } | undefined)?.Filters ?? [];
    // Parsed, not compared as text: key order in the JSON is no part of the contract.
    expect(filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['complaint'] } } } },
    ]);
  });
});

describe('SMS to phone numbers', () => {
  it('is declared by the functions that text customers and escalation contacts', () => {
    expect(functions.progressNotifier.access.sendSmsToPhones).toBe(true);
    expect(functions.slaSweeper.access.sendSmsToPhones).toBe(true);
  });

  it.each(definitions)('%s may text phone numbers, never every topic, exactly when it declares sendSmsToPhones', (_name, def) => {
    const statements = statementsOfFunction(template, functionIdOf(template, def.description));
    const publish = statements.filter((s) => actionsOf(s).includes('sns:Publish'));
    // No function may publish on '*' (that would include every topic in the account).
    expect(publish.filter((s) => resourcesOf(s).includes('*'))).toEqual([]);
    const toPhones = publish.filter((s) => s.NotResource !== undefined);
    if (def.access.sendSmsToPhones) {
      // Publish on everything except SNS ARNs: phone numbers only; nothing else may ride on it.
      expect(toPhones).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', NotResource: SMS_TO_PHONES_NOT_RESOURCE }]);
    } else {
      expect(toPhones).toEqual([]);
    }
  });
});

describe('link signing keys', () => {
  const secrets = template.findResources('AWS::SecretsManager::Secret');
  const [secretId] = Object.keys(secrets);

  it('generates one secret in the form the functions read, kept when the stack goes', () => {
    expect(Object.keys(secrets)).toHaveLength(1);
    const secret = secrets[secretId!] as { Properties: { GenerateSecretString: Record<string, unknown> }; DeletionPolicy: string };
    expect(secret.Properties.GenerateSecretString).toMatchObject({ SecretStringTemplate: JSON.stringify({ current: 'k1' }), GenerateStringKey: 'k1', PasswordLength: 64 });
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('lets exactly the functions whose access says linkKeys read it, and tells them where it is', () => {
    for (const [name, def] of definitions) {
      const id = fnId(name);
      const reads = statementsOfFunction(template, id).some((s) => actionsOf(s).includes('secretsmanager:GetSecretValue') && resourcesOf(s).some((r) => JSON.stringify(r).includes(secretId!)));
      expect(reads, name).toBe(Boolean(def.access.linkKeys));
      const variables = (template.toJSON().Resources[id].Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      expect(variables[env.linkKeysSecret], name).toEqual(def.access.linkKeys ? { Ref: secretId } : undefined);
    }
    expect(definitions.filter(([, d]) => d.access.linkKeys).map(([n]) => n).sort()).toEqual(['inboundMail', 'progressNotifier', 'surveyDispatcher', 'unsubscribe', 'unsubscribePage']);
  });
});

import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type PipelineConfig } from '../../functions/domain/config.ts';
import { env, functions, type FunctionDefinition, type HttpTrigger } from '../../functions/pipeline.ts';
import { buildApp } from '../../lib/app.ts';
import { rawDefaultConfig } from '../fixtures/config.ts';
import { actionsOf, allStatements, buildTestApp, defaultConfig, functionIdOf, resourcesOf, statementsOfFunction, synthTemplate, testApp } from './template-helpers.ts';

/** The shipped config with `protection` replaced. */
function withProtection(protection: Record<string, unknown>): PipelineConfig {
  return parseConfig({ ...rawDefaultConfig(), protection }, 'test config');
}

/** Unacknowledged cdk-nag findings of an app. */
function findings(app: App): string[] {
  return new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

const definitions = Object.entries(functions) as Array<[string, FunctionDefinition]>;
const httpDefinitions = definitions.filter(([, d]) => d.trigger.kind === 'http') as Array<[string, FunctionDefinition & { trigger: HttpTrigger }]>;
const isPublic = (d: FunctionDefinition) => d.trigger.kind === 'http' && d.trigger.auth === 'public';
const template = synthTemplate();
const protection = defaultConfig.protection;

describe('defaults', () => {
  it('ships the documented defaults', () => {
    expect(protection).toEqual({
      receiptsPerRecipientPerHour: 5,
      receiptSmsPerHour: 500,
      receiptEmailsPerHour: 5000,
      maxGivenSeverity: 'high',
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      publicRouteThrottle: { rateLimit: 10, burstLimit: 20 },
      publicReservedConcurrency: 10,
      waf: { enabled: false, requestsPer5MinutesPerIp: 500 },
      customerManagedKey: false,
    });
  });

  it('names the key of a bad setting', () => {
    expect(() => withProtection({ apiThrottle: { rateLimit: 100, burstLimit: 10 } })).toThrow(/protection\.apiThrottle\.burstLimit: burstLimit must be at least rateLimit/);
    expect(() => withProtection({ receiptsPerRecipientPerHour: 0 })).toThrow(/protection\.receiptsPerRecipientPerHour/);
    expect(() => withProtection({ maxGivenSeverity: 'urgent' })).toThrow(/protection\.maxGivenSeverity/);
    expect(() => withProtection({ receiptSmsPerHour: 0 })).toThrow(/protection\.receiptSmsPerHour/);
    expect(withProtection({ receiptSmsPerHour: null }).protection.receiptSmsPerHour).toBeNull();
    expect(() => withProtection({ receiptEmailsPerHour: 2.5 })).toThrow(/protection\.receiptEmailsPerHour/);
    expect(withProtection({ receiptEmailsPerHour: null }).protection.receiptEmailsPerHour).toBeNull();
    expect(() => withProtection({ waf: { enabled: 'yes' } })).toThrow(/protection\.waf\.enabled/);
  });
});

describe('throttling', () => {
  const stage = () => Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as { Properties: Record<string, any>; DependsOn?: string[] };

  it('throttles every route of the stage by default', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: protection.apiThrottle.rateLimit, ThrottlingBurstLimit: protection.apiThrottle.burstLimit },
    });
  });

  it('gives each public route its own lower throttle, and agent routes none of their own', () => {
    const settings = stage().Properties.RouteSettings as Record<string, unknown>;
    const publicKeys = httpDefinitions.filter(([, d]) => isPublic(d)).map(([, d]) => `${d.trigger.method} ${d.trigger.path}`);
    expect(Object.keys(settings).sort()).toEqual(publicKeys.sort());
    for (const key of publicKeys) {
      expect(settings[key]).toEqual({ ThrottlingRateLimit: protection.publicRouteThrottle.rateLimit, ThrottlingBurstLimit: protection.publicRouteThrottle.burstLimit });
    }
  });

  it('creates the stage after the public routes it names (else CloudFormation cannot find them)', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const publicRouteIds = Object.entries(routes)
      .filter(([, r]) => httpDefinitions.some(([, d]) => isPublic(d) && (r as any).Properties.RouteKey === `${d.trigger.method} ${d.trigger.path}`))
      .map(([id]) => id);
    expect(publicRouteIds.length).toBeGreaterThan(0);
    expect(stage().DependsOn).toEqual(expect.arrayContaining(publicRouteIds));
  });

  it.each(definitions)('reserves concurrency for %s exactly when it serves a public route', (_name, def) => {
    const fn = template.toJSON().Resources[functionIdOf(template, def.description)];
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(isPublic(def) ? protection.publicReservedConcurrency : undefined);
  });

  it('reserves none when publicReservedConcurrency is null', () => {
    const t = synthTemplate({}, withProtection({ publicReservedConcurrency: null }));
    expect(Object.values(t.findResources('AWS::Lambda::Function')).filter((f) => (f as any).Properties.ReservedConcurrentExecutions !== undefined)).toEqual([]);
  });

  it('takes rates and bursts from the config', () => {
    const t = synthTemplate({}, withProtection({ apiThrottle: { rateLimit: 7, burstLimit: 9 }, publicRouteThrottle: { rateLimit: 2, burstLimit: 3 } }));
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 },
      RouteSettings: { 'POST /complaints': { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 } },
    });
  });
});

describe('access logs', () => {
  it('record source IP, user agent and the caller the agent authorizer let in (never bodies)', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as any;
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      sourceIp: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      caller: '$context.authorizer.caller',
      authorizerError: '$context.authorizer.error',
    });
    expect(JSON.stringify(format)).not.toMatch(/body|querystring/i);
  });
});

describe('tables', () => {
  it('turn on deletion protection on every table', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(tables.length).toBe(2);
    for (const table of tables) expect((table as any).Properties.DeletionProtectionEnabled).toBe(true);
  });
});

describe('SMS to phone numbers', () => {
  it('no statement in the stack allows sns:Publish on every resource', () => {
    const publish = allStatements(template).filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a === 'sns:Publish' || a === 'sns:*'));
    expect(publish.length).toBeGreaterThan(0);
    for (const s of publish) expect(resourcesOf(s)).not.toContain('*');
  });
});

describe('WAF (protection.waf.enabled)', () => {
  it('is off by default: no web ACL, no distribution', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  const config = withProtection({ waf: { enabled: true, requestsPer5MinutesPerIp: 321 } });
  const { app, stack } = buildTestApp({ nag: true }, config);
  const t = Template.fromStack(stack);

  it('puts a CloudFront web ACL with a per-IP rate rule in front of the API', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'RatePerIp',
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 321, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        }),
      ],
    });
    const aclId = Object.keys(t.findResources('AWS::WAFv2::WebACL'))[0]!;
    const apiId = Object.keys(t.findResources('AWS::ApiGatewayV2::Api'))[0]!;
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: { 'Fn::GetAtt': [aclId, 'Arn'] },
        Origins: [Match.objectLike({ CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }) })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: Match.arrayWith(['PUT', 'POST', 'DELETE']) }),
      }),
    });
    expect(JSON.stringify(t.findResources('AWS::CloudFront::Distribution'))).toContain(apiId);
  });

  it('points the links in messages at the distribution', () => {
    const distributionId = Object.keys(t.findResources('AWS::CloudFront::Distribution'))[0]!;
    for (const [, def] of definitions.filter(([, d]) => d.access.publicUrl)) {
      const fn = t.toJSON().Resources[functionIdOf(t, def.description)];
      expect(JSON.stringify(fn.Properties.Environment.Variables[env.publicBaseUrl])).toContain(distributionId);
    }
  });

  it('stops a deployment outside us-east-1 with a rule, and a synth for another region with the key', () => {
    expect(t.toJSON().Rules.WebAclRegionRule).toEqual({
      Assertions: [{ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }, AssertDescription: expect.stringContaining('us-east-1') }],
    });
    const other = testApp();
    expect(() => buildApp(other, config, { nag: false, env: { account: '111111111111', region: 'ap-east-1' } })).toThrow(ConfigError);
    expect(() => buildApp(testApp(), config, { nag: false, env: { account: '111111111111', region: 'ap-east-1' } })).toThrow(/protection\.waf\.enabled/);
  });

  it('keeps cdk-nag clean, with each acknowledgement justified', () => {
    expect(findings(app)).toEqual([]);
  });
});

describe('customer-managed key (protection.customerManagedKey)', () => {
  it('is off by default: AWS-managed table encryption, no data key', () => {
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect((table as any).Properties.SSESpecification).toEqual({ SSEEnabled: true });
    }
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) expect((group as any).Properties.KmsKeyId).toBeUndefined();
  });

  // Every optional resource on (key, WAF). The CloudFormation validation `cdk synth` runs checks this
  // template in tests/infra/cdk-nag.test.ts, beside the default one: one process starts its engine.
  const { app, stack } = buildTestApp({ nag: true }, withProtection({ customerManagedKey: true, waf: { enabled: true } }));
  const t = Template.fromStack(stack);
  const keyId = Object.entries(t.findResources('AWS::KMS::Key')).find(([, k]) => String((k as any).Properties.Description).includes('tables and log groups'))![0];
  const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

  it('encrypts both tables with one rotated key', () => {
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('tables and log groups') });
    const tables = Object.values(t.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(2);
    for (const table of tables) expect((table as any).Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn });
  });

  it('encrypts every log group with it, and lets CloudWatch Logs use it for this account only', () => {
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThan(definitions.length);
    for (const group of groups) expect((group as any).Properties.KmsKeyId).toEqual(keyArn);
    const policy = (t.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as any[]).find((s) => JSON.stringify(s.Principal ?? {}).includes('logs.'));
    expect(policy.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toBeDefined();
  });

  it.each(definitions.filter(([, d]) => Object.keys(d.access.tables).length > 0))('lets %s use the key as far as its table access goes', (_name, def) => {
    const kms = statementsOfFunction(t, functionIdOf(t, def.description)).filter((s) => resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify(keyArn)));
    const actions = kms.flatMap(actionsOf);
    expect(actions).toContain('kms:Decrypt');
    const writes = Object.values(def.access.tables).includes('readWrite');
    expect(actions.includes('kms:GenerateDataKey*')).toBe(writes);
  });

  it('keeps cdk-nag clean, with each acknowledgement justified', () => {
    expect(findings(app)).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type App, CfnResource, Validations } from 'aws-cdk-lib';
import { VALIDATE_AGAINST_DEFAULT_RULES } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/domain/config.ts';
import { functions, tables } from '../../functions/pipeline.ts';
import { rawDefaultConfig } from '../fixtures/config.ts';
import { buildTestApp } from './template-helpers.ts';

/** Every acknowledgement in the app: rule id -> reasons given. */
function acknowledgements(scope: App): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const ruleId = id.replace(/^annotation::/i, '');
        found.set(ruleId, [...(found.get(ruleId) ?? []), reason]);
      }
    }
  }
  return found;
}

/** Unacknowledged findings, one line per resource. */
function findings(app: App): string[] {
  return new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

describe('cdk-nag AwsSolutions', () => {
  // Synthesized with the CloudFormation validation that `cdk synth` runs (other template tests skip it;
  // the stack with every optional resource is validated here too, so one process starts its engine).
  const { app } = buildTestApp({ nag: true, validate: true });

  it('reports no unacknowledged finding (error or warning)', () => {
    expect(findings(app)).toEqual([]);
  });

  it('passes the validation that synth runs, as `cdk synth` does', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('passes it with every optional resource on too (customer-managed key, WAF)', () => {
    const every = buildTestApp({ validate: true }, parseConfig({ ...rawDefaultConfig(), protection: { customerManagedKey: true, waf: { enabled: true } } }, 'test config'));
    expect(() => every.app.synth()).not.toThrow();
  });

  it('fails a synth whose template the validation finds wrong, here and in `cdk synth` (cdk.json)', () => {
    const broken = buildTestApp({ validate: true });
    const table = broken.stack.node.findAll().find((c) => c instanceof CfnResource && c.cfnResourceType === 'AWS::DynamoDB::Table') as CfnResource;
    table.addPropertyOverride('BillingMode', 'NOT_A_BILLING_MODE');
    expect(() => broken.app.synth()).toThrow(/BillingMode/);
    const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8')) as { context: Record<string, unknown> };
    expect(cdkJson.context[VALIDATE_AGAINST_DEFAULT_RULES]).toBe(true);
  });

  it('acknowledges only these findings, each with a reason', () => {
    const acknowledged = acknowledgements(app);
    // The inbound-mail function's grants on object prefixes of the mail bucket (named by its construct id).
    const mailPrefixGrant = /^AwsSolutions-IAM5\[Resource::<InboundMailBucket[0-9A-F]{8}\.Arn>\/(inbound|quarantine|attachments|messages)\/\*\]$/;
    expect([...acknowledged.keys()].filter((id) => mailPrefixGrant.test(id))).toHaveLength(4);
    expect([...acknowledged.keys()].filter((id) => !mailPrefixGrant.test(id)).sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-COG8',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Resource::*]',
      // The mail bucket's access-log bucket; W3045 is acknowledged by aws-cdk-lib itself for log buckets.
      'AwsSolutions-S1',
      // The link signing keys: rotated by hand, beside the old key, so links in inboxes keep working.
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
      'CloudFormation-Validate::W3045',
    ]);
    for (const reasons of acknowledged.values()) {
      for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
    }
  });

  it('stays clean when the pipeline gains a schedule and an agent route', () => {
    const extended = buildTestApp({
      nag: true,
      pipeline: {
        tables,
        functions: {
          ...functions,
          sweeper: {
            entry: functions.getComplaint.entry,
            description: 'Sweeps what is due.',
            timeoutSeconds: 30,
            memoryMb: 256,
            trigger: { kind: 'schedule', expression: 'rate(5 minutes)' },
            access: { tables: { complaints: 'readWrite' }, sendEmail: true },
          },
        },
      },
    });
    expect(findings(extended.app)).toEqual([]);
  });
});

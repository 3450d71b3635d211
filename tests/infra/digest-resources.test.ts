import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions } from '../../functions/pipeline.ts';
import { defaultConfig, functionIdOf, synthTemplate } from './template-helpers.ts';

const template = synthTemplate();
const digestId = functionIdOf(template, functions.weeklyDigest.description);

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown };

function statementsOfRole(t: Template, roleId: string): Statement[] {
  const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}

describe('weekly digest resources', () => {
  it('schedules the digest with EventBridge Scheduler on the company\'s wall clock (Monday 09:00, Asia/Shanghai)', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: defaultConfig.company.timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [digestId, 'Arn'] },
        Input: JSON.stringify({ scheduleArn: '<aws.scheduler.schedule-arn>', scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
    // No UTC rule for it: a rule would drift an hour wherever clocks change.
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      expect(JSON.stringify(rule)).not.toContain(digestId);
    }
  });

  it('follows the configured weekday, time and company zone', () => {
    const t = synthTemplate({}, { ...defaultConfig, company: { ...defaultConfig.company, timeZone: 'Europe/Berlin' }, digest: { ...defaultConfig.digest, schedule: { weekday: 'TUE', time: '07:30' } } });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 7 ? * TUE *)', ScheduleExpressionTimezone: 'Europe/Berlin' });
  });

  it('lets the schedule\'s role invoke only the digest function and send only to the on-failure queue', () => {
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as { Properties: { Target: { RoleArn: { 'Fn::GetAtt': [string, string] } } } };
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })]) },
    });
    const statements = statementsOfRole(template, roleId);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    const invoke = statements.find((s) => [s.Action].flat().includes('lambda:InvokeFunction'))!;
    expect(JSON.stringify(invoke.Resource)).toContain(digestId);
    expect(JSON.stringify(invoke.Resource)).not.toContain('"*"');
  });

  it('gives the function the chart assets, the ledger table, SES and the console URL, nothing more', () => {
    const fn = template.toJSON().Resources[digestId] as { Properties: { MemorySize: number; Timeout: number; Environment: { Variables: Record<string, unknown> } } };
    expect(fn.Properties.MemorySize).toBe(1024);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['COMPLAINTS_TABLE', 'STATE_TABLE', 'PUBLIC_BASE_URL', 'SES_CONFIGURATION_SET']));
    expect(functions.weeklyDigest.bundleAssets).toEqual(expect.arrayContaining([expect.stringMatching(/index_bg\.wasm$/), expect.stringMatching(/\.ttf$/)]));
    const role = (template.toJSON().Resources[digestId] as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }).Properties.Role['Fn::GetAtt'][0];
    const actions = new Set(statementsOfRole(template, role).flatMap((s) => [s.Action].flat()));
    expect(actions.has('dynamodb:Scan')).toBe(false);
    expect(actions.has('ses:SendRawEmail')).toBe(true);
    expect(actions.has('sns:Publish')).toBe(false);
  });
});

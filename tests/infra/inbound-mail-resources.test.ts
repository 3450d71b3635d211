import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { env, functions } from '../../functions/pipeline.ts';
import { actionsOf, defaultConfig, functionIdOf, logicalIdOf, resourcesOf, statementsOfFunction, synthTemplate } from './template-helpers.ts';

const template = synthTemplate();
const inbound = defaultConfig.inbound!;
const fnId = functionIdOf(template, functions.inboundMail.description);
const bucketId = logicalIdOf(template, 'AWS::S3::Bucket', {
  LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'inbound/' })]) },
});
const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });

describe('inbound mail resources', () => {
  it('has one receipt rule for the complaints domain: scanned, raw message to the bucket, then the function asynchronously', () => {
    const ruleSetId = Object.keys(template.findResources('AWS::SES::ReceiptRuleSet'))[0]!;
    template.resourceCountIs('AWS::SES::ReceiptRule', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: ruleSetId },
      Rule: {
        Enabled: true,
        ScanEnabled: true,
        Recipients: [inbound.address.split('@')[1]],
        Actions: [
          { S3Action: { BucketName: { Ref: bucketId }, ObjectKeyPrefix: 'inbound/' } },
          { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, InvocationType: 'Event' } },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('encrypts the bucket, blocks public access and expires raw mail (also filed under complaints), quarantine and attachments as configured', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ Prefix: 'inbound/', ExpirationInDays: inbound.rawRetentionDays, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: inbound.rawRetentionDays, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'attachments/', ExpirationInDays: defaultConfig.retention.complaintDays, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'messages/', ExpirationInDays: inbound.rawRetentionDays, Status: 'Enabled' }),
        ],
      },
    });
    expect(template.toJSON().Resources[bucketId].DeletionPolicy).toBe('Retain');
  });

  it('lets only SES of this account put raw messages under inbound/, and nothing over plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'ses.amazonaws.com' },
            Resource: objects('inbound/'),
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('grants the function exactly: read and delete inbound/, write quarantine/, attachments/ and messages/, and its tables', () => {
    const s3 = statementsOfFunction(template, fnId).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [actionsOf(s), resourcesOf(s)])).toEqual([
      [['s3:GetObject', 's3:DeleteObject'], [objects('inbound/')]],
      [['s3:PutObject'], [objects('quarantine/'), objects('attachments/'), objects('messages/')]],
    ]);
    const fn = template.toJSON().Resources[fnId];
    expect(fn.Properties.Environment.Variables[env.inboundMailBucket]).toEqual({ Ref: bucketId });
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining([env.complaintsTable, env.stateTable]));
  });

  it("lets the reply page's POST function put objects under attachments/ only (the reply's files), with the bucket in its environment", () => {
    const replyId = functionIdOf(template, functions.replyAnswer.description);
    const s3 = statementsOfFunction(template, replyId).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [actionsOf(s), resourcesOf(s), s.Condition])).toEqual([[['s3:PutObject'], [objects('attachments/')], undefined]]);
    expect(template.toJSON().Resources[replyId].Properties.Environment.Variables[env.inboundMailBucket]).toEqual({ Ref: bucketId });
    // The page itself (GET) shares the handler module but not the grant.
    const pageId = functionIdOf(template, functions.replyPage.description);
    expect(template.toJSON().Resources[pageId].Properties.Environment.Variables[env.inboundMailBucket]).toBeUndefined();
  });

  it('lets the erasure function list and delete attachments/ and messages/ only, the console download read attachments, and no other function touch the bucket', () => {
    const eraseId = functionIdOf(template, functions.eraseCustomer.description);
    const s3 = statementsOfFunction(template, eraseId).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [actionsOf(s), resourcesOf(s), s.Condition])).toEqual([
      [['s3:ListBucket'], [bucketArn], { StringLike: { 's3:prefix': ['attachments/*', 'messages/*'] } }],
      [['s3:DeleteObject'], [objects('attachments/'), objects('messages/')], undefined],
    ]);
    expect(template.toJSON().Resources[eraseId].Properties.Environment.Variables[env.inboundMailBucket]).toEqual({ Ref: bucketId });
    const downloadId = functionIdOf(template, functions.consoleAttachment.description);
    expect(statementsOfFunction(template, downloadId).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:'))).map((s) => [actionsOf(s), resourcesOf(s)])).toEqual([[['s3:GetObject'], [objects('attachments/')]]]);
    const others = Object.values(functions)
      .filter((def) => def !== functions.inboundMail && def !== functions.eraseCustomer && def !== functions.consoleAttachment && def !== functions.replyAnswer)
      .map((def) => functionIdOf(template, def.description));
    for (const id of others) expect(statementsOfFunction(template, id).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:'))), id).toEqual([]);
  });

  it('sends failed asynchronous invocations to the on-failure queue after two retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('creates no receiving resources and no inbound function for a config without inbound', () => {
    const { inbound: _none, ...withoutInbound } = defaultConfig;
    const plain = synthTemplate({}, withoutInbound);
    plain.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    plain.resourceCountIs('AWS::S3::Bucket', 0);
    // The erasure function is deployed all the same, with no bucket to reach.
    const eraseId = functionIdOf(plain, functions.eraseCustomer.description);
    expect(statementsOfFunction(plain, eraseId).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))).toEqual([]);
    // The reply page stays text-only: its POST function has no grant and no bucket variable.
    const replyId = functionIdOf(plain, functions.replyAnswer.description);
    expect(statementsOfFunction(plain, replyId).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))).toEqual([]);
    expect(plain.toJSON().Resources[replyId].Properties.Environment.Variables[env.inboundMailBucket]).toBeUndefined();
    expect(Object.keys(plain.findResources('AWS::Lambda::Function', { Properties: { Description: functions.inboundMail.description } }))).toEqual([]);
  });
});

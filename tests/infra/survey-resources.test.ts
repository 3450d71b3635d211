import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { env, functions, type FunctionDefinition } from '../../functions/pipeline.ts';
import { functionIdOf, synthTemplate } from './template-helpers.ts';

const template = synthTemplate();
const definitions = Object.entries(functions) as [string, FunctionDefinition][];
const apiId = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))[0] as string;

function environmentOf(description: string): Record<string, unknown> {
  const fn = template.toJSON().Resources[functionIdOf(template, description)] as { Properties: { Environment?: { Variables?: Record<string, unknown> } } };
  return fn.Properties.Environment?.Variables ?? {};
}

describe('satisfaction survey resources', () => {
  it('gives the complaints table the sparse bySurveyDue index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'bySurveyDue',
          KeySchema: [
            { AttributeName: 'surveyBucket', KeyType: 'HASH' },
            { AttributeName: 'surveyDueAt', KeyType: 'RANGE' },
          ],
          // Keys only: the dispatcher fetches the due complaints from the table.
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ]),
    });
  });

  it('runs the dispatcher every fifteen minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionIdOf(template, functions.surveyDispatcher.description), 'Arn'] } })],
    });
  });

  it.each(definitions)('%s gets the API URL for links exactly when its access says publicUrl', (_name, def) => {
    const value = environmentOf(def.description)[env.publicBaseUrl];
    if (!def.access.publicUrl) {
      expect(value).toBeUndefined();
      return;
    }
    expect(value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
  });

  it('serves the survey and unsubscribe pages publicly and the CSAT report to agents only', () => {
    for (const key of ['GET /s/{token}', 'POST /s/{token}', 'GET /u/{token}', 'POST /u/{token}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'NONE' });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /reports/csat', AuthorizationType: 'CUSTOM' });
  });
});

import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions, type FunctionName } from '../../functions/pipeline.ts';
import { actionsOf, functionIdOf, logicalIdOf, statementsOfFunction, synthTemplate } from './template-helpers.ts';

// The routes that let agents see and undo early-warning operations, pinned as a spec.
const template: Template = synthTemplate();
const fnId = (name: FunctionName) => functionIdOf(template, functions[name].description);
const dynamoActions = (name: FunctionName) => statementsOfFunction(template, fnId(name)).flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));

describe('early-warning operations routes', () => {
  it.each([
    ['DELETE /silences/{id}', 'endSilence'],
    ['GET /categories/{id}/alerting', 'getCategoryAlerting'],
    ['DELETE /categories/{id}/alerting', 'clearCategoryAlerting'],
  ] as const)('%s reaches %s behind the agent authorizer', (routeKey, fn) => {
    const integrationId = logicalIdOf(template, 'AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fnId(fn), 'Arn'] },
    });
    logicalIdOf(template, 'AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      AuthorizationType: 'CUSTOM',
      AuthorizerId: Match.anyValue(),
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
  });

  it('reading an override may not write; ending a silence and removing an override may', () => {
    expect(dynamoActions('getCategoryAlerting')).toContain('dynamodb:GetItem');
    expect(dynamoActions('getCategoryAlerting')).not.toEqual(expect.arrayContaining(['dynamodb:PutItem']));
    expect(dynamoActions('getCategoryAlerting')).not.toEqual(expect.arrayContaining(['dynamodb:DeleteItem']));
    expect(dynamoActions('endSilence')).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem']));
    expect(dynamoActions('clearCategoryAlerting')).toEqual(expect.arrayContaining(['dynamodb:DeleteItem']));
    for (const fn of ['endSilence', 'getCategoryAlerting', 'clearCategoryAlerting'] as const) {
      expect(dynamoActions(fn)).not.toEqual(expect.arrayContaining(['dynamodb:Scan']));
      template.hasResourceProperties('AWS::Lambda::Function', { Description: functions[fn].description, Environment: { Variables: Match.objectLike({ STATE_TABLE: Match.anyValue() }) } });
    }
  });
});

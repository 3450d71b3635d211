import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions } from '../../functions/pipeline.ts';
import { defaultConfig, functionIdOf, synthTemplate } from './template-helpers.ts';

describe('console sign-in and the agent API authorizer', () => {
  const template = synthTemplate();

  it('creates one user pool: no self sign-up, TOTP MFA required, strong passwords, kept on stack deletion', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true, RequireNumbers: true, RequireUppercase: true, RequireLowercase: true }) },
      }),
    });
  });

  it('creates the admin group and one group per department, named by the department id', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((r) => (r as { Properties: { GroupName: string } }).Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', ...defaultConfig.departments.map((d) => d.id)].sort());
  });

  it('gives the console a public app client: authorization code only (PKCE, no secret), callback on the API', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid']),
      CallbackURLs: [{ 'Fn::Join': ['', Match.arrayWith(['/console/callback'])] }],
      LogoutURLs: [{ 'Fn::Join': ['', Match.arrayWith(['/console/login'])] }],
      SupportedIdentityProviders: ['COGNITO'],
      AccessTokenValidity: 480,
      TokenValidityUnits: Match.objectLike({ AccessToken: 'minutes' }),
    });
  });

  it('gives machines a client-credentials client limited to the agent scope', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'complaint-api', Scopes: [Match.objectLike({ ScopeName: 'agent' })] });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: Match.anyValue() }, '/agent']] }],
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('puts every agent route behind one Lambda authorizer (simple responses, no cached verdicts)', () => {
    const authorizerFn = functionIdOf(template, functions.apiAuthorizer.description);
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
      AuthorizerUri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [authorizerFn, 'Arn'] }])] }),
    });
    const agentRoutes = Object.values(functions).filter((d) => d.trigger.kind === 'http' && d.trigger.auth === 'agent');
    expect(agentRoutes.length).toBeGreaterThan(5);
    for (const def of agentRoutes) {
      if (def.trigger.kind !== 'http') continue;
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${def.trigger.method} ${def.trigger.path}`, AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: Match.anyValue() } });
    }
  });

  it('serves the console pages without an API authorizer (they check the session) and hands them the user pool settings', () => {
    for (const key of ['GET /', 'GET /console/{proxy+}', 'POST /console/{proxy+}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'NONE' });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: functions.consolePages.description,
      Environment: {
        Variables: Match.objectLike({
          USER_POOL_ID: { Ref: Match.anyValue() },
          CONSOLE_CLIENT_ID: { Ref: Match.anyValue() },
          MACHINE_CLIENT_ID: { Ref: Match.anyValue() },
          AGENT_SCOPE: 'complaint-api/agent',
          USER_POOL_DOMAIN_URL: Match.anyValue(),
        }),
      },
    });
  });
});

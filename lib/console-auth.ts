import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolGroup,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ADMIN_GROUP } from '../functions/domain/access.ts';
import type { PipelineConfig } from '../functions/domain/config.ts';
import { env } from '../functions/pipeline.ts';
import type { HouseFunction } from './house-function.ts';

/** Properties of {@link ConsoleAuth}. */
export interface ConsoleAuthProps {
  readonly config: PipelineConfig;
  /** The HTTP API serving the console: its URL is the app client's callback and sign-out URL. */
  readonly api: HttpApi;
  /**
   * Prefix of the hosted UI domain (`<prefix>.auth.<region>.amazoncognito.com`); globally unique per region.
   * @default `complaints-<account id>`
   */
  readonly domainPrefix?: string;
}

/**
 * Who may use the console and the agent API: a Cognito user pool (no self sign-up, TOTP MFA required,
 * strong passwords), its groups (`admin` plus one per department, named by the department id), the
 * hosted UI domain, the console's public app client (authorization code with PKCE) and a machine
 * client (client credentials with the `complaint-api/agent` scope).
 */
export class ConsoleAuth extends Construct {
  readonly userPool: UserPool;
  readonly consoleClient: UserPoolClient;
  readonly machineClient: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** The OAuth scope machine clients need, `complaint-api/agent`. */
  readonly agentScope: string;

  constructor(scope: Construct, id: string, props: ConsoleAuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      // The operations team creates accounts (README "Operations console"); nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      // People's accounts outlive a stack replacement.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Threat protection (Plus feature plan, priced per monthly active user) is left to the operator; every account already needs TOTP MFA and a 12-character password, and there is no self sign-up.',
    });

    new UserPoolGroup(this, 'AdminGroup', { userPool: this.userPool, groupName: ADMIN_GROUP, description: 'Sees and acts on every department.', precedence: 0 });
    for (const [i, department] of props.config.departments.entries()) {
      new UserPoolGroup(this, `Group-${department.id}`, {
        userPool: this.userPool,
        groupName: department.id,
        description: `Sees and acts on ${department.name} (${department.id}) only.`,
        precedence: i + 1,
      });
    }

    const stack = Stack.of(this);
    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix ?? `complaints-${stack.account}` } });

    const agent = new ResourceServerScope({ scopeName: 'agent', scopeDescription: 'The agent API, for the whole company' });
    const server = new UserPoolResourceServer(this, 'AgentApi', { userPool: this.userPool, identifier: 'complaint-api', scopes: [agent] });
    this.agentScope = 'complaint-api/agent';

    const base = props.api.apiEndpoint;
    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${base}/console/callback`],
        logoutUrls: [`${base}/console/login`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // The console session is the access token: a working day, then sign in again (the hosted UI's
      // own session usually makes that one click).
      accessTokenValidity: Duration.hours(8),
      idTokenValidity: Duration.hours(8),
      refreshTokenValidity: Duration.days(1),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    this.machineClient = this.userPool.addClient('MachineClient', {
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: [OAuthScope.resourceServer(server, agent)] },
      accessTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });

    new CfnOutput(stack, 'ConsoleUrl', { value: `${base}/console/inbox`, description: 'The operations console (sign in with a user pool account).' });
    new CfnOutput(stack, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Create users and add them to groups here (README "Operations console").' });
    new CfnOutput(stack, 'HostedUiUrl', { value: this.domain.baseUrl() });
    new CfnOutput(stack, 'MachineClientId', { value: this.machineClient.userPoolClientId, description: 'Client-credentials client for machines; its secret is in the Cognito console.' });
  }

  /** Gives a function what it needs to verify tokens and sign people in. */
  bind(fn: HouseFunction): void {
    fn.addEnvironment(env.userPoolId, this.userPool.userPoolId);
    fn.addEnvironment(env.consoleClientId, this.consoleClient.userPoolClientId);
    fn.addEnvironment(env.machineClientId, this.machineClient.userPoolClientId);
    fn.addEnvironment(env.userPoolDomainUrl, this.domain.baseUrl());
    fn.addEnvironment(env.agentScope, this.agentScope);
  }
}

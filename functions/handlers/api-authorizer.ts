import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-cognito.ts';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { instrumented, logger } from '../adapters/observability.ts';
import { authenticateBearer } from '../adapters/request-auth.ts';
import { runtime } from '../adapters/runtime.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({});

/** What the authorizer hands the agent routes: the principal, as JSON (API Gateway context values are scalars). */
export interface AgentAuthorizerContext {
  readonly principal: string;
  /**
   * The principal's id (user name or client id) alone, for the API access log
   * (`$context.authorizer.caller`): the JSON above cannot go into the log's JSON format unescaped.
   */
  readonly caller: string;
}

/**
 * The HTTP API's Lambda authorizer for agent routes: verifies the bearer token (a person's or a
 * machine client's user pool access token; locally the agent token or a local session token) with
 * `aws-jwt-verify`, and passes the principal to the route. Locally the server invokes this same module before each agent
 * route. Denials are logged with their reason, never with the token.
 */
export const handler = instrumented(async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<AgentAuthorizerContext>> => {
  const result = await authenticateBearer(runtime().auth.authenticator, event.headers);
  if (!result.ok) {
    logger.info('agent request refused', { routeKey: event.routeKey, reason: result.reason });
    return { isAuthorized: false, context: { principal: '', caller: '' } };
  }
  return { isAuthorized: true, context: { principal: JSON.stringify(result.principal), caller: JSON.stringify(result.principal.id).slice(1, -1) } };
});

import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

/**
 * A stand-in for the agent API's authorizer in tests of the local HTTP layer alone: `Bearer <token>`
 * is an admin machine client, anything else is refused. The real authorizer module is tested on
 * its own and through the local pipeline.
 */
export function bearerAuthorizer(token: string) {
  return async (event: APIGatewayRequestAuthorizerEventV2) =>
    event.headers?.authorization === `Bearer ${token}`
      ? { isAuthorized: true, context: { principal: JSON.stringify({ id: 'test-agent', kind: 'machine', admin: true, departments: [] }) } }
      : { isAuthorized: false, context: {} };
}

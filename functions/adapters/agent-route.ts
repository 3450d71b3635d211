import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PrincipalSchema, type Principal } from '../domain/access.ts';
import { httpHandler, json, type HttpResult } from './http.ts';

/**
 * The principal the agent authorizer put on the request (`requestContext.authorizer.lambda`), or
 * undefined. In AWS API Gateway sets it; locally the server runs the same authorizer module.
 */
export function principalOf(event: APIGatewayProxyEventV2): Principal | undefined {
  const raw = (event.requestContext as { authorizer?: { lambda?: { principal?: unknown } } }).authorizer?.lambda?.principal;
  if (typeof raw !== 'string' || !raw) return undefined;
  try {
    const parsed = PrincipalSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps an agent route: no principal (a route wired without the authorizer) fails closed with 401;
 * otherwise the handler runs with the principal, whose departments it must respect.
 */
export function agentHandler(run: (event: APIGatewayProxyEventV2, principal: Principal) => Promise<HttpResult>) {
  return httpHandler(async (event) => {
    const principal = principalOf(event);
    if (!principal) return json(401, { error: 'unauthorized', message: 'no verified caller on this request' });
    return run(event, principal);
  });
}

/** 404 for what exists but lies outside the caller's departments: its existence is not revealed. */
export function notVisible(what: string): HttpResult {
  return json(404, { error: 'not_found', message: `no ${what}` });
}

import { provideStores } from '../adapters/aws-runtime.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { AlertingOverrideInputSchema, alertingView, newOverride } from '../domain/alerting-override.ts';
import { canSeeCategory } from '../domain/access.ts';
import { categoryById } from '../domain/config.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ alertOps: alertOpsStore });

/**
 * `/categories/{id}/alerting` (agents), only for categories of the caller's departments.
 * - `PUT` `{ threshold?: { count, windowMinutes }, detector?, actor }` stores a run-time override with
 *   who and when. The monitor and the evaluator pick it up within 30 seconds, without a redeploy.
 * - `GET` shows the deployed settings, the override (who, when) if any, and the settings in force.
 * - `DELETE` removes the override: the deployed settings apply again (within 30 seconds everywhere).
 * Each answers with the same view.
 */
export const handler = agentHandler(async (event, principal) => {
  const rt = runtime();
  const id = event.pathParameters?.id ?? '';
  const category = categoryById(rt.config, id);
  if (!category || !canSeeCategory(principal, id, rt.config)) return json(404, { error: 'not_found', message: `unknown category '${id}'` });
  const method = event.requestContext.http.method;
  if (method === 'GET') return json(200, alertingView(category, await rt.alertOps.getOverride(id)));
  if (method === 'DELETE') {
    const removed = await rt.alertOps.deleteOverride(id);
    if (!removed) return json(404, { error: 'no_override', message: `category '${id}' has no override; the deployed settings are in force`, ...alertingView(category, undefined) });
    return json(200, { removed, ...alertingView(category, undefined) });
  }
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = AlertingOverrideInputSchema.safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  const override = newOverride(id, principal.kind === 'user' ? { ...parsed.data, actor: principal.id } : parsed.data, rt.clock.now());
  await rt.alertOps.putOverride(override);
  return json(200, alertingView(category, override));
});

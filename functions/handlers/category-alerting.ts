import '../adapters/aws-runtime.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { AlertingOverrideInputSchema, applyOverride, newOverride } from '../domain/alerting-override.ts';
import { canSeeCategory } from '../domain/access.ts';
import { categoryById } from '../domain/config.ts';

/**
 * `PUT /categories/{id}/alerting` (agents): `{ threshold?: { count, windowMinutes }, detector?, actor }`
 * stores a run-time override with who and when. The monitor and the evaluator pick it up within 30
 * seconds, without a redeploy. Answers with the stored override and the settings now in force.
 * `GET` shows the override (or null) and the settings in force; `DELETE` removes it. Only for
 * categories of the caller's departments.
 */
export const handler = agentHandler(async (event, principal) => {
  const rt = runtime();
  const id = event.pathParameters?.id ?? '';
  const category = categoryById(rt.config, id);
  if (!category || !canSeeCategory(principal, id, rt.config)) return json(404, { error: 'not_found', message: `unknown category '${id}'` });
  const method = event.requestContext.http.method;
  if (method === 'GET') {
    const override = await rt.alertOps.getOverride(id);
    const effective = applyOverride(category, override);
    return json(200, { override: override ?? null, effective: { threshold: effective.threshold, detector: effective.detector ?? 'static' } });
  }
  if (method === 'DELETE') {
    const removed = await rt.alertOps.deleteOverride(id);
    return json(200, { removed, effective: { threshold: category.threshold, detector: category.detector ?? 'static' } });
  }
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = AlertingOverrideInputSchema.safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  const override = newOverride(id, principal.kind === 'user' ? { ...parsed.data, actor: principal.id } : parsed.data, rt.clock.now());
  await rt.alertOps.putOverride(override);
  const effective = applyOverride(category, override);
  return json(200, { override, effective: { threshold: effective.threshold, detector: effective.detector ?? 'static' } });
});

import '../adapters/aws-runtime.ts';
import { httpHandler, json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { AlertingOverrideInputSchema, applyOverride, newOverride } from '../domain/alerting-override.ts';
import { categoryById } from '../domain/config.ts';

/**
 * `PUT /categories/{id}/alerting` (agents): `{ threshold?: { count, windowMinutes }, detector?, actor }`
 * stores a run-time override with who and when. The monitor and the evaluator pick it up within 30
 * seconds, without a redeploy. Answers with the stored override and the settings now in force.
 */
export const handler = httpHandler(async (event) => {
  const rt = runtime();
  const id = event.pathParameters?.id ?? '';
  const category = categoryById(rt.config, id);
  if (!category) return json(404, { error: 'not_found', message: `unknown category '${id}'` });
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = AlertingOverrideInputSchema.safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  const override = newOverride(id, parsed.data, rt.clock.now());
  await rt.alertOps.putOverride(override);
  const effective = applyOverride(category, override);
  return json(200, { override, effective: { threshold: effective.threshold, detector: effective.detector ?? 'static' } });
});

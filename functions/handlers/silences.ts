import '../adapters/aws-runtime.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeCategory } from '../domain/access.ts';
import { categoryById } from '../domain/config.ts';
import { isSilenceActive, newSilence, SilenceInputSchema } from '../domain/silence.ts';

/**
 * `POST /silences` (agents): `{ category, from, to, reason, actor? }` mutes a category's alerts for
 * that period (breaches are counted on the silence, nothing is sent). `GET /silences`: the newest
 * silences with whether each is in force and what it swallowed. `DELETE /silences/{id}`: ends it now. Both only for the categories of the
 * caller's departments.
 */
export const handler = agentHandler(async (event, principal) => {
  const rt = runtime();
  if (event.requestContext.http.method === 'DELETE') {
    const id = event.pathParameters?.id ?? '';
    const found = (await rt.alertOps.listSilences(200)).find((s) => s.id === id);
    if (!found || !canSeeCategory(principal, found.category, rt.config)) return json(404, { error: 'not_found', message: `no silence '${id}'` });
    const now = rt.clock.now();
    const ended = await rt.alertOps.endSilence(id, now, principal.id);
    if (!ended) return json(404, { error: 'not_found', message: `no silence '${id}'` });
    return json(200, { ...ended, active: isSilenceActive(ended, now) });
  }
  if (event.requestContext.http.method === 'GET') {
    const now = rt.clock.now();
    const silences = (await rt.alertOps.listSilences()).filter((s) => canSeeCategory(principal, s.category, rt.config));
    return json(200, { silences: silences.map((s) => ({ ...s, active: isSilenceActive(s, now) })) });
  }
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = SilenceInputSchema.safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  if (!categoryById(rt.config, parsed.data.category)) return validationError([{ path: 'category', message: `unknown category '${parsed.data.category}'` }]);
  if (!canSeeCategory(principal, parsed.data.category, rt.config)) return json(403, { error: 'forbidden', message: 'that category belongs to a department outside your groups' });
  const now = rt.clock.now();
  const silence = newSilence(principal.kind === 'user' ? { ...parsed.data, actor: principal.id } : parsed.data, rt.newId(), now);
  await rt.alertOps.addSilence(silence);
  return json(201, { ...silence, active: isSilenceActive(silence, now) });
});

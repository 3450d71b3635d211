import { provideStores } from '../adapters/aws-runtime.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import * as z from 'zod';
import { endSilenceEarly, isSilenceActive, newSilence, silenceInputSchemaFor } from '../domain/silence.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ alertOps: alertOpsStore });

const EndQuerySchema = z.strictObject({ actor: z.string().trim().min(1).max(100).optional() });
import { canSeeCategory } from '../domain/access.ts';

/**
 * `POST /silences` (agents): `{ category, from, to, reason, actor? }` mutes a category's alerts for
 * that period (breaches are counted on the silence, nothing is sent). `GET /silences`: the newest
 * silences with whether each is in force and what it swallowed. `DELETE /silences/{id}?actor=`: ends
 * a silence now (alerts flow again); it stays listed with who ended it and when. All only for the
 * categories of the caller's departments.
 */
export const handler = agentHandler(async (event, principal) => {
  const rt = runtime();
  if (event.requestContext.http.method === 'DELETE') {
    const query = EndQuerySchema.safeParse(event.queryStringParameters ?? {});
    if (!query.success) return validationError(zodIssues(query.error));
    const id = event.pathParameters?.id ?? '';
    const silence = await rt.alertOps.findSilence(id);
    if (!silence || !canSeeCategory(principal, silence.category, rt.config)) return json(404, { error: 'not_found', message: `no silence '${id}'` });
    const now = rt.clock.now();
    const ended = endSilenceEarly(silence, now, principal.kind === 'user' ? principal.id : (query.data.actor ?? principal.id));
    if (!ended.ok) return json(409, { error: 'already_ended', message: `silence '${id}' already ended at ${silence.to}` });
    if (!(await rt.alertOps.replaceSilence(silence, ended.silence))) {
      return json(409, { error: 'conflict', message: `silence '${id}' changed meanwhile; read it again and retry` });
    }
    return json(200, { ...ended.silence, active: isSilenceActive(ended.silence, now) });
  }
  if (event.requestContext.http.method === 'GET') {
    const now = rt.clock.now();
    const silences = (await rt.alertOps.listSilences()).filter((s) => canSeeCategory(principal, s.category, rt.config));
    return json(200, { silences: silences.map((s) => ({ ...s, active: isSilenceActive(s, now) })) });
  }
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const now = rt.clock.now();
  // One answer names every bad field: the shape, an unknown category and an end already past.
  const parsed = silenceInputSchemaFor(rt.config.categories.map((c) => c.id), now).safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  if (!canSeeCategory(principal, parsed.data.category, rt.config)) return json(403, { error: 'forbidden', message: 'that category belongs to a department outside your groups' });
  const silence = newSilence(principal.kind === 'user' ? { ...parsed.data, actor: principal.id } : parsed.data, rt.newId(), now);
  await rt.alertOps.addSilence(silence);
  return json(201, { ...silence, active: isSilenceActive(silence, now) });
});

import '../adapters/aws-runtime.ts';
import { httpHandler, json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { categoryById } from '../domain/config.ts';
import { isSilenceActive, newSilence, SilenceInputSchema } from '../domain/silence.ts';

/**
 * `POST /silences` (agents): `{ category, from, to, reason, actor? }` mutes a category's alerts for
 * that period (breaches are counted on the silence, nothing is sent). `GET /silences`: the newest
 * silences with whether each is in force and what it swallowed.
 */
export const handler = httpHandler(async (event) => {
  const rt = runtime();
  if (event.requestContext.http.method === 'GET') {
    const now = rt.clock.now();
    const silences = await rt.alertOps.listSilences();
    return json(200, { silences: silences.map((s) => ({ ...s, active: isSilenceActive(s, now) })) });
  }
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = SilenceInputSchema.safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  if (!categoryById(rt.config, parsed.data.category)) return validationError([{ path: 'category', message: `unknown category '${parsed.data.category}'` }]);
  const now = rt.clock.now();
  const silence = newSilence(parsed.data, rt.newId(), now);
  await rt.alertOps.addSilence(silence);
  return json(201, { ...silence, active: isSilenceActive(silence, now) });
});

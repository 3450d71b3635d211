import { provideStores } from '../adapters/aws-runtime.ts';
import { alertStore } from '../adapters/dynamodb-alert-store.ts';
import * as z from 'zod';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeDepartment, visibleCategories } from '../domain/access.ts';
import type { AlertIncident } from '../domain/alert.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ alerts: alertStore });

const QuerySchema = z.object({
  state: z.enum(['open', 'acknowledged', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** How many newest incidents per category a `state=resolved` listing reads (one bounded Query each). */
export const RESOLVED_READ_PER_CATEGORY = 25;

/**
 * `GET /alerts?state=open|acknowledged|resolved[&limit=n]` (agents): alert incidents, newest first.
 * Open and acknowledged incidents come from the sparse `openAlerts` index (what is open, no Scan);
 * without `state`, both. Resolved incidents: one Query per configured category for its newest
 * incidents (keys sort by opening time), so the read is bounded by categories × 25 items. A
 * department user sees only their departments' incidents.
 */
export const handler = agentHandler(async (event, principal) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  const { state, limit } = parsed.data;
  const rt = runtime();
  let incidents: AlertIncident[];
  if (state === 'resolved') {
    const per = await Promise.all(visibleCategories(principal, rt.config).map((c) => rt.alerts.listRecent(c.id, RESOLVED_READ_PER_CATEGORY)));
    incidents = per.flat().filter((i) => i.state === 'resolved');
    incidents.sort((a, b) => ((a.resolvedAt ?? '') < (b.resolvedAt ?? '') ? 1 : -1));
  } else {
    const refs = await rt.alerts.listOpen(visibleCategories(principal, rt.config).map((c) => c.id));
    const found = await Promise.all(refs.map((r) => rt.alerts.getIncident(r.category, r.incidentId)));
    incidents = found.filter((i): i is AlertIncident => i !== undefined && i.state !== 'resolved' && (state === undefined || i.state === state));
    incidents.sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1));
  }
  incidents = incidents.filter((i) => canSeeDepartment(principal, i.department));
  return json(200, { state: state ?? 'open,acknowledged', incidents: incidents.slice(0, limit) });
});

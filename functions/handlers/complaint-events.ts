import { provideStores } from '../adapters/aws-runtime.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, keyPathParameter, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { complaintEventSchemaFor } from '../domain/complaint-event.ts';
import { applyComplaintEvent } from '../use-cases/apply-complaint-event.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore });

/** `POST /complaints/{id}/events` (agent route): moves a complaint through its lifecycle (within the caller's departments). */
export const handler = agentHandler(async (event, principal) => {
  const param = keyPathParameter(event, 'id');
  if (!param.ok) return param.response;
  const id = param.value;
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = complaintEventSchemaFor(runtime().config).safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  // People act under their own name; a machine client names the agent it acts for.
  const change = principal.kind === 'user' ? { ...parsed.data, actor: principal.id } : parsed.data;
  const result = await applyComplaintEvent(id, change, runtime(), principal);
  switch (result.outcome) {
    case 'not_found':
      return json(404, { error: 'not_found', message: `no complaint with id '${id}'` });
    case 'rejected':
      return json(409, {
        error: 'invalid_transition',
        message: `'${result.error.event}' is not allowed while the complaint is '${result.error.status}'`,
        status: result.error.status,
        allowedEvents: result.error.allowed,
      });
    case 'stale':
      return json(409, {
        error: 'stale_version',
        message: 'the complaint changed since you read it; reload and try again',
        currentVersion: result.currentVersion,
      });
    case 'applied':
      // DEBUG: the complaint's timeline records every event with its actor and time.
      logger.debug('complaint event applied', { complaintId: id, type: parsed.data.type, version: result.complaint.version });
      return json(200, result.complaint);
  }
});

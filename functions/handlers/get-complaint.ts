import '../adapters/aws-runtime.ts';
import { agentHandler, notVisible } from '../adapters/agent-route.ts';
import { json } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeDepartment } from '../domain/access.ts';

/** `GET /complaints/{id}` (agent route): one complaint of the caller's departments. */
export const handler = agentHandler(async (event, principal) => {
  const id = event.pathParameters?.id ?? '';
  const complaint = id ? await runtime().complaints.get(id) : undefined;
  if (!complaint || !canSeeDepartment(principal, complaint.department)) return notVisible(`complaint with id '${id}'`);
  return json(200, complaint);
});

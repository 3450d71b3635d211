import { provideStores } from '../adapters/aws-runtime.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { agentHandler, notVisible } from '../adapters/agent-route.ts';
import { json, keyPathParameter } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeDepartment } from '../domain/access.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore });

/** `GET /complaints/{id}` (agent route): one complaint of the caller's departments. */
export const handler = agentHandler(async (event, principal) => {
  const param = keyPathParameter(event, 'id');
  if (!param.ok) return param.response;
  const id = param.value;
  const complaint = await runtime().complaints.get(id);
  if (!complaint || !canSeeDepartment(principal, complaint.department)) return notVisible(`complaint with id '${id}'`);
  return json(200, complaint);
});

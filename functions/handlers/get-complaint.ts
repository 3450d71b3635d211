import '../adapters/aws-runtime.ts';
import { httpHandler, json, keyPathParameter } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';

/** `GET /complaints/{id}` (agent route). */
export const handler = httpHandler(async (event) => {
  const param = keyPathParameter(event, 'id');
  if (!param.ok) return param.response;
  const id = param.value;
  const complaint = await runtime().complaints.get(id);
  if (!complaint) return json(404, { error: 'not_found', message: `no complaint with id '${id}'` });
  return json(200, complaint);
});

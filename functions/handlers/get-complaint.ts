import '../adapters/aws-runtime.ts';
import { httpHandler, json } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';

/** `GET /complaints/{id}` (agent route). */
export const handler = httpHandler(async (event) => {
  const id = event.pathParameters?.id ?? '';
  const complaint = id ? await runtime().complaints.get(id) : undefined;
  if (!complaint) return json(404, { error: 'not_found', message: `no complaint with id '${id}'` });
  return json(200, complaint);
});

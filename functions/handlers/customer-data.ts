import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-mail.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { customerDataStore } from '../adapters/dynamodb-customer-data.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { json, readJsonBody, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { CustomerIdSchema, EraseRequestSchema } from '../domain/personal-data.ts';
import { eraseCustomerData } from '../use-cases/erase-customer-data.ts';
import { exportCustomerData } from '../use-cases/export-customer-data.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, customerData: customerDataStore });

/**
 * A customer's access and erasure requests, for callers who see every department (`admin`, or a
 * machine client): a customer's complaints may lie in any department, so a department's agent would
 * read or erase what they may not see. 403 for others.
 * `GET /customers/{id}/export`: everything stored about the customer id, as JSON.
 * `POST /customers/{id}/erase` `{ actor }`: removes their personal data everywhere it is kept and
 * answers with the erasure record (who, when, which id, how many items). A person is recorded as
 * themself whatever `actor` says; a machine client names the person it acts for.
 */
export const handler = agentHandler(async (event, principal) => {
  if (!principal.admin) {
    return json(403, { error: 'forbidden', message: 'export and erasure need access to every department (the admin group)' });
  }
  const id = CustomerIdSchema.safeParse(event.pathParameters?.id ?? '');
  if (!id.success) return validationError(zodIssues(id.error).map((i) => ({ ...i, path: 'id' })));
  const rt = runtime();
  if (event.requestContext.http.method === 'GET') {
    return json(200, await exportCustomerData(id.data, rt));
  }
  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = EraseRequestSchema.safeParse(body.value);
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  // Named, not spread: reading a store this handler does not wire throws. Attachments live in the
  // mail bucket, which exists only with `inbound` in the config.
  const deps = { clock: rt.clock, complaints: rt.complaints, customerData: rt.customerData, ...(rt.config.inbound && { mail: rt.mail }) };
  const actor = principal.kind === 'user' ? principal.id : parsed.data.actor;
  return json(200, await eraseCustomerData(id.data, actor, deps));
});

import { provideStores } from '../adapters/aws-runtime.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { surveyFactStore } from '../adapters/dynamodb-survey-facts.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { dateRangeQuery, json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { visibleDepartments } from '../domain/access.ts';
import { reportKpis } from '../use-cases/report-kpis.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, surveyFacts: surveyFactStore });

/** Reads grow with the complaints in range; a year keeps one request bounded. */
const QuerySchema = dateRangeQuery(366);

/**
 * `GET /reports/kpis?from=&to=` (agent route): first-response time and on-time rate, resolution
 * on-time rate, first-contact resolution, escalation and repeat rates of the complaints received in
 * `[from, to)`, with CSAT, overall, per department and per category (a department user: theirs only).
 */
export const handler = agentHandler(async (event, principal) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  return json(200, await reportKpis(parsed.data.from, parsed.data.to, runtime(), principal.admin ? undefined : visibleDepartments(principal, runtime().config)));
});

import { provideStores } from '../adapters/aws-runtime.ts';
import { surveyFactStore } from '../adapters/dynamodb-survey-facts.ts';
import { agentHandler } from '../adapters/agent-route.ts';
import { dateRangeQuery, json, validationError, zodIssues } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { visibleDepartments } from '../domain/access.ts';
import { reportCsat } from '../use-cases/report-csat.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ surveyFacts: surveyFactStore });

/** A report reads one partition per month; two years keeps a request bounded. */
const QuerySchema = dateRangeQuery(731);

/**
 * `GET /reports/csat?from=&to=` (agent route): CSAT (share of 4-5 ratings), response rate and
 * reopen-after-survey rate of the surveys sent in `[from, to)` (dates are UTC midnights), overall,
 * per department and per category (a department user: theirs only).
 */
export const handler = agentHandler(async (event, principal) => {
  const parsed = QuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) return validationError(zodIssues(parsed.error));
  return json(200, await reportCsat(parsed.data.from, parsed.data.to, runtime(), principal.admin ? undefined : visibleDepartments(principal, runtime().config)));
});

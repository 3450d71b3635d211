import { provideStores } from '../adapters/aws-runtime.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { surveyFactStore } from '../adapters/dynamodb-survey-facts.ts';
import '../adapters/aws-cognito.ts';
import { context, notFound, parseRequest, render, session, signInRedirect, type Request, type Session } from '../adapters/console-http.ts';
import { pageHandler } from '../adapters/html.ts';
import type { HttpResult } from '../adapters/http.ts';
import { runtime } from '../adapters/runtime.ts';
import { visibleCategories } from '../domain/access.ts';
import { reportsBody } from '../domain/console/pages.ts';
import { reportsCsv, reportsView } from '../domain/console/reports.ts';
import { CONSOLE_TEXT } from '../domain/console/text.ts';
import { loadReports } from '../use-cases/console-queries.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, surveyFacts: surveyFactStore });

function reportsParams(req: Request) {
  const weeks = [4, 8, 12, 26, 52].includes(Number(req.query.get('weeks'))) ? Number(req.query.get('weeks')) : 12;
  const by: 'department' | 'category' = req.query.get('by') === 'category' ? 'category' : 'department';
  return { weeks, by };
}

async function reportsPage(req: Request, s: Session): Promise<HttpResult> {
  const t = CONSOLE_TEXT[req.locale];
  const { weeks, by } = reportsParams(req);
  const data = await loadReports(s.principal, weeks, req.rt);
  const view = reportsView(data, by, visibleCategories(s.principal, req.rt.config).map((c) => c.id), `/console/reports.csv?weeks=${weeks}&by=${by}`);
  return render(req, s, 200, t.reports.title, 'reports', reportsBody(context(req, s), view));
}

async function reportsCsvFile(req: Request, s: Session): Promise<HttpResult> {
  const { weeks, by } = reportsParams(req);
  const data = await loadReports(s.principal, weeks, req.rt);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="complaint-report-${by}-${data.from.toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: reportsCsv(data, by, visibleCategories(s.principal, req.rt.config).map((c) => c.id)),
  };
}

/**
 * The console's reports (`GET /console/reports`, function `consoleReports`) and their CSV
 * (`GET /console/reports.csv`, `consoleReportsCsv`): week-by-week KPIs and CSAT of the person's
 * departments, as tiles, charts and a table. Apart from the other console pages (`console-pages.ts`)
 * so that neither bundle carries the other's code: the charts, the report figures and the survey
 * facts here; every other page there. The same session checks: without one, to the sign-in page.
 */
export const handler = pageHandler(async (event) => {
  const req = parseRequest(event, runtime());
  const s = await session(req);
  if (!('principal' in s)) return signInRedirect(req, s.expired === true);
  if (req.path === '/console/reports') return reportsPage(req, s);
  if (req.path === '/console/reports.csv') return reportsCsvFile(req, s);
  return notFound(req, s);
});

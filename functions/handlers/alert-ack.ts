import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-events.ts';
import { alertOpsStore } from '../adapters/dynamodb-alert-ops-store.ts';
import { alertStore } from '../adapters/dynamodb-alert-store.ts';
import { htmlResponse, pageHandler, readFormBody } from '../adapters/html.ts';
import { countMetric, logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { ackExpiredPage, ackNotFoundPage, ackPage, acknowledgedPage, alreadyHandledPage } from '../domain/alert-pages.ts';
import { LocaleSchema, type Locale, type PipelineConfig } from '../domain/config.ts';
import { acknowledgeAlert, openAckLink } from '../use-cases/acknowledge-alert.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ alerts: alertStore, alertOps: alertOpsStore });

function wantedLocale(value: string | null | undefined, config: PipelineConfig): Locale | undefined {
  const parsed = LocaleSchema.safeParse(value ?? undefined);
  return parsed.success && config.locales.includes(parsed.data) ? parsed.data : undefined;
}

/**
 * `GET /a/{token}`: the incident summary with an "I'm on it" button (reads only: mail scanners follow
 * links). `POST /a/{token}`: acknowledges the incident and confirms. Public routes: the unguessable
 * token is the only credential. The page speaks the department's language unless `?lang=` asks otherwise.
 */
export const handler = pageHandler(async (event) => {
  const rt = runtime();
  const { config } = rt;
  const token = event.pathParameters?.token ?? '';
  let wanted = wantedLocale(event.queryStringParameters?.lang, config);
  const isPost = event.requestContext.http.method === 'POST';
  if (isPost) {
    const form = readFormBody(event);
    if (!form.ok) return form.response;
    wanted = wantedLocale(form.fields.get('lang'), config) ?? wanted;
  }
  if (!isPost) {
    const opened = await openAckLink(token, rt);
    if (opened.state === 'not_found') return htmlResponse(ackNotFoundPage(wanted ?? config.defaultLocale, config));
    const locale = wanted ?? opened.link.locale;
    if (opened.state === 'expired') return htmlResponse(ackExpiredPage(locale, config));
    return htmlResponse(ackPage({ token, locale, incident: opened.incident, base: rt.publicBaseUrl() }, config));
  }
  const result = await acknowledgeAlert(token, rt);
  switch (result.outcome) {
    case 'not_found':
      return htmlResponse(ackNotFoundPage(wanted ?? config.defaultLocale, config));
    case 'expired':
      return htmlResponse(ackExpiredPage(wanted ?? result.link.locale, config));
    case 'already':
      return htmlResponse(alreadyHandledPage(wanted ?? result.link.locale, result.incident, config, rt.publicBaseUrl()));
    case 'acknowledged':
      logger.info('alert acknowledged', { incidentId: result.incident.id, category: result.incident.category, by: result.link.recipient });
      countMetric('AlertsAcknowledged');
      return htmlResponse(acknowledgedPage(wanted ?? result.link.locale, result.incident, config, rt.publicBaseUrl()));
  }
});

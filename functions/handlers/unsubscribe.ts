import '../adapters/aws-link-keys.ts';
import { provideStores } from '../adapters/aws-runtime.ts';
import { surveyStore } from '../adapters/dynamodb-survey-store.ts';
import { htmlResponse, pageHandler, readFormBody } from '../adapters/html.ts';
import { logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { notFoundPage, unsubscribedPage, unsubscribePage } from '../domain/survey-pages.ts';
import { requestedLocale } from '../domain/survey.ts';
import { findUnsubscribeLink, unsubscribeCustomer } from '../use-cases/unsubscribe-customer.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ surveys: surveyStore });

/**
 * `GET /u/{token}`: a page with one button (a GET never opts out: mail scanners prefetch links);
 * `POST /u/{token}`: opts the customer out, from that button or a mail client's RFC 8058 one-click
 * POST (`List-Unsubscribe=One-Click`).
 */
export const handler = pageHandler(async (event) => {
  const rt = runtime();
  const { config } = rt;
  const token = event.pathParameters?.token ?? '';
  let wanted = requestedLocale(event.queryStringParameters?.lang, config);
  if (event.requestContext.http.method === 'POST') {
    const form = readFormBody(event);
    if (!form.ok) return form.response;
    wanted = requestedLocale(form.fields.get('lang') ?? undefined, config) ?? wanted;
    const oneClick = form.fields.get('List-Unsubscribe') === 'One-Click';
    const done = await unsubscribeCustomer(token, oneClick ? 'one_click' : 'unsubscribe_link', rt);
    if (!done) return htmlResponse(notFoundPage(wanted ?? config.defaultLocale, config));
    logger.info('customer opted out', { source: oneClick ? 'one_click' : 'unsubscribe_link' });
    return htmlResponse(unsubscribedPage(wanted ?? done.locale, config));
  }
  const link = await findUnsubscribeLink(token, rt);
  if (!link) return htmlResponse(notFoundPage(wanted ?? config.defaultLocale, config));
  return htmlResponse(unsubscribePage(token, wanted ?? link.locale, config));
});

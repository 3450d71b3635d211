import { provideStores } from '../adapters/aws-runtime.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { surveyStore } from '../adapters/dynamodb-survey-store.ts';
import { htmlResponse, pageHandler, readFormBody } from '../adapters/html.ts';
import { logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { alreadyAnsweredPage, expiredPage, notFoundPage, surveyFormPage, thankYouPage } from '../domain/survey-pages.ts';
import { parseSurveyForm, requestedLocale } from '../domain/survey.ts';
import { answerSurvey, openSurvey } from '../use-cases/answer-survey.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, surveys: surveyStore });

/**
 * `GET /s/{token}`: the survey page; `POST /s/{token}`: records the answer and thanks the customer.
 * Public routes: the unguessable token is the only credential. The page speaks the customer's
 * language unless `?lang=` (or the form's `lang`) asks for another.
 */
export const handler = pageHandler(async (event) => {
  const rt = runtime();
  const { config } = rt;
  const token = event.pathParameters?.token ?? '';
  let wanted = requestedLocale(event.queryStringParameters?.lang, config);
  let fields: URLSearchParams | undefined;
  if (event.requestContext.http.method === 'POST') {
    const form = readFormBody(event);
    if (!form.ok) return form.response;
    fields = form.fields;
    wanted = requestedLocale(fields.get('lang') ?? undefined, config) ?? wanted;
  }
  const opened = await openSurvey(token, rt);
  const locale = wanted ?? opened.link?.locale ?? config.defaultLocale;
  if (!opened.link || opened.state === 'not_found') return htmlResponse(notFoundPage(locale, config));
  if (opened.state === 'answered') return htmlResponse(alreadyAnsweredPage(locale, config));
  if (opened.state === 'expired') return htmlResponse(expiredPage(locale, config));
  const view = { token, locale, reference: opened.link.reference ?? opened.link.complaintId, title: opened.link.title };
  if (!fields) return htmlResponse(surveyFormPage(view, config));

  const parsed = parseSurveyForm(fields);
  if (!parsed.ok) {
    const entered = { rating: fields.get('rating') ?? undefined, solved: fields.get('solved') ?? undefined, comment: fields.get('comment') ?? undefined };
    return htmlResponse(surveyFormPage({ ...view, errors: parsed.errors, entered }, config));
  }
  const result = await answerSurvey(token, parsed.answer, rt);
  switch (result.outcome) {
    case 'not_found':
      return htmlResponse(notFoundPage(locale, config));
    case 'already_answered':
      return htmlResponse(alreadyAnsweredPage(locale, config));
    case 'expired':
      return htmlResponse(expiredPage(locale, config));
    case 'recorded':
      // No comment and no contact details in logs. DEBUG: the answer is on the complaint and in survey.answered.
      logger.debug('survey answered', { surveyId: result.link.surveyId, complaintId: result.link.complaintId, rating: parsed.answer.rating, solved: parsed.answer.solved, effect: result.effect });
      return htmlResponse(thankYouPage(locale, result.effect, config, result.reopenedDueAt && { ...result.reopenedDueAt, now: rt.clock.now() }));
  }
});

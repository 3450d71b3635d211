import { provideStores } from '../adapters/aws-runtime.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { replyLinkStore } from '../adapters/dynamodb-reply-token-store.ts';
import { htmlResponse, pageHandler, readFormBody } from '../adapters/html.ts';
import { logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import type { Complaint } from '../domain/complaint.ts';
import { referenceOf } from '../domain/names.ts';
import { customerLocale } from '../domain/progress.ts';
import { replyClosedPage, replyFormPage, replyNotFoundPage, replyThanksPage } from '../domain/reply-pages.ts';
import { requestedLocale } from '../domain/survey.ts';
import { askedNote, parseReplyForm } from '../domain/web-reply.ts';
import { openReplyLink, submitWebReply } from '../use-cases/submit-web-reply.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, replyLinks: replyLinkStore });

/**
 * `GET /r/{token}`: the reply page of a "waiting on you" SMS (what the agent asked, one text box);
 * `POST /r/{token}`: records the reply once and thanks the customer. Public routes: the unguessable
 * token is the only credential. The page speaks the complaint's customer's language unless `?lang=`
 * (or the form's `lang`) asks for another; a link that leads nowhere shows nothing of any complaint.
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
  const opened = await openReplyLink(token, rt);
  if (opened.state === 'not_found') return htmlResponse(replyNotFoundPage(wanted ?? config.defaultLocale, config));
  const { complaint } = opened;
  const locale = wanted ?? customerLocale(complaint, config);
  const reference = referenceOf(complaint);
  if (opened.state === 'closed') return htmlResponse(replyClosedPage(locale, reference, config));
  if (opened.state === 'replied') return htmlResponse(replyThanksPage(locale, reference, config, reopenedBy(complaint, opened.messageId)));
  const view = { token, locale, reference, asked: askedNote(complaint), reopen: complaint.status === 'resolved' };
  if (!fields) return htmlResponse(replyFormPage(view, config));

  const parsed = parseReplyForm(fields);
  if (!parsed.ok) return htmlResponse(replyFormPage({ ...view, error: parsed.error, entered: parsed.entered }, config));
  const result = await submitWebReply(token, parsed.text, rt);
  switch (result.outcome) {
    case 'not_found':
      return htmlResponse(replyNotFoundPage(locale, config));
    case 'closed':
      return htmlResponse(replyClosedPage(locale, reference, config));
    case 'duplicate':
    case 'recorded':
      // Ids and the outcome only: never the customer's text or contact details.
      logger.info('web reply', { complaintId: complaint.id, outcome: result.outcome, ...(result.outcome === 'recorded' && { event: result.event }) });
      return htmlResponse(replyThanksPage(locale, reference, config, reopenedBy(result.complaint, opened.messageId)));
  }
});

/** Whether this link's reply is the one that reopened the complaint (its entry is a reopen). */
function reopenedBy(complaint: Complaint, messageId: string): boolean {
  return complaint.timeline.some((e) => e.messageId === messageId && e.event === 'reopen');
}


import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-mail.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { replyLinkStore } from '../adapters/dynamodb-reply-token-store.ts';
import { htmlResponse, pageHandler, readFormWithFiles, type FormWithFiles } from '../adapters/html.ts';
import { countMetric, logger } from '../adapters/observability.ts';
import { runtime } from '../adapters/runtime.ts';
import { referenceOf } from '../domain/names.ts';
import { customerLocale } from '../domain/progress.ts';
import { recordedReply, replyClosedPage, replyFormPage, replyNotFoundPage, replyThanksPage } from '../domain/reply-pages.ts';
import { requestedLocale } from '../domain/survey.ts';
import { askedNote, parseReplyForm, replyFileLimits, REPLY_BODY_MAX_BYTES } from '../domain/web-reply.ts';
import { openReplyLink, submitWebReply } from '../use-cases/submit-web-reply.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore, replyLinks: replyLinkStore });

/** The file input's name. */
const FILES_FIELD = 'files';

/**
 * `GET /r/{token}`: the reply page of a "waiting on you" or "resolved" SMS (what the agent asked or did, a text box and,
 * where the mail store exists, a file input); `POST /r/{token}`: stores the files, records the reply
 * once and thanks the customer. Public routes: the unguessable token is the only credential. The
 * page speaks the complaint's customer's language unless `?lang=` (or the form's `lang`) asks for
 * another; a link that leads nowhere shows nothing of any complaint.
 */
export const handler = pageHandler(async (event) => {
  const rt = runtime();
  const { config } = rt;
  const token = event.pathParameters?.token ?? '';
  // Files only where the config has inbound: the mail bucket exists only then.
  const files = replyFileLimits(config, REPLY_BODY_MAX_BYTES);
  let wanted = requestedLocale(event.queryStringParameters?.lang, config);
  let form: FormWithFiles | undefined;
  let tooLarge = false;
  if (event.requestContext.http.method === 'POST') {
    const read = await readFormWithFiles(event, FILES_FIELD, files && REPLY_BODY_MAX_BYTES);
    // Too large: answered with the page below (413), for a link that still takes a reply.
    if (!read.ok && read.status !== 413) return read.response;
    if (read.ok) form = read.form;
    else tooLarge = true;
    wanted = requestedLocale(form?.fields.get('lang') ?? undefined, config) ?? wanted;
  }
  const opened = await openReplyLink(token, rt);
  if (opened.state === 'not_found') return htmlResponse(replyNotFoundPage(wanted ?? config.defaultLocale, config));
  const { complaint } = opened;
  const locale = wanted ?? customerLocale(complaint, config);
  const reference = referenceOf(complaint);
  if (opened.state === 'closed') return htmlResponse(replyClosedPage(locale, reference, config));
  if (opened.state === 'replied') return htmlResponse(replyThanksPage(locale, reference, config, recordedReply(complaint, opened.messageId)));
  const view = { token, locale, reference, asked: askedNote(complaint), reopen: complaint.status === 'resolved', ...(files && { files }) };
  if (tooLarge) return htmlResponse(replyFormPage({ ...view, error: 'body_too_large' }, config));
  if (!form) return htmlResponse(replyFormPage(view, config));

  const parsed = parseReplyForm({ text: form.fields.get('text') ?? '', files: form.files }, files);
  if (!parsed.ok) return htmlResponse(replyFormPage({ ...view, error: parsed.error, entered: parsed.entered, ...(parsed.file !== undefined && { file: parsed.file }) }, config));
  const result = await submitWebReply(token, { text: parsed.text, files: parsed.files, ...(files && { limits: files }) }, rt, opened);
  switch (result.outcome) {
    case 'not_found':
      return htmlResponse(replyNotFoundPage(locale, config));
    case 'closed':
      return htmlResponse(replyClosedPage(locale, reference, config));
    case 'duplicate':
    case 'recorded':
      if (result.outcome === 'recorded') countMetric('WebReplies');
      // Ids, the outcome and a count only: never the customer's text, file names or contact details.
      logger.info('web reply', {
        complaintId: complaint.id,
        outcome: result.outcome,
        ...(result.outcome === 'recorded' && { event: result.event, files: parsed.files.length }),
      });
      return htmlResponse(replyThanksPage(locale, reference, config, recordedReply(result.complaint, opened.messageId)));
  }
});


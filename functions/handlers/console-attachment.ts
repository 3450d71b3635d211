import { provideStores } from '../adapters/aws-runtime.ts';
import '../adapters/aws-cognito.ts';
import '../adapters/aws-mail.ts';
import '../adapters/aws-mail-links.ts';
import { complaintStore } from '../adapters/dynamodb-complaint-repository.ts';
import { pageHandler } from '../adapters/html.ts';
import { downloadHeaders, previewHeaders, type HttpResult } from '../adapters/http.ts';
import { logger } from '../adapters/observability.ts';
import { authenticateSession } from '../adapters/request-auth.ts';
import { runtime } from '../adapters/runtime.ts';
import { canSeeDepartment } from '../domain/access.ts';
import { isImageOf, previewable, PREVIEW_MAX_BYTES } from '../domain/attachment-preview.ts';
import { keptAttachments } from '../domain/complaint.ts';

/** The DynamoDB stores this function's code uses: its bundle carries no other store adapter. */
export const stores = provideStores({ complaints: complaintStore });

/**
 * The largest file served through the API: Lambda answers at most 6 MB, and the body travels as
 * base64 (4/3 of the bytes). A larger kept file is downloaded from the mail bucket itself, by a link
 * valid for {@link DOWNLOAD_LINK_SECONDS}.
 */
export const MAX_DOWNLOAD_BYTES = PREVIEW_MAX_BYTES;

/**
 * How long a download link to the mail bucket is valid: the browser follows the redirect at once,
 * and S3 checks the link when the download starts, not while it runs.
 */
export const DOWNLOAD_LINK_SECONDS = 60;

const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const INDEX = /^(0|[1-9][0-9]{0,3})$/;

function text(statusCode: number, body: string): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff' },
    body,
  };
}

/**
 * `GET /console/attachments/{id}/{n}`: the n-th file kept from the emails of complaint `id` (in
 * timeline order, as the complaint page numbers them), for a signed-in person whose departments
 * include the complaint's. Always a download (`Content-Disposition: attachment`, served as
 * `application/octet-stream` with `nosniff` and a sandboxing CSP), never rendered as a page in the
 * console's origin: the file comes from outside. No session: to the sign-in page. A complaint the person may
 * not see, or no such file: 404, the same answer, so the route tells nothing about complaints outside
 * their departments. A file over {@link MAX_DOWNLOAD_BYTES}: 303 to a short-lived link from which the
 * browser downloads it from the mail bucket (S3 presigned, with the same name and type), after the
 * same checks. With `?view=inline` (the complaint page's pictures): a JPEG, PNG, GIF or WebP whose
 * bytes carry that type's signature, served as that type and `inline`, still `nosniff` and sandboxed;
 * any other file, or one too large, is 415 (the page shows pictures only for files it may).
 */
export const handler = pageHandler(async (event) => {
  const rt = runtime();
  const verdict = await authenticateSession(rt.auth.authenticator, event.headers, event.cookies);
  if (!verdict.ok) return { statusCode: 302, headers: { location: `/console/login${verdict.reason === 'expired' ? '?expired=1' : ''}`, 'cache-control': 'no-store' } };
  const id = event.pathParameters?.id ?? '';
  const n = event.pathParameters?.n ?? '';
  const notFound = text(404, 'No such file, or not in your departments. 没有此文件，或不属于您的部门。');
  if (!ID.test(id) || !INDEX.test(n) || !rt.config.inbound) return notFound;
  const complaint = await rt.complaints.get(id);
  if (!complaint || !canSeeDepartment(verdict.principal, complaint.department)) return notFound;
  const file = keptAttachments(complaint)[Number(n)];
  if (!file) return notFound;
  const stored = await rt.mail.readRaw(file.key, MAX_DOWNLOAD_BYTES);
  if (!stored.found) return text(410, 'The file is no longer stored (erased, or past its retention). 文件已不再保存（已删除或超过保存期限）。');
  // Who read which customer's file, for the data protection officer (ids only, no file name).
  const audit = { complaintId: complaint.id, file: Number(n), by: verdict.principal.id };
  if (event.queryStringParameters?.view === 'inline') {
    if (stored.tooLarge || !previewable(file) || !isImageOf(stored.raw, file.contentType)) {
      return text(415, 'This file is not shown in the console: download it. 此文件不在控制台中显示，请下载。');
    }
    logger.info('attachment downloaded', { ...audit, bytes: stored.raw.byteLength, via: 'preview' });
    return { statusCode: 200, headers: previewHeaders(file.name, file.contentType), body: Buffer.from(stored.raw).toString('base64'), isBase64Encoded: true };
  }
  if (stored.tooLarge) {
    const location = await rt.mail.downloadUrl(file.key, file.name, DOWNLOAD_LINK_SECONDS);
    logger.info('attachment downloaded', { ...audit, bytes: stored.size, via: 'link' });
    return { statusCode: 303, headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
  }
  logger.info('attachment downloaded', { ...audit, bytes: stored.raw.byteLength });
  return { statusCode: 200, headers: downloadHeaders(file.name), body: Buffer.from(stored.raw).toString('base64'), isBase64Encoded: true };
});

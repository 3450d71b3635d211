import PostalMime, { type Address, type Attachment } from 'postal-mime';
import { htmlToText } from '../domain/html-text.ts';
import { ParsedEmailSchema, type ParsedEmail } from '../domain/inbound-mail.ts';
import { UnparseableMessageError, type MimeParser } from '../ports/inbound-mail.ts';

function firstAddress(from: Address | undefined): { address: string; name?: string } | undefined {
  const first = (from?.group ?? (from ? [from] : [])).find((a) => a.address);
  if (!first?.address) return undefined;
  return { address: first.address, ...(first.name && { name: first.name }) };
}

function messageIds(value: string | undefined): string[] {
  return (value?.match(/<[^<>\s]+>|[^<>\s]+@[^<>\s]+/g) ?? []).map((id) => id.replace(/^<|>$/g, ''));
}

/**
 * An inline image the HTML shows (a signature logo): not an attachment a person chose to send.
 * postal-mime marks parts inside multipart/related; some clients put them in multipart/mixed and
 * still point at them with `cid:`.
 */
function isInlineImage(attachment: Attachment, html: string | undefined): boolean {
  if (attachment.related) return true;
  const cid = attachment.contentId?.replace(/^<|>$/g, '');
  return cid !== undefined && cid !== '' && html !== undefined && html.includes(`cid:${cid}`);
}

/**
 * MIME parsing with `postal-mime`: no dependencies, and charsets (UTF-8, GB2312/GBK/GB18030, Big5,
 * Shift_JIS, ISO-8859-x) are decoded with the platform's `TextDecoder` (Node's full ICU), so the
 * bundle carries no charset tables. Quoted-printable and base64, HTML-only messages (their text is
 * derived from the HTML by {@link htmlToText}), attachments. Inline images that the
 * HTML refers to are left out. A message postal-mime refuses throws {@link UnparseableMessageError}.
 */
export const parseMime: MimeParser = async (raw) => {
  let mail;
  try {
    mail = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    // Parsing is computation on the bytes alone (postal-mime refuses nesting past 256 levels, for one):
    // a retry fails the same way.
    throw new UnparseableMessageError(`MIME parser refused the message: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (headers[key] !== undefined) continue;
    headers[key] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  const mediaType = (headers['content-type'] ?? 'text/plain').split(';')[0]!.trim() || 'text/plain';
  const from = firstAddress(mail.from);
  const parsed: ParsedEmail = {
    ...(mail.messageId && { messageId: mail.messageId.replace(/^<|>$/g, '') }),
    ...(from && { from }),
    ...(mail.subject !== undefined && { subject: mail.subject }),
    // postal-mime converts HTML to text only between the two parts of an alternative; an HTML-only body is converted here.
    text: mail.text ?? (mail.html === undefined ? '' : htmlToText(mail.html)),
    references: [...messageIds(mail.references), ...messageIds(mail.inReplyTo)],
    headers,
    contentType: mediaType.toLowerCase(),
    attachments: mail.attachments
      .filter((a) => !isInlineImage(a, mail.html))
      .map((a) => {
        const content = typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content);
        return { ...(a.filename && { filename: a.filename }), contentType: a.mimeType, size: content.byteLength, content };
      }),
  };
  return ParsedEmailSchema.parse(parsed);
};

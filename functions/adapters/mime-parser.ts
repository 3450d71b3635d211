import { simpleParser, type AddressObject } from 'mailparser';
import { ParsedEmailSchema, type ParsedEmail } from '../domain/inbound-mail.ts';
import type { MimeParser } from '../ports/inbound-mail.ts';

function firstAddress(from: AddressObject | AddressObject[] | undefined): { address: string; name?: string } | undefined {
  const list = Array.isArray(from) ? from.flatMap((f) => f.value) : (from?.value ?? []);
  const first = list.find((a) => a.address);
  if (!first?.address) return undefined;
  return { address: first.address, ...(first.name && { name: first.name }) };
}

function messageIds(value: string | string[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((v) => v.match(/<[^<>\s]+>|[^<>\s]+@[^<>\s]+/g) ?? []).map((id) => id.replace(/^<|>$/g, ''));
}

/**
 * MIME parsing with `mailparser`: charsets (UTF-8, GB2312/GBK, …), quoted-printable and base64,
 * HTML-only messages (their text is derived from the HTML), attachments. Inline images that the HTML
 * refers to (signature logos) are not attachments a person chose to send, so they are left out.
 */
export const parseMime: MimeParser = async (raw) => {
  const mail = await simpleParser(Buffer.from(raw), { skipImageLinks: true, skipTextToHtml: true });
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    const name = key.toLowerCase();
    if (headers[name] !== undefined) continue;
    headers[name] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  const contentType = mail.headers.get('content-type');
  const mediaType = typeof contentType === 'object' && contentType !== null && 'value' in contentType ? String(contentType.value) : 'text/plain';
  const from = firstAddress(mail.from);
  const parsed: ParsedEmail = {
    ...(mail.messageId && { messageId: mail.messageId.replace(/^<|>$/g, '') }),
    ...(from && { from }),
    ...(mail.subject !== undefined && { subject: mail.subject }),
    text: mail.text ?? '',
    references: [...messageIds(mail.references), ...messageIds(mail.inReplyTo)],
    headers,
    contentType: mediaType.toLowerCase(),
    attachments: mail.attachments
      .filter((a) => !a.related)
      .map((a) => ({ ...(a.filename && { filename: a.filename }), contentType: a.contentType, size: a.size, content: new Uint8Array(a.content) })),
  };
  return ParsedEmailSchema.parse(parsed);
};

import { SendEmailCommand, SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { EmailMessage, OutboundMessage } from '../domain/messages.ts';
import type { Notifier } from '../ports/notifier.ts';

/** Thrown when a message names a department that has no alert topic in this deployment. */
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
}

/** Email through SES, SMS and department topics through SNS. */
export class AwsNotifier implements Notifier {
  constructor(
    private readonly ses: SESClient,
    private readonly sns: SNSClient,
    private readonly sender: { email: string; name: string },
    /** Department id to alert topic ARN. */
    private readonly topics: Readonly<Record<string, string>>,
    /** SES configuration set for delivery, bounce and complaint tracking. */
    private readonly configurationSet?: string,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    switch (message.channel) {
      case 'email':
        // SendEmail cannot carry custom headers (List-Unsubscribe) or inline images (the digest's
        // chart): those messages go as raw MIME, through the same client and the same IAM grant.
        if ((message.headers && Object.keys(message.headers).length) || message.replyTo || message.inlineImages?.length) {
          await this.ses.send(
            new SendRawEmailCommand({
              ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
              Destinations: [message.to],
              RawMessage: { Data: Buffer.from(rawEmail(message, `${encodeDisplayName(this.sender.name)} <${this.sender.email}>`), 'utf8') },
            }),
          );
          return;
        }
        await this.ses.send(
          new SendEmailCommand({
            Source: `${encodeDisplayName(this.sender.name)} <${this.sender.email}>`,
            ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
            Destination: { ToAddresses: [message.to] },
            Message: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
            },
          }),
        );
        return;
      case 'sms':
        await this.sns.send(
          new PublishCommand({
            PhoneNumber: message.to,
            Message: message.text,
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        );
        return;
      case 'topic': {
        const arn = this.topics[message.department];
        if (!arn) throw new UnknownTopicError(`no alert topic for department '${message.department}'`);
        await this.sns.send(
          new PublishCommand({
            TopicArn: arn,
            // SNS subjects: at most 100 characters, no line breaks (used by email subscribers only).
            Subject: [...message.subject.replace(/\s+/g, ' ')].slice(0, 100).join(''),
            Message: message.text,
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        );
        return;
      }
    }
  }
}

/** RFC 2047 encoded-word for a non-ASCII display name in the From header. */
function encodeDisplayName(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/["\\]/g, '')}"`;
  return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
}

/** RFC 2047 encoded-word for a header value that is not plain ASCII. */
function encodeHeader(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

function base64Lines(text: string): string {
  return wrap76(Buffer.from(text, 'utf8').toString('base64'));
}

function wrap76(base64: string): string {
  return (base64.match(/.{1,76}/g) ?? []).join('\r\n');
}

/** A file name safe inside a quoted MIME parameter. */
function safeFilename(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * A MIME message (multipart/alternative: text and HTML, both UTF-8 base64) with the message's extra
 * headers and its Reply-To. Header values lose any line breaks, so nothing can inject a header.
 * Inline images put the HTML in a multipart/related part with them, each with its Content-ID, so
 * `<img src="cid:…">` shows in the mail client (which blocks `data:` and remote images).
 */
export function rawEmail(message: EmailMessage, from: string): string {
  const boundary = `=_${message.id.replace(/[^A-Za-z0-9]/g, '').slice(-40)}_alt`;
  const related = `=_${message.id.replace(/[^A-Za-z0-9]/g, '').slice(-40)}_rel`;
  const htmlPart = ['Content-Type: text/html; charset=UTF-8', 'Content-Transfer-Encoding: base64', '', base64Lines(message.html)];
  const images = message.inlineImages ?? [];
  const htmlWithImages = images.length
    ? [
        `Content-Type: multipart/related; type="text/html"; boundary="${related}"`,
        '',
        `--${related}`,
        ...htmlPart,
        ...images.flatMap((img) => [
          `--${related}`,
          `Content-Type: ${img.contentType}; name="${safeFilename(img.filename)}"`,
          'Content-Transfer-Encoding: base64',
          `Content-ID: <${img.contentId.replace(/[<>\r\n]/g, '')}>`,
          `Content-Disposition: inline; filename="${safeFilename(img.filename)}"`,
          '',
          wrap76(img.base64),
        ]),
        `--${related}--`,
      ]
    : htmlPart;
  const headers = { ...(message.replyTo && { 'Reply-To': message.replyTo }), ...message.headers };
  const extra = Object.entries(headers).map(([name, value]) => `${name.replace(/[^A-Za-z0-9-]/g, '')}: ${value.replace(/[\r\n]+/g, ' ')}`);
  return [
    `From: ${from}`,
    `To: ${message.to.replace(/[\r\n]+/g, '')}`,
    `Subject: ${encodeHeader(message.subject)}`,
    'MIME-Version: 1.0',
    ...extra,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(message.text),
    `--${boundary}`,
    ...htmlWithImages,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

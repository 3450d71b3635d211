import * as z from 'zod';

/** What a message is about; the outbox and the logs show it. */
export const MessageKindSchema = z.enum([
  'alert',
  'alert_escalation',
  'alert_resolved',
  'progress',
  'sla_warning',
  'escalation',
  'survey',
  'survey_followup',
  'customer_reopened',
  'digest',
]);
export type MessageKind = z.infer<typeof MessageKindSchema>;

interface MessageBase {
  /** Deterministic id: the same effect always yields the same id, which makes sending idempotent. */
  readonly id: string;
  readonly kind: MessageKind;
  readonly complaintId?: string;
  readonly alertId?: string;
  /**
   * SMS with the same key that are held for quiet hours together go as one, the latest held (an
   * alert's reminders to one recipient: the latest says all the earlier ones did, and more).
   */
  readonly collapseKey?: string;
}

export interface EmailMessage extends MessageBase {
  readonly channel: 'email';
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra headers (List-Unsubscribe on customer emails); the SES adapter then sends a raw message. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Where replies go (a customer email's `complaints+<token>@…` address); sent as the Reply-To header. */
  readonly replyTo?: string;
  /**
   * Images the HTML shows inline (`<img src="cid:<contentId>">`): sent as parts of a
   * multipart/related MIME message, because mail clients block `data:` images and remote ones.
   */
  readonly inlineImages?: readonly InlineImage[];
}

/** An image carried inside an email and referenced from its HTML by Content-ID. */
export interface InlineImage {
  /** Without angle brackets, e.g. `digest-chart@complaints`. */
  readonly contentId: string;
  readonly contentType: 'image/png';
  readonly filename: string;
  /** The image bytes, base64 (plain data, so a message stays JSON: the outbox journal, logs of ids). */
  readonly base64: string;
}

export interface SmsMessage extends MessageBase {
  readonly channel: 'sms';
  /** E.164 phone number. */
  readonly to: string;
  readonly text: string;
}

/** A publication on a department's SNS alert topic: SMS to the head's phone plus extra subscribers. */
export interface TopicMessage extends MessageBase {
  readonly channel: 'topic';
  readonly department: string;
  readonly subject: string;
  readonly text: string;
}

export type OutboundMessage = EmailMessage | SmsMessage | TopicMessage;

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Department, PipelineConfig } from '../domain/config.ts';
import type { InlineImage, MessageKind, OutboundMessage } from '../domain/messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';

/** One email or SMS as it would have left through SES or SNS. */
export interface OutboxEntry {
  readonly id: string;
  readonly channel: 'email' | 'sms' | 'webhook';
  readonly to: string;
  readonly subject?: string;
  readonly body: string;
  readonly html?: string;
  /** Extra email headers (List-Unsubscribe, Reply-To and References on customer emails). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly kind: MessageKind;
  /**
   * The message's deterministic id (its `MSG#<id>` claim in the ledger): two entries with one
   * messageId are the same message sent twice (README "Delivery guarantees", the remaining windows).
   */
  readonly messageId: string;
  readonly at: string;
  readonly complaintId?: string;
  readonly alertId?: string;
  /** For topic publications: which department's SNS topic carried it. */
  readonly viaTopic?: string;
  /** Images the HTML shows by `cid:` (the digest's chart), as the MIME message would carry them. */
  readonly inlineImages?: readonly InlineImage[];
}

/** Where the outbox keeps its entries beyond memory, and who hears about each one. */
export interface OutboxOptions {
  /**
   * A JSON-lines file every entry is appended to as it is recorded, and read back at start, so the
   * outbox survives a restart (used with a persisted DynamoDB Local).
   * @default undefined: memory only
   */
  readonly journal?: string;
  /** Called with each new entry (the local runtime logs a line per message). */
  readonly onEntry?: (entry: OutboxEntry) => void;
}

/**
 * The local stand-in for SES and SNS: records every message the AWS notifier would send. A department
 * topic publication fans out to the topic's subscribers exactly as the stack subscribes them (the
 * head's phone by SMS, plus the extra subscribers), so the outbox shows what each person receives.
 */
export class Outbox implements Notifier {
  readonly #entries: OutboxEntry[] = [];
  #seq = 0;

  constructor(
    private readonly config: PipelineConfig,
    private readonly clock: Clock,
    private readonly options: OutboxOptions = {},
  ) {
    const journal = options.journal;
    if (journal !== undefined && existsSync(journal)) {
      const text = readFileSync(journal, 'utf8');
      // Start appending on a line of our own, after a line a crash may have cut short.
      if (text !== '' && !text.endsWith('\n')) appendFileSync(journal, '\n');
      const lines = text.split('\n');
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.#entries.push(JSON.parse(line) as OutboxEntry);
        } catch {
          // A crash can cut the last line short; that entry is the one whose send did not complete.
        }
      }
      this.#seq = this.#entries.length;
    }
  }

  async send(message: OutboundMessage): Promise<void> {
    const at = this.clock.now().toISOString();
    const refs = {
      kind: message.kind,
      messageId: message.id,
      at,
      ...(message.complaintId !== undefined && { complaintId: message.complaintId }),
      ...(message.alertId !== undefined && { alertId: message.alertId }),
    };
    switch (message.channel) {
      case 'email':
        {
          const headers = { ...(message.replyTo && { 'Reply-To': message.replyTo }), ...message.headers };
          this.#push({
            channel: 'email',
            to: message.to,
            subject: message.subject,
            body: message.text,
            html: message.html,
            ...(Object.keys(headers).length && { headers }),
            ...(message.inlineImages?.length && { inlineImages: message.inlineImages }),
            ...refs,
          });
        }
        return;
      case 'sms':
        this.#push({ channel: 'sms', to: message.to, body: message.text, ...refs });
        return;
      case 'topic': {
        const department = this.config.departments.find((d) => d.id === message.department);
        if (!department) throw new Error(`no alert topic for department '${message.department}'`);
        for (const sub of topicSubscribers(department)) {
          this.#push({
            channel: sub.protocol === 'https' ? 'webhook' : sub.protocol,
            to: sub.endpoint,
            ...(sub.protocol !== 'sms' && { subject: message.subject }),
            body: message.text,
            viaTopic: department.id,
            ...refs,
          });
        }
        return;
      }
    }
  }

  /** Every message, oldest first. */
  entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  #push(entry: Omit<OutboxEntry, 'id'>): void {
    this.#seq += 1;
    const recorded: OutboxEntry = { id: `msg-${String(this.#seq).padStart(6, '0')}`, ...entry };
    this.#entries.push(recorded);
    if (this.options.journal !== undefined) appendFileSync(this.options.journal, `${JSON.stringify(recorded)}\n`);
    this.options.onEntry?.(recorded);
  }
}

/**
 * An email's HTML as a browser can show it from the outbox: each `cid:` reference to an inline image
 * becomes a `data:` URL of that image. For display only: the message itself keeps `cid:`, which is
 * what mail clients show (they block `data:` images).
 * @returns undefined for an entry without HTML
 */
export function outboxHtml(entry: Pick<OutboxEntry, 'html' | 'inlineImages'>): string | undefined {
  if (entry.html === undefined) return undefined;
  const images = new Map((entry.inlineImages ?? []).map((img) => [img.contentId, img]));
  return entry.html.replace(/(["'])cid:([^"']+)\1/g, (whole, quote: string, cid: string) => {
    const img = images.get(cid);
    return img ? `${quote}data:${img.contentType};base64,${img.base64}${quote}` : whole;
  });
}

/** The subscribers the stack puts on a department's alert topic. */
export function topicSubscribers(department: Department): Array<{ protocol: 'sms' | 'email' | 'https'; endpoint: string }> {
  return [{ protocol: 'sms', endpoint: department.head.phone }, ...department.extraSubscribers];
}

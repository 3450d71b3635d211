import type { Department, PipelineConfig } from '../domain/config.ts';
import type { MessageKind, OutboundMessage } from '../domain/messages.ts';
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
  readonly at: string;
  readonly complaintId?: string;
  readonly alertId?: string;
  /** For topic publications: which department's SNS topic carried it. */
  readonly viaTopic?: string;
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
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const at = this.clock.now().toISOString();
    const refs = {
      kind: message.kind,
      at,
      ...(message.complaintId !== undefined && { complaintId: message.complaintId }),
      ...(message.alertId !== undefined && { alertId: message.alertId }),
    };
    switch (message.channel) {
      case 'email':
        {
          const headers = { ...(message.replyTo && { 'Reply-To': message.replyTo }), ...message.headers };
          this.#push({ channel: 'email', to: message.to, subject: message.subject, body: message.text, html: message.html, ...(Object.keys(headers).length && { headers }), ...refs });
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
    this.#entries.push({ id: `msg-${String(this.#seq).padStart(6, '0')}`, ...entry });
  }
}

/** The subscribers the stack puts on a department's alert topic. */
export function topicSubscribers(department: Department): Array<{ protocol: 'sms' | 'email' | 'https'; endpoint: string }> {
  return [{ protocol: 'sms', endpoint: department.head.phone }, ...department.extraSubscribers];
}

import type { DomainEvent } from '../domain/events.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';

/** Keeps every message instead of sending it (replays and tests). */
export class MemoryNotifier implements Notifier {
  readonly messages: OutboundMessage[] = [];
  async send(message: OutboundMessage): Promise<void> {
    this.messages.push(message);
  }
}

/** The message ledger in memory: each id is claimed once. */
export class MemoryMessageLedger implements MessageLedger {
  readonly #claimed = new Set<string>();
  async claim(messageId: string): Promise<boolean> {
    if (this.#claimed.has(messageId)) return false;
    this.#claimed.add(messageId);
    return true;
  }
  async release(messageId: string): Promise<void> {
    this.#claimed.delete(messageId);
  }
}

/** Keeps published domain events. */
export class MemoryEventPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];
  async publish(events: readonly DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }
}

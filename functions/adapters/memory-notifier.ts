import type { DomainEvent } from '../domain/events.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { claimLeaseSeconds } from '../pipeline.ts';
import type { ClaimOutcome, MessageClaim, MessageLedger, Notifier } from '../ports/notifier.ts';

/** Keeps every message instead of sending it (replays and tests). */
export class MemoryNotifier implements Notifier {
  readonly messages: OutboundMessage[] = [];
  async send(message: OutboundMessage): Promise<void> {
    this.messages.push(message);
  }
}

/**
 * The message ledger in memory, with the same states as the DynamoDB one: a claim is in progress
 * until its lease (from the clock passed in) runs out, then another delivery may take it over.
 */
export class MemoryMessageLedger implements MessageLedger {
  readonly #entries = new Map<string, { state: 'in_progress' | 'sent'; owner: string; leaseUntil: string }>();
  #owners = 0;
  constructor(private readonly leaseSeconds: number = claimLeaseSeconds) {}
  async claim(messageId: string, now: Date): Promise<ClaimOutcome> {
    const held = this.#entries.get(messageId);
    if (held?.state === 'sent') return { kind: 'sent' };
    if (held && held.leaseUntil > now.toISOString()) return { kind: 'in_progress', leaseUntil: held.leaseUntil };
    const claim: MessageClaim = { messageId, owner: `memory-${++this.#owners}`, leaseUntil: new Date(now.getTime() + this.leaseSeconds * 1000).toISOString() };
    this.#entries.set(messageId, { state: 'in_progress', owner: claim.owner, leaseUntil: claim.leaseUntil });
    return { kind: 'claimed', claim };
  }
  async markSent(claim: MessageClaim): Promise<void> {
    this.#entries.set(claim.messageId, { state: 'sent', owner: claim.owner, leaseUntil: claim.leaseUntil });
  }
  async release(claim: MessageClaim): Promise<void> {
    const held = this.#entries.get(claim.messageId);
    if (held?.state === 'in_progress' && held.owner === claim.owner) this.#entries.delete(claim.messageId);
  }
}

/** Keeps published domain events. */
export class MemoryEventPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];
  async publish(events: readonly DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }
}

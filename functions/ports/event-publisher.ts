import type { DomainEvent } from '../domain/events.ts';

/** Publishes domain events on the custom EventBridge bus (locally: recorded). */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

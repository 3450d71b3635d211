import type { EventsSettings } from '../domain/config.ts';
import type { DomainEventType } from '../domain/events.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';

/**
 * A publisher that passes on only the event types the config names (`events.publish`), so a
 * company without a consumer for a type does not pay for putting it. A batch left empty makes no
 * call at all: no PutEvents request, no wait. With `"all"` it is the publisher underneath, unchanged.
 * Every runtime wraps its publisher with it, so every use case that publishes is covered.
 */
export function selectedEvents(inner: EventPublisher, publish: EventsSettings['publish']): EventPublisher {
  if (publish === 'all') return inner;
  const wanted = new Set<DomainEventType>(publish);
  return {
    publish: async (events) => {
      const kept = events.filter((e) => wanted.has(e.type));
      if (kept.length) await inner.publish(kept);
    },
  };
}

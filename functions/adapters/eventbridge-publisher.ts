import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_SCHEMA_VERSION, EVENT_SOURCE, type DomainEvent } from '../domain/events.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';

/** Thrown when EventBridge accepts the call but rejects entries; the caller's retry republishes. */
export class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';
}

/** The EventBridge entry for a domain event; shared with the local recorder so both publish the same shape. */
export function toEventEntry(event: DomainEvent, busName: string) {
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: event.type,
    Time: new Date(event.time),
    Detail: JSON.stringify({ schemaVersion: EVENT_SCHEMA_VERSION, eventId: event.id, ...event.detail }),
  };
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    // PutEvents takes at most 10 entries.
    for (let i = 0; i < events.length; i += 10) {
      const res = await this.client.send(new PutEventsCommand({ Entries: events.slice(i, i + 10).map((e) => toEventEntry(e, this.busName)) }));
      if (res.FailedEntryCount) {
        throw new PublishFailedError(`${res.FailedEntryCount} event(s) rejected: ${JSON.stringify(res.Entries?.filter((e) => e.ErrorCode))}`);
      }
    }
  }
}

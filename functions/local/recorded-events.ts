import { eventDetailProblems } from '../domain/event-schemas.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { toEventEntry } from '../adapters/eventbridge-publisher.ts';

/** An event whose `detail` breaks its detail-type's published schema (`domain/event-schemas.ts`). */
export class EventContractError extends Error {
  override readonly name = 'EventContractError';
}

/**
 * The local stand-in for the EventBridge bus: keeps every entry PutEvents would have carried, after
 * checking each `detail` against its detail-type's schema, so a producer that breaks the contract
 * fails locally and in the tests instead of in a consumer.
 */
export class RecordedEvents implements EventPublisher {
  readonly #entries: Array<ReturnType<typeof toEventEntry>> = [];

  /** @param onPublish called with each event as it is recorded (the local runtime logs incident changes) */
  constructor(
    private readonly busName: string,
    private readonly onPublish?: (event: DomainEvent) => void,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) {
      const entry = toEventEntry(e, this.busName);
      const problems = eventDetailProblems(e.type, JSON.parse(entry.Detail));
      if (problems.length) throw new EventContractError(`${e.type} ${e.id} breaks its detail schema: ${problems.join('; ')}`);
      this.#entries.push(entry);
      this.onPublish?.(e);
    }
  }

  entries(): ReadonlyArray<{ source: string; detailType: string; time: string; detail: unknown }> {
    return this.#entries.map((e) => ({ source: e.Source, detailType: e.DetailType, time: e.Time.toISOString(), detail: JSON.parse(e.Detail) }));
  }
}

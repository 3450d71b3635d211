import type { DomainEvent } from '../domain/events.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { toEventEntry } from '../adapters/eventbridge-publisher.ts';

/** The local stand-in for the EventBridge bus: keeps every entry PutEvents would have carried. */
export class RecordedEvents implements EventPublisher {
  readonly #entries: Array<ReturnType<typeof toEventEntry>> = [];

  /** @param onPublish called with each event as it is recorded (the local runtime logs incident changes) */
  constructor(
    private readonly busName: string,
    private readonly onPublish?: (event: DomainEvent) => void,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) {
      this.#entries.push(toEventEntry(e, this.busName));
      this.onPublish?.(e);
    }
  }

  entries(): ReadonlyArray<{ source: string; detailType: string; time: string; detail: unknown }> {
    return this.#entries.map((e) => ({ source: e.Source, detailType: e.DetailType, time: e.Time.toISOString(), detail: JSON.parse(e.Detail) }));
  }
}

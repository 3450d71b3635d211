/**
 * Domain events published on the custom EventBridge bus. `source` is `complaint-pipeline`,
 * `detail-type` is the event type, and `detail` carries `schemaVersion`, a deterministic `eventId`
 * (consumers dedupe on it: delivery is at least once) and the payload.
 */
export const EVENT_SOURCE = 'complaint-pipeline';

/** The `alert.raised` detail (a type alias, so it fits the bus's generic detail record). */
export type AlertRaisedDetail = {
  readonly incidentId: string;
  readonly category: string;
  readonly department: string;
  readonly detector: 'static' | 'adaptive' | 'both';
  readonly count: number;
  readonly threshold: number;
  readonly windowMinutes: number;
  readonly openedAt: string;
};

/** Every event type on the bus; `detail` schemas are documented in the README (schemaVersion 1). */
export const DOMAIN_EVENT_TYPES = [
  'complaint.received',
  'complaint.status_changed',
  'complaint.sla_warning',
  'complaint.escalated',
  'complaint.resolved',
  'complaint.recategorized',
  'alert.raised',
  'alert.acknowledged',
  'alert.escalated',
  'alert.resolved',
  'survey.sent',
  'survey.answered',
] as const;

export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  readonly type: DomainEventType;
  /** Deterministic: the same fact always has the same id. */
  readonly id: string;
  readonly time: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export const EVENT_SCHEMA_VERSION = 1;

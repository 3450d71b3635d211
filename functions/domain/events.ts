/**
 * Domain events published on the custom EventBridge bus. `source` is `complaint-pipeline`,
 * `detail-type` is the event type, and `detail` carries `schemaVersion`, a deterministic `eventId`
 * (consumers dedupe on it: delivery is at least once) and the payload.
 */
export const EVENT_SOURCE = 'complaint-pipeline';

export interface AlertRaisedDetail {
  readonly incidentId: string;
  readonly category: string;
  readonly department: string;
  readonly detector: 'static';
  readonly count: number;
  readonly threshold: number;
  readonly windowMinutes: number;
  readonly openedAt: string;
}

export type DomainEvent = {
  readonly type: 'alert.raised';
  readonly id: string;
  readonly time: string;
  readonly detail: AlertRaisedDetail;
};

export const EVENT_SCHEMA_VERSION = 1;

/**
 * Which agent event may follow which status, without the request schemas (lifecycle.ts), so the
 * console pages that only list the allowed actions do not carry them.
 */
import type { ComplaintStatus } from './complaint.ts';

export const COMPLAINT_EVENT_TYPES = ['acknowledge', 'start', 'wait_on_customer', 'customer_replied', 'update', 'resolve', 'close', 'reopen', 'recategorize'] as const;
export type ComplaintEventType = (typeof COMPLAINT_EVENT_TYPES)[number];

/** Each event: the statuses it may be applied in, and the status it leads to. */
export const TRANSITIONS: Readonly<Record<ComplaintEventType, { from: readonly ComplaintStatus[]; to: ComplaintStatus | 'same' }>> = {
  acknowledge: { from: ['received', 'reopened'], to: 'acknowledged' },
  start: { from: ['acknowledged'], to: 'in_progress' },
  wait_on_customer: { from: ['acknowledged', 'in_progress'], to: 'waiting_on_customer' },
  customer_replied: { from: ['waiting_on_customer'], to: 'in_progress' },
  update: { from: ['received', 'acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'reopened'], to: 'same' },
  resolve: { from: ['in_progress'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'reopened' },
  recategorize: { from: ['received', 'acknowledged', 'in_progress', 'waiting_on_customer', 'reopened'], to: 'same' },
};

/** The events an agent may send for a complaint in `status`. */
export function allowedEvents(status: ComplaintStatus): ComplaintEventType[] {
  return COMPLAINT_EVENT_TYPES.filter((t) => TRANSITIONS[t].from.includes(status));
}


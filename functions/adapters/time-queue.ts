/**
 * Queues of messages held until a send time, one state-table partition each (SLA SMS and alert SMS
 * held for quiet hours): sort key `<ISO send time>#<message id>`, so a Query reads them in send order
 * and a key condition on the sort key finds those due.
 */

/** The sort key of a message held until `sendAt` (ISO time). */
export function queuedKey(sendAt: string, messageId: string): string {
  return `${sendAt}#${messageId}`;
}

/** The upper bound of the sort keys due at `now` (every message id sorts before it). */
export function dueKeyBound(now: Date): string {
  return `${now.toISOString()}#\uffff`;
}

/** The send time a sort key holds. */
export function sendTimeOfKey(sk: string): Date {
  return new Date(sk.slice(0, sk.indexOf('#')));
}

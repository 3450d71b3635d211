/**
 * Quiet hours for alert SMS: a department's people are not paged by SMS inside its `quietHours`
 * (local to the department) unless the category is `critical`. Email always goes at once. A held SMS
 * is due when the quiet hours end; the alert evaluator (every five minutes) sends what is due, while its
 * incident is still open (see `flushDeferredSms`).
 */
import { isWithinDailyWindow, nextWindowEnd } from './business-time.ts';
import type { Category, Department } from './config.ts';
import type { OutboundMessage } from './messages.ts';

export interface SmsPlan {
  /** Send now. */
  readonly now: OutboundMessage[];
  /** Hold until `sendAt` (the end of the quiet hours). */
  readonly deferred: Array<{ message: OutboundMessage; sendAt: Date }>;
}

/** When an SMS to this department may go out at `now`: `now` itself, or the end of its quiet hours. */
export function smsSendTime(department: Pick<Department, 'quietHours'>, category: Pick<Category, 'critical'>, now: Date): Date {
  if (category.critical || !department.quietHours) return now;
  if (!isWithinDailyWindow(now, department.quietHours)) return now;
  return nextWindowEnd(now, department.quietHours);
}

/** An SMS held for quiet hours, as the sender reads it back. */
export interface HeldSms {
  readonly key: string;
  /** When it was held; absent on SMS held before this was recorded (then the key's order is used). */
  readonly heldAt?: string | undefined;
  readonly message: OutboundMessage;
}

/**
 * The due held SMS as they go: one per collapse key and recipient (an incident's reminders to one
 * topic or phone), the latest held, with the ones it supersedes; an SMS without a key goes alone.
 * Oldest held first.
 */
export function collapseHeld<T extends HeldSms>(held: readonly T[]): Array<{ latest: T; superseded: T[] }> {
  const order = [...held].sort((a, b) => cmp(a.heldAt ?? '', b.heldAt ?? '') || cmp(a.key, b.key));
  const groups = new Map<string, T[]>();
  for (const h of order) {
    const m = h.message;
    const group = m.collapseKey === undefined ? `key:${h.key}` : `${m.collapseKey}|${m.channel}|${m.channel === 'topic' ? m.department : m.to}`;
    groups.set(group, [...(groups.get(group) ?? []), h]);
  }
  return [...groups.values()].map((g) => ({ latest: g.at(-1)!, superseded: g.slice(0, -1) })).sort((a, b) => order.indexOf(a.latest) - order.indexOf(b.latest));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits alert messages into those to send now and the SMS (direct or via the department topic) to hold. */
export function planAlertDelivery(
  messages: readonly OutboundMessage[],
  department: Pick<Department, 'quietHours'>,
  category: Pick<Category, 'critical'>,
  now: Date,
): SmsPlan {
  const sendAt = smsSendTime(department, category, now);
  if (sendAt.getTime() === now.getTime()) return { now: [...messages], deferred: [] };
  const plan: SmsPlan = { now: [], deferred: [] };
  for (const message of messages) {
    if (message.channel === 'email') plan.now.push(message);
    else plan.deferred.push({ message, sendAt });
  }
  return plan;
}

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

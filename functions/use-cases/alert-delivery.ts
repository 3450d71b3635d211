import { ackUrl, ACK_SMS_TOKEN_BYTES, ACK_TOKEN_BYTES, newAckLink, newAckToken, type AckLinks } from '../domain/alert-ack.ts';
import { alertRaisedEvent, renderAlertRaised, type AlertIncident } from '../domain/alert.ts';
import { applyOverride } from '../domain/alerting-override.ts';
import { departmentById, type Category, type Department, type Locale, type PipelineConfig } from '../domain/config.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import { collapseHeld, planAlertDelivery } from '../domain/quiet-hours.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { deliverOnce, MessageInProgressError, type DeliveryDeps } from './deliver-once.ts';

/**
 * What alert delivery uses beyond sending. Both are optional so the replay CLI (in memory, no links,
 * no silences, no overrides, no SMS to hold) runs the same use cases.
 */
export interface AlertDeliveryDeps extends DeliveryDeps {
  readonly config: PipelineConfig;
  readonly alertOps?: AlertOpsStore;
  readonly publicBaseUrl?: () => string | undefined;
}

/**
 * Makes the acknowledge links for one recipient of one notification: a long token for the email and
 * a short one for the SMS, each stored only as its hash.
 * @returns undefined when the runtime has no store or no public URL (the message then goes without links)
 */
export async function mintAckLinks(incident: AlertIncident, recipient: string, locale: Locale, deps: AlertDeliveryDeps): Promise<AckLinks | undefined> {
  const base = deps.publicBaseUrl?.();
  if (!deps.alertOps || !base) return undefined;
  const link = newAckLink(incident, recipient, locale, deps.clock.now(), deps.config.alerting);
  const email = newAckToken(ACK_TOKEN_BYTES);
  const sms = newAckToken(ACK_SMS_TOKEN_BYTES);
  await deps.alertOps.saveAckLink(email, link);
  await deps.alertOps.saveAckLink(sms, link);
  return { email: ackUrl(base, email), sms: ackUrl(base, sms) };
}

/** The category as the detectors see it now: the config's with any run-time override applied. */
export async function effectiveCategory(category: Category, deps: { readonly alertOps?: AlertOpsStore }): Promise<Category> {
  if (!deps.alertOps) return category;
  return applyOverride(category, await deps.alertOps.getOverride(category.id));
}

/**
 * Sends alert messages once each, holding SMS (direct or through the department topic) during the
 * department's quiet hours unless the category is critical. Without a store to hold them in, SMS go
 * at once.
 */
export async function deliverAlert(messages: readonly OutboundMessage[], category: Category, department: Department, deps: AlertDeliveryDeps): Promise<void> {
  const now = deps.clock.now();
  const plan = deps.alertOps ? planAlertDelivery(messages, department, category, now) : { now: [...messages], deferred: [] };
  for (const held of plan.deferred) await deps.alertOps!.deferSms(held.message, category.id, held.sendAt, now);
  await deliverOnce(plan.now, deps);
}

/**
 * Sends the held SMS that are due, but only while their incident is still open (unacknowledged): an
 * SMS about an incident someone acknowledged or that resolved during the night needs nobody's action
 * in the morning, so it is dropped (the email already told them). This includes held all-clear SMS.
 * An incident's reminders held for one recipient go as one, the latest (`collapseHeld`).
 *
 * Safe to repeat and to crash anywhere: the superseded ones are removed first, then the latest is
 * sent through the once-only ledger and removed. A run that dies in between finds only the latest
 * (never sends an earlier one instead) or finds it already sent.
 * @returns how many were sent
 */
export async function flushDeferredSms(deps: AlertDeliveryDeps & { readonly alerts: AlertStore }): Promise<number> {
  if (!deps.alertOps) return 0;
  let sent = 0;
  for (const { latest: held, superseded } of collapseHeld(await deps.alertOps.dueSms(deps.clock.now()))) {
    for (const earlier of superseded) await deps.alertOps.removeDeferred(earlier.key);
    let stale = false;
    if (held.message.alertId) {
      const incident = await deps.alerts.getIncident(held.category, held.message.alertId);
      stale = incident === undefined || incident.state !== 'open';
    }
    if (!stale) {
      try {
        sent += await deliverOnce([held.message], deps);
      } catch (err) {
        // Another run holds it and may still be sending: keep it held for the next run.
        if (err instanceof MessageInProgressError) continue;
        throw err;
      }
    }
    await deps.alertOps.removeDeferred(held.key);
  }
  return sent;
}

/**
 * Tells the department head about a newly opened incident (email and SMS, once each), publishes
 * `alert.raised` and records that the head was told. The volume monitor calls it when it opens the
 * incident; the alert evaluator calls it for an open incident still not marked told after the claim
 * lease (the monitor died before sending and its stream retries ran out).
 * @throws MessageInProgressError when another delivery holds a live claim on one of the messages
 */
export async function notifyRaised(
  incident: AlertIncident,
  category: Category,
  deps: AlertDeliveryDeps & { readonly events: EventPublisher; readonly alerts: Pick<AlertStore, 'markNotified'> },
): Promise<void> {
  const department = departmentById(deps.config, incident.department);
  if (!department) return;
  const links = await mintAckLinks(incident, `head:${department.head.name}`, department.locale, deps);
  await deliverAlert(renderAlertRaised(incident, category, department, deps.config.company.timeZone, links), category, department, deps);
  await deps.events.publish([alertRaisedEvent(incident)]);
  await deps.alerts.markNotified(incident, deps.clock.now());
}


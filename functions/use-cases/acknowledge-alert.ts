import { ackLinkState, alertAcknowledgedEvent, isWellFormedAckToken, type AckLink } from '../domain/alert-ack.ts';
import type { AlertIncident } from '../domain/alert.ts';
import { acknowledgeIncident } from '../domain/incident.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';

export interface OpenAckLinkDeps {
  readonly clock: Clock;
  readonly alerts: AlertStore;
  readonly alertOps: AlertOpsStore;
}

export type OpenedAckLink =
  | { readonly state: 'not_found' }
  | { readonly state: 'expired'; readonly link: AckLink }
  | { readonly state: 'valid'; readonly link: AckLink; readonly incident: AlertIncident };

/**
 * Reads what an acknowledge link points at; never changes anything (a `GET`, which mail scanners
 * follow). Malformed, unknown or forged tokens (their hash matches nothing) are not_found.
 */
export async function openAckLink(token: string, deps: OpenAckLinkDeps): Promise<OpenedAckLink> {
  if (!isWellFormedAckToken(token)) return { state: 'not_found' };
  const link = await deps.alertOps.findAckLink(token);
  const state = ackLinkState(link, deps.clock.now());
  if (state === 'not_found' || !link) return { state: 'not_found' };
  if (state === 'expired') return { state: 'expired', link };
  const incident = await deps.alerts.getIncident(link.category, link.incidentId);
  return incident ? { state: 'valid', link, incident } : { state: 'not_found' };
}

export type AcknowledgeResult =
  | { readonly outcome: 'not_found' }
  | { readonly outcome: 'expired'; readonly link: AckLink }
  /** Someone acknowledged it before, or it resolved: nothing changed. */
  | { readonly outcome: 'already'; readonly link: AckLink; readonly incident: AlertIncident }
  | { readonly outcome: 'acknowledged'; readonly link: AckLink; readonly incident: AlertIncident };

/**
 * Acknowledges the incident behind a valid link (the `POST`).
 *
 * Primary course: check the link, apply the pure `acknowledgeIncident`, write it conditional on the
 * version read, publish `alert.acknowledged`. When the evaluator wrote the incident in between (the
 * condition fails), read it again and retry; an incident no longer open is `already`.
 */
export async function acknowledgeAlert(token: string, deps: OpenAckLinkDeps & { readonly events: EventPublisher }): Promise<AcknowledgeResult> {
  const opened = await openAckLink(token, deps);
  if (opened.state === 'not_found') return { outcome: 'not_found' };
  if (opened.state === 'expired') return { outcome: 'expired', link: opened.link };
  let incident = opened.incident;
  for (let attempt = 0; attempt < 5; attempt++) {
    const after = acknowledgeIncident(incident, opened.link.recipient, deps.clock.now());
    if (after === incident) return { outcome: 'already', link: opened.link, incident };
    if (await deps.alerts.updateLifecycle(incident, after)) {
      await deps.events.publish([alertAcknowledgedEvent(after)]);
      return { outcome: 'acknowledged', link: opened.link, incident: after };
    }
    const current = await deps.alerts.getIncident(incident.category, incident.id);
    if (!current) return { outcome: 'not_found' };
    incident = current;
  }
  throw new Error(`incident ${incident.id} kept changing while being acknowledged`);
}

/**
 * Acknowledges an incident from the console, by its id, as `by` (the signed-in person).
 *
 * Primary course: read the incident, apply `acknowledgeIncident`, write it conditional on the version
 * read (re-reading when the evaluator wrote in between), publish `alert.acknowledged`. An incident no
 * longer open is `already`; the caller has checked the person may see the category.
 */
export async function acknowledgeIncidentById(
  category: string,
  incidentId: string,
  by: string,
  deps: { readonly clock: Clock; readonly alerts: AlertStore; readonly events: EventPublisher },
): Promise<{ outcome: 'not_found' } | { outcome: 'already' | 'acknowledged'; incident: AlertIncident }> {
  let incident = await deps.alerts.getIncident(category, incidentId);
  for (let attempt = 0; incident && attempt < 5; attempt++) {
    const after = acknowledgeIncident(incident, by, deps.clock.now());
    if (after === incident) return { outcome: 'already', incident };
    if (await deps.alerts.updateLifecycle(incident, after)) {
      await deps.events.publish([alertAcknowledgedEvent(after)]);
      return { outcome: 'acknowledged', incident: after };
    }
    incident = await deps.alerts.getIncident(category, incidentId);
  }
  if (!incident) return { outcome: 'not_found' };
  throw new Error(`incident ${incidentId} kept changing while being acknowledged`);
}

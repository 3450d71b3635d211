import type { DomainEvent } from '../domain/events.ts';
import type { OutboxEntry } from './outbox.ts';

/**
 * The console line for a message the outbox recorded: ids, kind and channel only, never the
 * recipient's address or the text (`npm start` output is no place for personal data).
 */
export function messageLine(entry: OutboxEntry): string {
  const refs = [
    entry.complaintId !== undefined && `complaint=${entry.complaintId}`,
    entry.alertId !== undefined && `incident=${entry.alertId}`,
    entry.viaTopic !== undefined && `topic=${entry.viaTopic}`,
  ].filter(Boolean);
  return ['[message]', 'sent', entry.kind, entry.channel, entry.id, ...refs].join(' ');
}

/** The console line for an alert incident event (raised, acknowledged, escalated, resolved); undefined for other events. */
export function incidentLine(event: DomainEvent): string | undefined {
  if (!event.type.startsWith('alert.')) return undefined;
  const d = event.detail;
  const fields = [
    typeof d.incidentId === 'string' && `incident=${d.incidentId}`,
    typeof d.category === 'string' && `category=${d.category}`,
    typeof d.level === 'number' && `level=${d.level}`,
    typeof d.count === 'number' && `count=${d.count}`,
    typeof d.threshold === 'number' && `threshold=${d.threshold}`,
  ].filter(Boolean);
  return ['[alert]', event.type.slice('alert.'.length), ...fields].join(' ');
}

import type { PipelineConfig } from '../domain/config.ts';
import { sweepSla as planSweep } from '../domain/sla.ts';
import { renderSlaSteps, slaEvents } from '../domain/sla-messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import { deliverOnce, MessageInProgressError } from './deliver-once.ts';

export interface SweepSlaDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
}

export interface SweepResult {
  /** Complaints the sparse index returned as due. */
  readonly due: number;
  /** Items the index query read: proportional to what is due, not to the table. */
  readonly itemsRead: number;
  readonly warnings: number;
  readonly escalations: number;
  /**
   * Complaints an agent changed between our read and write, or whose message another run still
   * holds a live claim on; the next sweep takes them.
   */
  readonly skipped: number;
}

/** At most this many complaints per run; the rest wait for the next run (every 5 minutes). */
const MAX_PER_SWEEP = 500;

/**
 * The scheduled SLA sweeper.
 *
 * Primary course: query the sparse index for complaints whose next SLA action time has come; for
 * each, work out the warning and the escalation levels now due, send them (once per message id),
 * publish the events, then write the complaint (timeline, escalation level, next action time) if
 * nobody changed it meanwhile. Sending before writing means a crash in between re-derives the same
 * steps next time and the ledger suppresses the repeats.
 */
export async function sweepSla(deps: SweepSlaDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const { items, itemsRead } = await deps.complaints.dueForSweep(now, MAX_PER_SWEEP);
  let warnings = 0;
  let escalations = 0;
  let skipped = 0;
  for (const complaint of items) {
    const { steps, complaint: next } = planSweep(complaint, deps.config, now);
    if (next === complaint) continue;
    try {
      await deliverOnce(renderSlaSteps(complaint, steps, deps.config), deps);
    } catch (err) {
      // A step's message is held by a run that may still be sending: record nothing; a later sweep re-derives it.
      if (!(err instanceof MessageInProgressError)) throw err;
      skipped += 1;
      continue;
    }
    if (steps.length) await deps.events.publish(slaEvents(complaint, steps, now));
    if (!(await deps.complaints.update(next, complaint.version))) {
      skipped += 1;
      continue;
    }
    warnings += steps.filter((s) => s.kind === 'warning').length;
    escalations += steps.filter((s) => s.kind === 'escalation').length;
  }
  return { due: items.length, itemsRead, warnings, escalations, skipped };
}

import type { Complaint } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import { smsSendTime } from '../domain/quiet-hours.ts';
import { earliest } from '../domain/time.ts';
import { sweepSla as planSweep, type SlaStep } from '../domain/sla.ts';
import { groupSlaSteps, renderHeldSlaSummary, renderSlaGroup, slaEvents, slaMessageIds, type SlaRecipientGroup, type SlaSmsDecision } from '../domain/sla-messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { DueTimes } from '../ports/due-times.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { HeldSlaSms, SlaSmsStore } from '../ports/sla-sms-store.ts';
import { deliverOnce, MessageInProgressError } from './deliver-once.ts';

export interface SweepSlaDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
  readonly notifier: Notifier;
  readonly ledger: MessageLedger;
  readonly events: EventPublisher;
  /** The hourly SMS ceiling and what quiet hours hold. */
  readonly slaSms: SlaSmsStore;
  /** Base of the console links; without it messages go without links. */
  publicBaseUrl?(): string | undefined;
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
  /** People written to this sweep (one email each, at most one SMS). */
  readonly recipients: number;
  /** SMS sent now, held for quiet hours, and withheld by the hourly ceiling. */
  readonly sms: { readonly sent: number; readonly held: number; readonly overQuota: number };
  /** Summaries of SMS held for quiet hours sent now. */
  readonly heldSummaries: number;
}

/** At most this many complaints per run; the rest wait for the next run (every 5 minutes). */
const MAX_PER_SWEEP = 500;

/** The ledger id under which one delivery of a scheduled run holds it (a lease, given back when the run ends). */
export const SWEEP_RUN_PREFIX = 'sla-run:';

/**
 * The scheduled SLA sweeper.
 *
 * Primary course:
 * 1. send one summary SMS per person for what quiet hours held, now that they are over;
 * 2. query the sparse index for complaints whose next SLA action time has come and work out, for
 *    each, the warning and the escalation levels now due;
 * 3. group every step of the sweep by the person who hears of it: one email each (the first few
 *    complaints in full, the rest counted, with a link to the list), and at most one SMS — held for
 *    the department's quiet hours, or left out past the hourly ceiling (the email then says so);
 * 4. send them (one ledger claim per person, sweep and channel), publish the events, then write
 *    each complaint (timeline, escalation level, next action time) if nobody changed it meanwhile.
 *
 * Sending before writing means a crash in between re-derives the same steps: a retry of the same
 * scheduled run (same `sweepId`) finds its messages claimed; a later run lists them again in its own
 * grouped message (a repeat in a digest, never a storm). One delivery of a run at a time holds it
 * (a ledger lease under `sla-run:<sweepId>`); a concurrent delivery of the same run sends and
 * records nothing and counts the planned complaints as skipped. A run with nothing to send or record
 * (nothing held is due, no complaint's step has come: most runs) takes no lease, so it writes nothing.
 * @param sweepId the scheduled run's time (EventBridge `time`); the clock's minute when absent
 */
export async function sweepSla(deps: SweepSlaDeps, sweepId?: string): Promise<SweepResult> {
  const now = deps.clock.now();
  const id = sweepId ?? now.toISOString().slice(0, 16);
  // Read before claiming, so an idle run costs its reads and no lease writes. Using reads made before
  // the claim sends nothing twice: a delivery that claims only after another delivery of the same run
  // finished finds that run's messages (same ids) sent, and its complaint writes fail their version
  // condition; a plan a moment old is what any run sends from anyway (read, plan, send, then write).
  const [held, found] = await Promise.all([deps.slaSms.dueHeld(now), deps.complaints.dueForSweep(now, MAX_PER_SWEEP)]);
  const { items, itemsRead } = found;
  const planned: PlannedStep[] = [];
  for (const complaint of items) {
    const { steps, complaint: next } = planSweep(complaint, deps.config, now);
    if (next !== complaint) planned.push({ before: complaint, after: next, steps });
  }
  const quiet: SweepResult = { due: items.length, itemsRead, warnings: 0, escalations: 0, skipped: 0, recipients: 0, sms: { sent: 0, held: 0, overQuota: 0 }, heldSummaries: 0 };
  if (held.length === 0 && planned.length === 0) return quiet;
  // Two deliveries of one scheduled run share its message ids. Each would send the messages the
  // other had not claimed yet and then meet the other's claims, so neither would record anything
  // and a later run would send everything again. One delivery at a time runs the sweep instead.
  const run = await deps.ledger.claim(`${SWEEP_RUN_PREFIX}${id}`, now);
  if (run.kind === 'in_progress') return { ...quiet, skipped: planned.length };
  try {
    return await sweepOnce(deps, id, now, held, planned, quiet);
  } finally {
    if (run.kind === 'claimed') await deps.ledger.release(run.claim);
  }
}

/**
 * When a sweep could next find work: the first held SMS's send time or the first complaint's next SLA
 * action time, whichever comes first (undefined: neither exists, and only a write can make one). A run
 * before then reads both, finds nothing due and writes nothing; the local scheduler skips such runs.
 */
export async function nextSweepWork(deps: { readonly dueTimes: DueTimes }): Promise<Date | undefined> {
  return earliest(await Promise.all([deps.dueTimes.nextHeldSlaSmsAt(), deps.dueTimes.nextSweepAt()]));
}

/** A complaint whose SLA steps have come: as read, as it will be written, and the steps between. */
interface PlannedStep {
  readonly before: Complaint;
  readonly after: Complaint;
  readonly steps: SlaStep[];
}

/**
 * Sends and records what the reads before the claim found.
 * @param quiet the run's result had it done nothing (what was read, every count zero)
 */
async function sweepOnce(
  deps: SweepSlaDeps,
  id: string,
  now: Date,
  held: readonly HeldSlaSms[],
  planned: readonly PlannedStep[],
  quiet: SweepResult,
): Promise<SweepResult> {
  const base = deps.publicBaseUrl?.();
  const heldSummaries = await sendHeldSummaries(deps, held, base);

  const groups = groupSlaSteps(planned.map((x) => ({ complaint: x.before, steps: x.steps })), deps.config);
  const sms = { sent: 0, held: 0, overQuota: 0 };
  const messages: OutboundMessage[] = [];
  for (const group of groups) {
    const decision = await decideSms(group, id, now, deps);
    if (decision.kind === 'send') sms.sent += 1;
    if (decision.kind === 'held') sms.held += 1;
    if (decision.kind === 'over_quota') sms.overQuota += 1;
    messages.push(...renderSlaGroup(group, id, decision, deps.config, now, base));
  }
  try {
    await deliverOnce(messages, deps);
  } catch (err) {
    // Some person's message is held by a run that may still be sending: record no complaint, so a
    // later sweep re-derives the steps once that claim is sent or its lease has run out.
    if (!(err instanceof MessageInProgressError)) throw err;
    return { ...quiet, skipped: planned.length, recipients: groups.length, sms, heldSummaries };
  }

  let warnings = 0;
  let escalations = 0;
  let skipped = 0;
  for (const { before, after, steps } of planned) {
    if (steps.length) await deps.events.publish(slaEvents(before, steps, now));
    if (!(await deps.complaints.update(after, before.version))) {
      skipped += 1;
      continue;
    }
    warnings += steps.filter((s) => s.kind === 'warning').length;
    escalations += steps.filter((s) => s.kind === 'escalation').length;
  }
  return { ...quiet, warnings, escalations, skipped, recipients: groups.length, sms, heldSummaries };
}

/** Quiet hours first (critical categories excepted), then the hourly ceiling. */
async function decideSms(group: SlaRecipientGroup, sweepId: string, now: Date, deps: SweepSlaDeps): Promise<SlaSmsDecision> {
  if (!group.escalations.length) return { kind: 'none' };
  const critical = group.escalations.some((i) => deps.config.categories.find((c) => c.id === i.complaint.category)?.critical);
  const sendAt = smsSendTime(group.department, { critical }, now);
  const messageId = slaMessageIds(group, sweepId).sms;
  if (sendAt.getTime() > now.getTime()) {
    await deps.slaSms.hold(messageId, { sendAt: sendAt.toISOString(), to: group.phone, locale: group.locale, departments: escalatedDepartments(group), escalations: group.escalations.length });
    return { kind: 'held', until: sendAt };
  }
  const perHour = deps.config.slaPolicy.smsPerHour;
  if (!(await deps.slaSms.takeSmsQuota(group.phone, now.toISOString().slice(0, 13), messageId, perHour))) return { kind: 'over_quota', perHour };
  return { kind: 'send' };
}

/** The departments of a group's escalations, each once. */
function escalatedDepartments(group: SlaRecipientGroup): string[] {
  return [...new Set(group.escalations.map((i) => i.complaint.department))];
}

/** One SMS per person for everything quiet hours held for them (`due`: what is due now), then the held items go. */
async function sendHeldSummaries(deps: SweepSlaDeps, due: readonly HeldSlaSms[], base: string | undefined): Promise<number> {
  const byPhone = new Map<string, HeldSlaSms[]>();
  for (const h of due) byPhone.set(h.to, [...(byPhone.get(h.to) ?? []), h]);
  let sent = 0;
  for (const [to, held] of byPhone) {
    const first = held[0]!;
    const escalations = held.reduce((n, h) => n + h.escalations, 0);
    try {
      const departments = [...new Set(held.flatMap((h) => h.departments))];
      sent += await deliverOnce([renderHeldSlaSummary({ to, locale: first.locale, departments, escalations, sendAt: first.sendAt }, deps.config, base)], deps);
    } catch (err) {
      // Held by a run that may still be sending: keep the held items for the next sweep.
      if (!(err instanceof MessageInProgressError)) throw err;
      continue;
    }
    for (const h of held) await deps.slaSms.removeHeld(h.key);
  }
  return sent;
}

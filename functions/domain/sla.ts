import { addBusinessTime, businessTimeBetween } from './business-time.ts';
import type { Complaint, SlaState } from './complaint.ts';
import type { BusinessHours, Department, PipelineConfig, Severity } from './config.ts';
import { HOUR_MS, MINUTE_MS } from './time.ts';

/** The department's working calendar, if it has one (SLA clocks then count business time only). */
export function calendarOf(config: PipelineConfig, departmentId: string): BusinessHours | undefined {
  return config.departments.find((d) => d.id === departmentId)?.businessHours;
}

function warnTime(start: Date, targetMs: number, calendar: BusinessHours | undefined, config: PipelineConfig): string {
  return addBusinessTime(start, Math.round(targetMs * config.slaPolicy.warningFraction), calendar).toISOString();
}

/**
 * Due times of a complaint received (or reopened) at `start`: first response and resolution after
 * the severity's targets, counted in the department's business hours when it has a calendar.
 */
export function slaDueTimes(
  start: Date,
  severity: Severity,
  departmentId: string,
  config: PipelineConfig,
): { firstResponseDueAt: string; resolutionDueAt: string; sla: SlaState } {
  const calendar = calendarOf(config, departmentId);
  const target = config.sla[severity];
  const firstResponseMs = target.firstResponseHours * HOUR_MS;
  const firstResponseDueAt = addBusinessTime(start, firstResponseMs, calendar).toISOString();
  return {
    firstResponseDueAt,
    resolutionDueAt: addBusinessTime(start, target.resolutionHours * HOUR_MS, calendar).toISOString(),
    sla: { phase: 'first_response', dueAt: firstResponseDueAt, warnAt: warnTime(start, firstResponseMs, calendar, config), warned: false },
  };
}

/** The resolution phase, entered at the first response: its due time was set at receipt. */
export function enterResolutionPhase(complaint: Complaint, config: PipelineConfig): SlaState {
  const calendar = calendarOf(config, complaint.department);
  const start = new Date(complaint.receivedAt);
  const targetMs = businessTimeBetween(start, new Date(complaint.resolutionDueAt), calendar);
  // A first response after the resolution warning time makes the next sweep warn at once: it is late.
  return { phase: 'resolution', dueAt: complaint.resolutionDueAt, warnAt: warnTime(start, targetMs, calendar, config), warned: false };
}

/** Pauses the SLA clock (waiting on the customer). */
export function pauseSla(sla: SlaState, now: Date): SlaState {
  return { ...sla, pausedAt: now.toISOString() };
}

/**
 * Resumes the SLA clock: every pending time moves on by the business time that passed while paused.
 * @returns the new SLA state and the shifted top-level due times
 */
export function resumeSla(
  complaint: Complaint,
  now: Date,
  config: PipelineConfig,
): { sla: SlaState; firstResponseDueAt: string; resolutionDueAt: string } {
  const { sla } = complaint;
  if (!sla.pausedAt) return { sla, firstResponseDueAt: complaint.firstResponseDueAt, resolutionDueAt: complaint.resolutionDueAt };
  const calendar = calendarOf(config, complaint.department);
  const pausedMs = businessTimeBetween(new Date(sla.pausedAt), now, calendar);
  const shift = (t: string | undefined) => (t === undefined ? undefined : addBusinessTime(new Date(t), pausedMs, calendar).toISOString());
  const { pausedAt: _resumed, ...rest } = sla;
  const shifted: SlaState = { ...rest, ...(sla.dueAt && { dueAt: shift(sla.dueAt)! }), ...(sla.warnAt && { warnAt: shift(sla.warnAt)! }) };
  return {
    sla: shifted,
    firstResponseDueAt: sla.phase === 'first_response' ? shift(complaint.firstResponseDueAt)! : complaint.firstResponseDueAt,
    resolutionDueAt: shift(complaint.resolutionDueAt)!,
  };
}

/** When escalation level `level` (1-based) is due: level 1 at the due time, each further level one interval later. */
export function escalationTime(dueAt: string, level: number, calendar: BusinessHours | undefined, config: PipelineConfig): Date {
  return addBusinessTime(new Date(dueAt), (level - 1) * config.slaPolicy.escalationIntervalMinutes * MINUTE_MS, calendar);
}

function chainLength(config: PipelineConfig, departmentId: string): number {
  return config.departments.find((d) => d.id === departmentId)?.escalationChain.length ?? 0;
}

/** When the SLA sweeper next has something to do for this complaint, or undefined. */
export function nextSlaAction(complaint: Complaint, config: PipelineConfig): string | undefined {
  const { sla } = complaint;
  if (sla.phase === 'met' || sla.pausedAt || !sla.dueAt) return undefined;
  if (!sla.warned && sla.warnAt) return sla.warnAt;
  if (complaint.escalationLevel < chainLength(config, complaint.department)) {
    return escalationTime(sla.dueAt, complaint.escalationLevel + 1, calendarOf(config, complaint.department), config).toISOString();
  }
  return undefined;
}

/** Stamps the complaint with its next SLA action time (the sparse sweep index key). */
export function withNextAction(complaint: Complaint, config: PipelineConfig): Complaint {
  const { nextActionAt: _previous, ...sla } = complaint.sla;
  const next = nextSlaAction({ ...complaint, sla }, config);
  return { ...complaint, sla: { ...sla, ...(next && { nextActionAt: next }) } };
}

/** Overdue: the current phase's target has passed and the clock is running. */
export function isOverdue(complaint: Complaint, now: Date): boolean {
  const { sla } = complaint;
  return sla.phase !== 'met' && !sla.pausedAt && sla.dueAt !== undefined && Date.parse(sla.dueAt) <= now.getTime();
}

export type SlaStep =
  | { kind: 'warning'; phase: 'first_response' | 'resolution'; dueAt: string }
  | { kind: 'escalation'; phase: 'first_response' | 'resolution'; level: number; contact: Department['escalationChain'][number]; dueAt: string };

/**
 * What the sweeper must do for a complaint at `now`: the 75% warning (skipped when the target has
 * already passed, since an escalation then says more), then each escalation level whose time has
 * come, each once. Returns the steps and the complaint after them (timeline, level, next action).
 */
export function sweepSla(complaint: Complaint, config: PipelineConfig, now: Date): { steps: SlaStep[]; complaint: Complaint } {
  const { sla } = complaint;
  if (sla.phase === 'met' || sla.pausedAt || !sla.dueAt) return { steps: [], complaint };
  const department = config.departments.find((d) => d.id === complaint.department);
  const calendar = department?.businessHours;
  const steps: SlaStep[] = [];
  const timeline = [...complaint.timeline];
  const at = now.toISOString();
  const phase = sla.phase;
  let warned = sla.warned;
  if (!warned && sla.warnAt && Date.parse(sla.warnAt) <= now.getTime()) {
    warned = true;
    if (Date.parse(sla.dueAt) > now.getTime()) {
      steps.push({ kind: 'warning', phase, dueAt: sla.dueAt });
      timeline.push({ at, actor: 'system:sla', event: 'sla_warning', status: complaint.status, note: `${phase} due ${sla.dueAt}`, sla: { phase, dueAt: sla.dueAt } });
    }
  }
  let level = complaint.escalationLevel;
  const chain = department?.escalationChain ?? [];
  while (level < chain.length && escalationTime(sla.dueAt, level + 1, calendar, config).getTime() <= now.getTime()) {
    level += 1;
    const contact = chain[level - 1]!;
    steps.push({ kind: 'escalation', phase, level, contact, dueAt: sla.dueAt });
    timeline.push({
      at,
      actor: 'system:sla',
      event: 'escalate',
      status: complaint.status,
      note: `${phase} overdue since ${sla.dueAt}: level ${level}, ${contact.role} ${contact.name}`,
      sla: { phase, dueAt: sla.dueAt, level, contact: { name: contact.name, role: contact.role } },
    });
  }
  if (!steps.length && warned === sla.warned) return { steps, complaint };
  const next: Complaint = { ...complaint, sla: { ...sla, warned }, escalationLevel: level, timeline, version: complaint.version + 1 };
  return { steps, complaint: withNextAction(next, config) };
}

import type { Complaint, ComplaintStatus, TimelineEntry } from './complaint.ts';
import type { PipelineConfig } from './config.ts';
import type { ComplaintEvent } from './complaint-event.ts';
import { allowedEvents, TRANSITIONS, type ComplaintEventType } from './lifecycle-rules.ts';
import { enterResolutionPhase, pauseSla, resumeSla, slaDueTimes, withNextAction } from './sla.ts';

/** A resolution's survey id: the complaint and how often it was reopened before (one survey per resolution). */
export function surveyIdFor(complaintId: string, reopenCount: number): string {
  return `${complaintId}-r${reopenCount}`;
}

/** The complaint a survey asks about, from the survey's id ({@link surveyIdFor}). */
export function complaintIdOfSurvey(surveyId: string): string {
  return surveyId.replace(/-r\d+$/, '');
}

export type { ComplaintEvent, ComplaintEventType };

export { allowedEvents };

export type TransitionError = { kind: 'invalid_transition'; status: ComplaintStatus; event: ComplaintEventType; allowed: ComplaintEventType[] };

/**
 * Applies an agent (or customer, or survey) event to a complaint.
 *
 * Primary course: check the transition, append to the timeline, bump the version, and move the SLA
 * clock: acknowledging meets the first-response target and starts the resolution phase; waiting on
 * the customer pauses it and the customer's reply resumes it (due times move by the business time
 * paused); resolving meets it; reopening starts a fresh first-response target from now. Moving a
 * complaint to another category (`recategorize`) moves it to that category's department, keeps its
 * due times (the customer was promised them) and adds an internal entry saying from where to where;
 * moving it to the category it is in changes nothing, so a repeated request is harmless.
 */
export function applyEvent(
  complaint: Complaint,
  event: Omit<ComplaintEvent, 'expectedVersion'>,
  now: Date,
  config: PipelineConfig,
): { ok: true; complaint: Complaint } | { ok: false; error: TransitionError } {
  const rule = TRANSITIONS[event.type];
  if (!rule.from.includes(complaint.status)) {
    return { ok: false, error: { kind: 'invalid_transition', status: complaint.status, event: event.type, allowed: allowedEvents(complaint.status) } };
  }
  const target = event.type === 'recategorize' ? config.categories.find((c) => c.id === event.category) : undefined;
  if (event.type === 'recategorize') {
    // complaintEventSchemaFor refuses unknown categories before this.
    if (!target) throw new Error(`unknown category '${event.category}'`);
    if (target.id === complaint.category) return { ok: true, complaint };
  }
  const at = now.toISOString();
  const status = rule.to === 'same' ? complaint.status : rule.to;
  const entry: TimelineEntry = {
    at,
    actor: event.actor,
    event: event.type,
    status,
    ...(event.note !== undefined && { note: event.note }),
    ...(event.internal && (event.type === 'update' ? { internal: true } : { noteInternal: true })),
    ...(target && {
      internal: true,
      recategorized: { from: { category: complaint.category, department: complaint.department }, to: { category: target.id, department: target.department } },
    }),
  };
  let next: Complaint = { ...complaint, status, version: complaint.version + 1, timeline: [...complaint.timeline, entry] };

  switch (event.type) {
    case 'acknowledge':
      next = { ...next, firstRespondedAt: complaint.firstRespondedAt ?? at, sla: enterResolutionPhase(complaint, config), escalationLevel: 0 };
      break;
    case 'wait_on_customer':
      next = { ...next, sla: pauseSla(complaint.sla, now) };
      break;
    case 'customer_replied':
      next = { ...next, ...resumeSla(complaint, now, config) };
      break;
    case 'resolve': {
      const { dueAt: _met, warnAt: _none, ...sla } = complaint.sla;
      next = {
        ...next,
        resolvedAt: at,
        sla: { ...sla, phase: 'met' },
        // Each resolution gets its own survey, due after the configured delay.
        survey: { id: surveyIdFor(complaint.id, complaint.reopenCount), dueAt: new Date(now.getTime() + config.survey.delayDays * 86_400_000).toISOString() },
        ...(event.firstContactResolution !== undefined && { firstContactResolution: event.firstContactResolution }),
      };
      break;
    }
    case 'close':
      next = { ...next, closedAt: at };
      break;
    case 'reopen': {
      const due = slaDueTimes(now, complaint.severity, complaint.department, config);
      // A reopened complaint is not surveyed; its next resolution sets a new survey.
      const { resolvedAt: _r, closedAt: _c, survey: _s, ...rest } = next;
      next = { ...rest, ...due, escalationLevel: 0, reopenCount: complaint.reopenCount + 1 };
      break;
    }
    case 'recategorize':
      if (target) next = { ...next, category: target.id, department: target.department };
      break;
    case 'start':
    case 'update':
      break;
  }
  return { ok: true, complaint: withNextAction(next, config) };
}

/** Timeline events the customer hears about, and how the message names the step. */
export type ProgressStep = 'received' | 'acknowledged' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'reopened' | 'update';

/** The customer-facing step a timeline entry stands for, or undefined for internal or system entries. */
export function progressStepOf(entry: TimelineEntry): ProgressStep | undefined {
  if (entry.internal) return undefined;
  switch (entry.event) {
    case 'receive':
      return 'received';
    case 'acknowledge':
      return 'acknowledged';
    case 'start':
    case 'customer_replied':
      return 'in_progress';
    case 'wait_on_customer':
      return 'waiting_on_customer';
    case 'resolve':
      return 'resolved';
    case 'reopen':
      return 'reopened';
    case 'update':
      return entry.note ? 'update' : undefined;
    default:
      return undefined;
  }
}

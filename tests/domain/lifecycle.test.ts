import { describe, expect, it } from 'vitest';
import { ComplaintStatusSchema, createComplaint, type Complaint, type ComplaintStatus } from '../../functions/domain/complaint.ts';
import { ComplaintEventSchema, complaintEventSchemaFor, ComplaintEventTypeSchema } from '../../functions/domain/complaint-event.ts';
import { allowedEvents, applyEvent, progressStepOf, type ComplaintEventType } from '../../functions/domain/lifecycle.ts';
import { isOverdue } from '../../functions/domain/sla.ts';
import { defaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z'); // Monday 10:00 in Shanghai
const hours = (h: number) => new Date(t0.getTime() + h * 3600_000);

function complaint(department: 'logistics' | 'customer-service' = 'logistics', status: ComplaintStatus = 'received'): Complaint {
  const category = department === 'logistics' ? 'logistics-delay' : 'after-sales';
  const r = createComplaint({ channel: 'web', customer: { id: 'c1', email: 'c@example.com' }, description: 'x', category, severity: 'medium' }, defaultConfig, t0, 'C1');
  if (!r.ok) throw new Error('fixture');
  return { ...r.complaint, status };
}

/** The lifecycle as the issue states it: every pair not listed here is refused. */
const ALLOWED: Record<ComplaintEventType, Partial<Record<ComplaintStatus, ComplaintStatus>>> = {
  acknowledge: { received: 'acknowledged', reopened: 'acknowledged' },
  start: { acknowledged: 'in_progress' },
  wait_on_customer: { acknowledged: 'waiting_on_customer', in_progress: 'waiting_on_customer' },
  customer_replied: { waiting_on_customer: 'in_progress' },
  update: { received: 'received', acknowledged: 'acknowledged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer', resolved: 'resolved', reopened: 'reopened' },
  resolve: { in_progress: 'resolved' },
  close: { resolved: 'closed' },
  reopen: { resolved: 'reopened', closed: 'reopened' },
  recategorize: { received: 'received', acknowledged: 'acknowledged', in_progress: 'in_progress', waiting_on_customer: 'waiting_on_customer', reopened: 'reopened' },
};

const cases = ComplaintStatusSchema.options.flatMap((status) => ComplaintEventTypeSchema.options.map((type) => [status, type, ALLOWED[type][status]] as const));

describe('complaint state machine', () => {
  it.each(cases)('%s + %s → %s', (status, type, expected) => {
    const before = complaint('logistics', status);
    const result = applyEvent(before, { type, actor: 'agent:a', ...(type === 'update' && { note: 'n' }), ...(type === 'recategorize' && { category: 'refund' }) }, hours(1), defaultConfig);
    if (expected === undefined) {
      expect(result).toEqual({ ok: false, error: { kind: 'invalid_transition', status, event: type, allowed: allowedEvents(status) } });
      expect(allowedEvents(status)).not.toContain(type);
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint.status).toBe(expected);
    expect(result.complaint.version).toBe(before.version + 1);
    expect(result.complaint.timeline.at(-1)).toMatchObject({ at: hours(1).toISOString(), actor: 'agent:a', event: type, status: expected });
    expect(allowedEvents(status)).toContain(type);
  });

  it('closed complaints take nothing but reopen', () => {
    expect(allowedEvents('resolved')).not.toContain('recategorize');
    expect(allowedEvents('closed')).toEqual(['reopen']);
  });

  it('validates event bodies', () => {
    expect(ComplaintEventSchema.safeParse({ type: 'resolve', actor: 'a', firstContactResolution: true }).success).toBe(true);
    const bad = ComplaintEventSchema.safeParse({ type: 'start', actor: 'a', internal: true, firstContactResolution: true, colour: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.code)).toContain('unrecognized_keys');
    const semantic = ComplaintEventSchema.safeParse({ type: 'start', actor: 'a', internal: true, firstContactResolution: true });
    expect(semantic.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['firstContactResolution', 'note']);
    expect(ComplaintEventSchema.safeParse({ type: 'update', actor: 'a', internal: true }).success).toBe(false);
    expect(ComplaintEventSchema.safeParse({ type: 'acknowledge', actor: 'a', internal: true, note: 'sounds upset' }).success).toBe(true);
    const recategorize = ComplaintEventSchema.safeParse({ type: 'recategorize', actor: 'a', category: 'refund', internal: true, note: 'x' });
    expect(recategorize.error!.issues.map((i) => i.path.join('.'))).toEqual(['internal']);
  });
});

describe('moving a complaint to another category', () => {
  it('moves it to the category\'s department, keeps its due times and escalation, and says from where to where, internally', () => {
    const acknowledged = applyEvent(complaint(), { type: 'acknowledge', actor: 'a' }, hours(1), defaultConfig);
    if (!acknowledged.ok) throw new Error('acknowledge');
    const before = acknowledged.complaint;
    const r = applyEvent(before, { type: 'recategorize', actor: 'agent:li', category: 'product-quality', note: 'A scratched lens, not a delivery problem' }, hours(2), defaultConfig);
    if (!r.ok) throw new Error('recategorize');
    const quality = defaultConfig.categories.find((c) => c.id === 'product-quality')!;
    expect(r.complaint).toMatchObject({ category: 'product-quality', department: quality.department, status: 'acknowledged', version: before.version + 1 });
    expect(r.complaint.department).not.toBe(before.department);
    expect([r.complaint.resolutionDueAt, r.complaint.firstResponseDueAt, r.complaint.sla.dueAt, r.complaint.escalationLevel]).toEqual([before.resolutionDueAt, before.firstResponseDueAt, before.sla.dueAt, before.escalationLevel]);
    expect(r.complaint.timeline.at(-1)).toEqual({
      at: hours(2).toISOString(),
      actor: 'agent:li',
      event: 'recategorize',
      status: 'acknowledged',
      note: 'A scratched lens, not a delivery problem',
      internal: true,
      recategorized: { from: { category: 'logistics-delay', department: before.department }, to: { category: 'product-quality', department: quality.department } },
    });
    // Nothing for the customer: the entry is internal.
    expect(progressStepOf(r.complaint.timeline.at(-1)!)).toBeUndefined();
  });

  it('changes nothing when it is already in that category (a repeated request)', () => {
    const c = complaint();
    expect(applyEvent(c, { type: 'recategorize', actor: 'a', category: c.category }, hours(1), defaultConfig)).toEqual({ ok: true, complaint: c });
  });

  it('needs a category the config has, and only this event takes one', () => {
    expect(ComplaintEventSchema.safeParse({ type: 'recategorize', actor: 'a' }).error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['category', 'a recategorize event needs the new category']]);
    expect(ComplaintEventSchema.safeParse({ type: 'start', actor: 'a', category: 'refund' }).error!.issues.map((i) => i.path.join('.'))).toEqual(['category']);
    const unknown = complaintEventSchemaFor(defaultConfig).safeParse({ type: 'recategorize', actor: 'a', category: 'weather' });
    expect(unknown.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['category', `unknown category; one of: ${defaultConfig.categories.map((c) => c.id).join(', ')}`]]);
    expect(complaintEventSchemaFor(defaultConfig).safeParse({ type: 'recategorize', actor: 'a', category: 'refund' }).success).toBe(true);
  });
});

describe('SLA clock through the lifecycle', () => {
  it('acknowledging meets the first response and starts the resolution phase', () => {
    const r = applyEvent(complaint(), { type: 'acknowledge', actor: 'a' }, hours(2), defaultConfig);
    expect(r.ok && r.complaint).toMatchObject({ firstRespondedAt: hours(2).toISOString(), sla: { phase: 'resolution', dueAt: hours(120).toISOString(), warned: false } });
  });

  it('waiting on the customer pauses the clock; the reply moves due times by the time paused', () => {
    let c = complaint();
    for (const [type, at] of [['acknowledge', 1], ['start', 2], ['wait_on_customer', 10]] as const) {
      const r = applyEvent(c, { type, actor: 'a' }, hours(at), defaultConfig);
      if (!r.ok) throw new Error(type);
      c = r.complaint;
    }
    expect(c.sla.pausedAt).toBe(hours(10).toISOString());
    expect(c.sla.nextActionAt).toBeUndefined();
    expect(isOverdue(c, hours(500))).toBe(false);
    const r = applyEvent(c, { type: 'customer_replied', actor: 'customer' }, hours(40), defaultConfig);
    if (!r.ok) throw new Error('reply');
    expect(r.complaint.sla.pausedAt).toBeUndefined();
    expect(r.complaint.resolutionDueAt).toBe(hours(150).toISOString());
    expect(r.complaint.sla.dueAt).toBe(hours(150).toISOString());
  });

  it('pauses in business time only for a department with a calendar', () => {
    // customer-service: Mon-Fri 09:00-18:00 Shanghai. Paused Monday 11:00 → Tuesday 11:00 is 9 business hours.
    let c = complaint('customer-service');
    for (const [type, at] of [['acknowledge', 0], ['wait_on_customer', 1]] as const) {
      const r = applyEvent(c, { type, actor: 'a' }, hours(at), defaultConfig);
      if (!r.ok) throw new Error(type);
      c = r.complaint;
    }
    const before = Date.parse(c.resolutionDueAt);
    const r = applyEvent(c, { type: 'customer_replied', actor: 'customer' }, hours(25), defaultConfig);
    if (!r.ok) throw new Error('reply');
    const shifted = Date.parse(r.complaint.resolutionDueAt);
    // 9 business hours later; the wall-clock gap is larger because nights do not count.
    expect(shifted - before).toBeGreaterThanOrEqual(9 * 3600_000);
  });

  it('resolving meets the SLA; reopening starts a fresh first-response target', () => {
    let c = complaint();
    for (const [type, at] of [['acknowledge', 1], ['start', 2], ['resolve', 3]] as const) {
      const r = applyEvent(c, { type, actor: 'a', ...(type === 'resolve' && { firstContactResolution: true }) }, hours(at), defaultConfig);
      if (!r.ok) throw new Error(type);
      c = r.complaint;
    }
    expect(c).toMatchObject({ resolvedAt: hours(3).toISOString(), firstContactResolution: true, sla: { phase: 'met' } });
    expect(c.sla.nextActionAt).toBeUndefined();
    const r = applyEvent(c, { type: 'reopen', actor: 'survey', note: 'rating 2' }, hours(200), defaultConfig);
    expect(r.ok && r.complaint).toMatchObject({
      status: 'reopened',
      reopenCount: 1,
      firstResponseDueAt: hours(224).toISOString(),
      sla: { phase: 'first_response', dueAt: hours(224).toISOString(), warnAt: hours(218).toISOString(), warned: false },
      escalationLevel: 0,
    });
    expect(r.ok && r.complaint.resolvedAt).toBeUndefined();
  });
});

describe('what the customer hears about', () => {
  it.each([
    [{ event: 'receive' }, 'received'],
    [{ event: 'acknowledge' }, 'acknowledged'],
    [{ event: 'start' }, 'in_progress'],
    [{ event: 'customer_replied' }, 'in_progress'],
    [{ event: 'wait_on_customer' }, 'waiting_on_customer'],
    [{ event: 'resolve' }, 'resolved'],
    [{ event: 'reopen' }, 'reopened'],
    [{ event: 'update', note: 'we called the courier' }, 'update'],
    [{ event: 'update', note: 'suspect fraud', internal: true }, undefined],
    [{ event: 'update' }, undefined],
    [{ event: 'close' }, undefined],
    [{ event: 'sla_warning' }, undefined],
    [{ event: 'escalate' }, undefined],
  ])('%j → %s', (entry, step) => {
    expect(progressStepOf({ at: '', actor: 'a', status: 'received', ...entry })).toBe(step);
  });
});

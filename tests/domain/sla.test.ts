import { describe, expect, it } from 'vitest';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { isOverdue, sweepSla } from '../../functions/domain/sla.ts';
import { defaultConfig, rawDefaultConfig } from '../fixtures/config.ts';
import { parseConfig } from '../../functions/domain/config.ts';

const h = (t: Date, hours: number) => new Date(t.getTime() + hours * 3600_000);

function make(config: PipelineConfig, category: string, severity: 'medium' | 'high', at: Date): Complaint {
  const r = createComplaint({ channel: 'web', customer: { id: 'c' }, description: 'x', category, severity }, config, at, 'ID');
  if (!r.ok) throw new Error('fixture');
  return r.complaint;
}

describe('SLA sweep steps (logistics: 24/7, medium = 24h first response, chain of 3, 240-minute interval)', () => {
  const t0 = new Date('2026-11-16T02:00:00.000Z');
  const c = make(defaultConfig, 'logistics-delay', 'medium', t0);

  it.each([
    [17, [], 0],
    [18, ['warning'], 0],
    [24, ['escalation:1'], 1], // warning skipped: the target has passed, the escalation says more
    [27.9, ['escalation:1'], 1],
    [28, ['escalation:1', 'escalation:2'], 2],
    [40, ['escalation:1', 'escalation:2', 'escalation:3'], 3],
  ])('a first sweep %dh after receipt takes %j', (hours, steps, level) => {
    const r = sweepSla(c, defaultConfig, h(t0, hours));
    expect(r.steps.map((s) => (s.kind === 'warning' ? 'warning' : `escalation:${s.level}`))).toEqual(steps);
    expect(r.complaint.escalationLevel).toBe(level);
  });

  it('takes each step once across sweeps, then has nothing left to do', () => {
    let current = c;
    const taken: string[] = [];
    for (const hours of [18, 18.5, 24, 24, 28, 32, 100]) {
      const r = sweepSla(current, defaultConfig, h(t0, hours));
      taken.push(...r.steps.map((s) => (s.kind === 'warning' ? 'warning' : `L${s.level}:${s.contact.role}`)));
      current = r.complaint;
    }
    expect(taken).toEqual(['warning', 'L1:Team lead', 'L2:Department head', 'L3:Director of Customer Experience']);
    expect(current.sla.nextActionAt).toBeUndefined();
    expect(current.timeline.map((e) => e.event)).toEqual(['receive', 'sla_warning', 'escalate', 'escalate', 'escalate']);
  });

  it('names the next action time for the sparse index', () => {
    expect(c.sla.nextActionAt).toBe(h(t0, 18).toISOString());
    expect(sweepSla(c, defaultConfig, h(t0, 18)).complaint.sla.nextActionAt).toBe(h(t0, 24).toISOString());
  });
});

describe('business hours (customer-service: Mon-Fri 09:00-18:00 Asia/Shanghai, National Day off)', () => {
  it('a complaint received Friday evening is not overdue on Saturday, and is due Monday afternoon', () => {
    const fridayEvening = new Date('2026-11-20T12:00:00.000Z'); // Fri 20:00 Shanghai
    const c = make(defaultConfig, 'after-sales', 'high', fridayEvening); // 8 business hours
    expect(c.firstResponseDueAt).toBe('2026-11-23T09:00:00.000Z'); // Mon 17:00 Shanghai
    expect(isOverdue(c, new Date('2026-11-21T15:00:00.000Z'))).toBe(false); // Sat 23:00
    expect(sweepSla(c, defaultConfig, new Date('2026-11-21T15:00:00.000Z')).steps).toEqual([]);
    // Warning at 6 of 8 business hours: Monday 15:00 Shanghai.
    expect(c.sla.warnAt).toBe('2026-11-23T07:00:00.000Z');
  });

  it('skips public holidays', () => {
    const beforeHolidays = new Date('2026-09-30T09:00:00.000Z'); // Wed 17:00 Shanghai, holidays 10-01..10-07
    const c = make(defaultConfig, 'after-sales', 'high', beforeHolidays);
    // 1h left on the 30th, then 7 more from Thursday 10-08 09:00 → 16:00.
    expect(c.firstResponseDueAt).toBe('2026-10-08T08:00:00.000Z');
  });

  it('follows wall-clock hours across a DST change (America/New_York, 2026-03-08)', () => {
    const raw = rawDefaultConfig();
    raw.departments[2].businessHours = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '17:00', holidays: [] };
    const config = parseConfig(raw, 'dst');
    const saturday4pm = new Date('2026-03-07T21:00:00.000Z'); // Sat 16:00 EST
    const c = make(config, 'after-sales', 'high', saturday4pm);
    // 1h Saturday, 7h Sunday 09:00-16:00 EDT (UTC-4) → 20:00 UTC.
    expect(c.firstResponseDueAt).toBe('2026-03-08T20:00:00.000Z');
  });
});

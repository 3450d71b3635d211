import { describe, expect, it } from 'vitest';
import { kpiFigures, kpiReport, type KpiComplaint } from '../../functions/domain/kpis.ts';

const now = new Date('2026-11-20T00:00:00.000Z');
const base = {
  department: 'logistics',
  category: 'logistics-delay',
  receivedAt: '2026-11-10T00:00:00.000Z',
  firstResponseDueAt: '2026-11-11T00:00:00.000Z',
  resolutionDueAt: '2026-11-15T00:00:00.000Z',
  escalationLevel: 0,
};
const c = (id: string, extra: Partial<KpiComplaint> = {}): KpiComplaint => ({ id, ...base, ...extra });

describe('KPI formulas', () => {
  const set = [
    // responded in 60 min, resolved on time, solved in first contact
    c('a', { firstRespondedAt: '2026-11-10T01:00:00.000Z', resolvedAt: '2026-11-12T00:00:00.000Z', firstContactResolution: true }),
    // responded late (2 days), resolved late, escalated, a repeat
    c('b', { firstRespondedAt: '2026-11-12T00:00:00.000Z', resolvedAt: '2026-11-16T00:00:00.000Z', firstContactResolution: false, escalationLevel: 2, repeatOf: 'x' }),
    // never answered and past both due times: late on both counts
    c('c', { escalationLevel: 3 }),
    // received recently, nothing due yet: not judged
    c('d', { receivedAt: '2026-11-19T23:00:00.000Z', firstResponseDueAt: '2026-11-20T23:00:00.000Z', resolutionDueAt: '2026-11-24T23:00:00.000Z' }),
  ];

  it('computes each figure with the stated denominators', () => {
    expect(kpiFigures(set, now)).toEqual({
      received: 4,
      firstResponseMedianMinutes: (60 + 2880) / 2,
      firstResponseOnTimeRate: 0.3333, // a on time; b and c late; d not yet due
      resolved: 2,
      resolutionOnTimeRate: 0.3333, // a on time; b late; c unresolved past due
      firstContactResolutionRate: 0.5,
      escalationRate: 0.5,
      repeatRate: 0.25,
    });
  });

  it('says null rather than 0 when there is nothing to judge', () => {
    expect(kpiFigures([], now)).toMatchObject({ received: 0, firstResponseMedianMinutes: null, firstResponseOnTimeRate: null, escalationRate: null });
  });

  it('reports per department and category within [from, to)', () => {
    const other = c('e', { department: 'finance', category: 'refund', receivedAt: '2026-11-01T00:00:00.000Z' });
    const r = kpiReport([...set, other], new Date('2026-11-05T00:00:00Z'), new Date('2026-11-19T23:00:00Z'), now);
    expect(r.total.received).toBe(3);
    expect(Object.keys(r.byDepartment)).toEqual(['logistics']);
    expect(r.byCategory['logistics-delay']!.received).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { ComplaintInputSchema, ComplaintSchema, createComplaint } from '../../functions/domain/complaint.ts';
import { defaultConfig } from '../fixtures/config.ts';

const now = new Date('2026-11-20T09:30:00.000Z');
const base = { channel: 'web' as const, customer: { id: 'cust-1', email: 'a@example.com', locale: 'en' as const } };

describe('createComplaint', () => {
  it('classifies, grades, routes and sets SLA due times from the severity', () => {
    const r = createComplaint({ ...base, description: 'My parcel is late, tracking stuck' }, defaultConfig, now, 'ID1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.complaint;
    expect(ComplaintSchema.parse(c)).toEqual(c);
    expect(c).toMatchObject({
      id: 'ID1',
      status: 'received',
      category: 'logistics-delay',
      categorySource: 'keywords',
      department: 'logistics',
      severity: 'medium',
      receivedAt: '2026-11-20T09:30:00.000Z',
      firstResponseDueAt: '2026-11-21T09:30:00.000Z',
      resolutionDueAt: '2026-11-25T09:30:00.000Z',
      version: 1,
    });
    expect(c.expiresAt).toBe(Math.floor(now.getTime() / 1000) + 730 * 86400);
    expect(c.timeline).toEqual([{ at: c.receivedAt, actor: 'channel:web', event: 'receive', status: 'received' }]);
  });

  it('critical complaints get the short first-response target', () => {
    // Logistics works around the clock, so the 2h target is plain wall-clock time.
    const r = createComplaint({ ...base, description: '快递包裹起火了' }, defaultConfig, now, 'ID2');
    expect(r.ok && r.complaint.firstResponseDueAt).toBe('2026-11-20T11:30:00.000Z');
  });

  it('counts business hours for a department with a calendar', () => {
    // Fallback 'other' belongs to customer-service (Mon-Fri 09:00-18:00 Shanghai): received Friday
    // 17:30 there, a 2h critical target leaves 30 minutes on Friday and 90 on Monday morning.
    const r = createComplaint({ ...base, description: '充电宝起火' }, defaultConfig, now, 'ID2b');
    expect(r.ok && [r.complaint.department, r.complaint.firstResponseDueAt]).toEqual(['customer-service', '2026-11-23T02:30:00.000Z']);
  });

  it('falls back to the configured category', () => {
    const r = createComplaint({ ...base, description: '请问几点营业' }, defaultConfig, now, 'ID3');
    expect(r.ok && [r.complaint.category, r.complaint.categorySource]).toEqual(['other', 'fallback']);
  });

  it('keeps a given category and severity, and refuses an unknown category', () => {
    const r = createComplaint({ ...base, description: 'x', category: 'refund', severity: 'low' }, defaultConfig, now, 'ID4');
    expect(r.ok && [r.complaint.category, r.complaint.department, r.complaint.severity, r.complaint.severitySource]).toEqual([
      'refund',
      'finance',
      'low',
      'given',
    ]);
    expect(createComplaint({ ...base, description: 'x', category: 'nope' }, defaultConfig, now, 'ID5')).toEqual({
      ok: false,
      error: { kind: 'unknown_category', category: 'nope' },
    });
  });
});

describe('ComplaintInputSchema', () => {
  it('rejects unknown fields and bad values with paths', () => {
    const r = ComplaintInputSchema.safeParse({ ...base, description: 'x', customer: { id: 'c', phone: '12345' }, colour: 'red' });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('customer.phone');
    expect(r.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it('enforces the description length', () => {
    expect(ComplaintInputSchema.safeParse({ ...base, description: '' }).success).toBe(false);
    expect(ComplaintInputSchema.safeParse({ ...base, description: 'x'.repeat(5000) }).success).toBe(true);
    expect(ComplaintInputSchema.safeParse({ ...base, description: 'x'.repeat(5001) }).success).toBe(false);
  });
});

describe('repeat complaints', () => {
  const earlier = [
    { id: 'OLD-REFUND', category: 'refund', receivedAt: '2026-11-01T00:00:00.000Z' },
    { id: 'OLD-LATE', category: 'logistics-delay', receivedAt: '2026-10-25T09:30:00.000Z' },
  ];

  it('links a complaint in the same category within the window and raises its severity one step', () => {
    const r = createComplaint({ ...base, description: 'parcel late again' }, defaultConfig, now, 'NEW', earlier);
    expect(r.ok && [r.complaint.repeatOf, r.complaint.severity]).toEqual(['OLD-LATE', 'high']);
    // high severity: the shorter first-response target applies.
    expect(r.ok && r.complaint.firstResponseDueAt).toBe('2026-11-20T17:30:00.000Z');
  });

  it('does not link across categories or beyond the window', () => {
    const outside = [{ id: 'ANCIENT', category: 'logistics-delay', receivedAt: '2026-10-20T09:29:59.000Z' }];
    const r = createComplaint({ ...base, description: 'parcel late' }, defaultConfig, now, 'NEW', [earlier[0]!, ...outside]);
    expect(r.ok && [r.complaint.repeatOf, r.complaint.severity]).toEqual([undefined, 'medium']);
  });

  it('lowers a severity its sender gives above protection.maxGivenSeverity (high by default), unless the rules grade the text higher', () => {
    const given = (description: string, severity: 'high' | 'critical', maxGivenSeverity?: 'medium' | 'critical') => {
      const config = maxGivenSeverity ? { ...defaultConfig, protection: { ...defaultConfig.protection, maxGivenSeverity } } : defaultConfig;
      const r = createComplaint({ ...base, description, severity }, config, now, 'NEW');
      return r.ok && [r.complaint.severity, r.complaint.severitySource];
    };
    // Anyone can post `critical` to the public intake: it is lowered to the cap.
    expect(given('parcel late', 'critical')).toEqual(['high', 'given']);
    expect(given('parcel late', 'high')).toEqual(['high', 'given']);
    // Fraud is critical by the shipped rules, given or not.
    expect(given('信用卡被盗刷，诈骗', 'critical')).toEqual(['critical', 'rules']);
    // Where only the company's own systems post severities, the cap can be critical; or lower.
    expect(given('parcel late', 'critical', 'critical')).toEqual(['critical', 'given']);
    expect(given('parcel late', 'high', 'medium')).toEqual(['medium', 'given']);
  });

  it('never raises past critical', () => {
    const r = createComplaint({ ...base, description: 'parcel late', severity: 'critical' }, defaultConfig, now, 'NEW', earlier);
    expect(r.ok && r.complaint.severity).toBe('critical');
  });
});

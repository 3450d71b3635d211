import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';
import { client } from '../support/http.ts';

const TOKEN = 'lifecycle-token';
let app: LocalProcess;
const api = client(() => app.url, TOKEN);

/**
 * The simulated clock starts at the next Friday 19:30 Shanghai (11:30 UTC): the business-hours test
 * needs a Friday evening, and the escalation walk after it starts the next morning, so the file walks
 * about 30 simulated hours of five-minute schedules instead of days of them.
 */
function nextFridayEveningShanghai(now: Date): Date {
  const start = new Date(now);
  start.setUTCHours(11, 30, 0, 0);
  do start.setUTCDate(start.getUTCDate() + 1);
  while (start.getUTCDay() !== 5);
  return start;
}
const START = nextFridayEveningShanghai(new Date());

beforeAll(async () => {
  app = await startLocalProcess({ AGENT_TOKEN: TOKEN, LOCAL_CLOCK_START: START.toISOString() });
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

const event = (id: string, body: Record<string, unknown>) => api.call('POST', `/complaints/${id}/events`, { actor: 'agent:li.ming', ...body });

describe('complaint lifecycle, locally', () => {
  it('walks a complaint through acknowledge, start, resolve with one progress message per step in the customer language', async () => {
    const created = await api.call('POST', '/complaints', {
      channel: 'web',
      customer: { id: 'walk-1', name: 'Alice Wong', email: 'alice@example.com', phone: '+85291234567', locale: 'en' },
      title: 'Parcel <script>alert(1)</script> never arrived',
      description: 'My package has not arrived after ten days and tracking is stuck.',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const ref = created.body.ref as string;
    expect(ref).toMatch(/^YX-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect((await api.call('GET', `/complaints?ref=${ref.toLowerCase()}`)).body.items.map((c: { id: string }) => c.id)).toEqual([id]);

    expect((await event(id, { type: 'resolve' })).body).toMatchObject({ error: 'invalid_transition', status: 'received', allowedEvents: ['acknowledge', 'update', 'recategorize'] });
    expect((await event(id, { type: 'acknowledge', expectedVersion: 1 })).body).toMatchObject({ status: 'acknowledged', version: 2 });
    const stale = await event(id, { type: 'start', expectedVersion: 1 });
    expect(stale).toMatchObject({ status: 409, body: { error: 'stale_version', currentVersion: 2 } });
    expect((await event(id, { type: 'update', note: 'called the courier', internal: true })).status).toBe(200);
    expect((await event(id, { type: 'start' })).body.status).toBe('in_progress');
    const resolved = await event(id, { type: 'resolve', firstContactResolution: false, note: 'courier redelivered' });
    expect(resolved.body).toMatchObject({ status: 'resolved', version: 5, firstContactResolution: false });
    expect(resolved.body.timeline.map((t: { event: string }) => t.event)).toEqual(['receive', 'acknowledge', 'update', 'start', 'resolve']);
    await api.settle();

    const mine = (await api.outbox()).filter((m) => m.complaintId === id);
    expect(mine.map((m) => [m.kind, m.channel, m.to])).toEqual([
      ['progress', 'email', 'alice@example.com'],
      ['progress', 'email', 'alice@example.com'],
      ['progress', 'email', 'alice@example.com'],
      ['progress', 'email', 'alice@example.com'],
    ]);
    expect(mine.map((m) => m.subject)).toEqual([
      `We received your complaint (ref. ${ref})`,
      `Someone is now handling your complaint (ref. ${ref})`,
      `We are working on your complaint (ref. ${ref})`,
      `Your complaint has been resolved (ref. ${ref})`,
    ]);
    // The internal note never reaches the customer, the public note on resolve does; the title is escaped in the HTML.
    expect(mine.some((m) => m.body.includes('called the courier'))).toBe(false);
    expect(mine[3]!.body).toContain('courier redelivered');
    expect(mine[1]!.html).toContain('&lt;script&gt;');
    expect(mine[1]!.html).not.toContain('<script>');

    const listed = await api.call('GET', '/complaints?status=resolved&department=logistics');
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await api.call('GET', '/complaints?status=resolved', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
    const events = (await api.call('GET', '/local/events')).body.filter((e: any) => e.detail.complaintId === id);
    const clockNow = Date.parse((await api.call('GET', '/local/clock')).body.now);
    const range = `from=${new Date(clockNow - 86_400_000).toISOString()}&to=${new Date(clockNow + 86_400_000).toISOString()}`;
    expect((await api.call('GET', `/reports/kpis?${range}`, undefined, { authorization: 'Bearer nope' })).status).toBe(401);
    const kpis = await api.call('GET', `/reports/kpis?${range}`);
    expect(kpis.status).toBe(200);
    expect(kpis.body.byDepartment.logistics).toMatchObject({ received: 1, resolved: 1, firstResponseOnTimeRate: 1, firstContactResolutionRate: 0, escalationRate: 0 });
    expect((await api.call('GET', '/reports/kpis?from=2026-01-01&to=2025-01-01')).status).toBe(400);
    expect(events.map((e: any) => e.detailType)).toEqual([
      'complaint.received',
      'complaint.status_changed',
      'complaint.status_changed',
      'complaint.status_changed',
      'complaint.resolved',
    ]);
  });

  it('counts only business hours: a complaint received Friday evening is not overdue on Saturday', async () => {
    // customer-service works Mon-Fri 09:00-18:00 Asia/Shanghai; the file's clock starts on a Friday
    // evening, half an hour before this complaint.
    const fridayEvening = new Date(START.getTime() + 30 * 60_000);
    expect((await api.call('POST', '/local/clock', { now: fridayEvening.toISOString() })).status).toBe(200);
    const created = await api.call('POST', '/complaints', {
      channel: 'store',
      customer: { id: 'fri-1', email: 'fri@example.com' },
      description: '售后维修一直没人上门安装',
      severity: 'high',
    });
    expect(created.body.department).toBe('customer-service');
    // high: 8 business hours → due Monday 17:00 Shanghai (09:00 UTC). Counted round the clock it would
    // be due at 04:00 on Saturday, warned at 02:00; the sweeps until 05:00 must do neither.
    const due = new Date(created.body.firstResponseDueAt);
    expect(due.getTime() - fridayEvening.getTime()).toBe((2 * 24 + 21) * 3600_000);
    await api.advance('PT9H'); // Saturday 05:00 Shanghai
    const overdue = await api.call('GET', '/complaints?overdue=true&department=customer-service');
    expect(overdue.body.items.map((c: any) => c.id)).not.toContain(created.body.id);
    expect((await api.outbox()).filter((m) => m.complaintId === created.body.id && m.kind !== 'progress')).toEqual([]);
  }, 300_000);

  it('warns at 75% of the first-response target and escalates level by level, each once', async () => {
    // Logistics works around the clock: high severity → first response due in 8h, warning at 6h,
    // escalation level 1 at 8h, level 2 four hours later (slaPolicy.escalationIntervalMinutes = 240).
    // Start at the next 08:30 Shanghai (00:30 UTC; Saturday, after the test above), so every step
    // lands before the night's quiet hours (22:00), which would hold the SMS.
    const clockNow = Date.parse((await api.call('GET', '/local/clock')).body.now);
    const morning = new Date(clockNow);
    morning.setUTCHours(0, 30, 0, 0);
    if (morning.getTime() <= clockNow) morning.setUTCDate(morning.getUTCDate() + 1);
    expect((await api.call('POST', '/local/clock', { now: morning.toISOString() })).status).toBe(200);
    const created = await api.call('POST', '/complaints', {
      channel: 'phone',
      customer: { id: 'alone-1', phone: '+8613700000001' },
      description: '快递延迟很久了，一直没有人联系我',
      severity: 'high',
    });
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ department: 'logistics', severity: 'high' });
    const mine = async (kind: string) => (await api.outbox()).filter((m) => m.complaintId === id && m.kind === kind);

    await api.advance('PT5H');
    expect(await mine('sla_warning')).toEqual([]);
    await api.advance('PT2H'); // 7h: past the warning
    expect((await mine('sla_warning')).map((m) => m.to)).toEqual(['wang.lei@youxuan-mall.example.com']);
    expect((await api.call('GET', '/complaints?overdue=true&department=logistics')).body.items.map((c: any) => c.id)).not.toContain(id);

    await api.advance('PT2H'); // 9h: past the target
    expect((await mine('escalation')).map((m) => [m.channel, m.to])).toEqual([
      ['email', 'zhao.min@youxuan-mall.example.com'],
      ['sms', '+8613800138011'],
    ]);
    expect((await api.call('GET', `/complaints/${id}`)).body).toMatchObject({ escalationLevel: 1 });
    expect((await api.call('GET', '/complaints?overdue=true&department=logistics')).body.items.map((c: any) => c.id)).toContain(id);

    await api.advance('PT4H'); // 13h: the next interval
    await api.advance('PT1H'); // nothing new in between
    const escalations = await mine('escalation');
    expect(escalations.map((m) => [m.channel, m.to])).toEqual([
      ['email', 'zhao.min@youxuan-mall.example.com'],
      ['sms', '+8613800138011'],
      ['email', 'wang.lei@youxuan-mall.example.com'],
      ['sms', '+8613800138001'],
    ]);
    expect(escalations[2]!.subject).toContain('L2');
    expect((await mine('sla_warning'))).toHaveLength(1);
    const stored = (await api.call('GET', `/complaints/${id}`)).body;
    expect(stored.escalationLevel).toBe(2);
    expect(stored.timeline.map((t: { event: string }) => t.event)).toEqual(['receive', 'sla_warning', 'escalate', 'escalate']);

    // Acknowledging stops the first-response escalation: the next interval (16h) passes with nothing.
    await event(id, { type: 'acknowledge' });
    await api.advance('PT4H');
    expect(await mine('escalation')).toHaveLength(4);
    // A hang limit, not a speed claim: about a day of five-minute schedules at 16 buckets.
  }, 300_000);
});

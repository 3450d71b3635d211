import { describe, expect, it } from 'vitest';
import { MemoryAlertStore } from '../../functions/adapters/memory-alert-store.ts';
import { MemoryComplaintSummaries } from '../../functions/adapters/memory-complaint-repository.ts';
import { MemoryEventPublisher, MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { MemoryVolumeStore } from '../../functions/adapters/memory-volume-store.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import type { EmailMessage, OutboundMessage } from '../../functions/domain/messages.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { acknowledgeIncident } from '../../functions/domain/incident.ts';
import { evaluateAlerts } from '../../functions/use-cases/evaluate-alerts.ts';
import { monitorVolume } from '../../functions/use-cases/monitor-volume.ts';
import { defaultConfig } from '../fixtures/config.ts';

const MINUTE = 60_000;
const CATEGORY = 'logistics-delay';

/** logistics-delay at 5 in 30 minutes (zh-CN department, three escalation levels), no quiet hours store: SMS go at once. */
function setup() {
  const base = defaultConfig.categories.find((c) => c.id === CATEGORY)!;
  const config: PipelineConfig = { ...defaultConfig, categories: [{ ...base, detector: 'static', threshold: { count: 5, windowMinutes: 30 } }] };
  const clock = new SimulatedClock(new Date('2026-11-18T02:00:00Z'));
  const notifier = new MemoryNotifier();
  const alerts = new MemoryAlertStore();
  const volume = new MemoryVolumeStore();
  const deps = {
    config,
    clock,
    volume,
    alerts,
    complaints: new MemoryComplaintSummaries(),
    notifier,
    ledger: new MemoryMessageLedger(),
    events: new MemoryEventPublisher(),
    publicBaseUrl: () => 'https://ops.example.com',
  };
  let seq = 0;
  /** `n` complaints in one batch at the clock's minute. */
  const complain = async (n: number, title = '快递延迟') => {
    const receivedAt = clock.now().toISOString();
    const batch = Array.from({ length: n }, () => {
      seq += 1;
      deps.complaints.add(CATEGORY, { id: `C${seq}`, title: `${title} ${seq}`, description: 'x', receivedAt, classification: { method: 'keywords' } });
      return { eventId: `e${seq}`, category: CATEGORY, receivedAt };
    });
    return monitorVolume(batch, deps);
  };
  const advance = (minutes: number) => clock.set(new Date(clock.now().getTime() + minutes * MINUTE));
  const emails = (kind: OutboundMessage['kind']) => notifier.messages.filter((m): m is EmailMessage => m.channel === 'email' && m.kind === kind);
  const stored = async () => (await alerts.listRecent(CATEGORY, 1))[0]!;
  return { deps, clock, notifier, alerts, volume, complain, advance, emails, stored, start: clock.now().getTime() };
}

describe('evaluateAlerts: the figures messages report are the ones stored', () => {
  it('the monitor stores a peak reached in the minute the incident opened', async () => {
    const t = setup();
    await t.complain(5);
    await t.complain(5);
    expect(await t.stored()).toMatchObject({ countAtOpen: 5, count: 10, peak: 10 });
  });

  it('a "getting worse" figure the monitor had not stored is stored before it is sent, and the all-clear reports it as the peak', async () => {
    const t = setup();
    await t.complain(5);
    // Five more counted in the same minute without the incident being written (as the monitor did
    // when it wrote incidents at most once a minute).
    await t.volume.commit(['x1', 'x2', 'x3', 'x4', 'x5'], [{ category: CATEGORY, bucket: new Date(t.start).toISOString(), count: 5 }]);
    expect((await t.stored()).peak).toBe(5);

    t.advance(5);
    expect((await evaluateAlerts(t.deps)).surged).toHaveLength(1);
    const [surge] = t.emails('alert').filter((m) => m.subject.includes('情况恶化'));
    expect(surge?.subject).toBe('【投诉预警·情况恶化】物流延迟：30 分钟内 10 起，为开始时的 2.0 倍');
    expect(await t.stored()).toMatchObject({ peak: 10, count: 10 });

    t.advance(90);
    expect((await evaluateAlerts(t.deps)).resolved).toHaveLength(1);
    const [clear] = t.emails('alert_resolved');
    expect(clear?.text).toContain('峰值 10 起');
  });
});

describe('evaluateAlerts: reminders and escalations say what the alert is about', () => {
  it('an escalation after volume fell to zero: opening, count at opening, peak, count now, when it closes, and the newest complaints', async () => {
    const t = setup();
    await t.complain(5);
    await t.complain(2);
    // By +30 min every complaint has left the 30-minute window: calm from that minute on.
    t.advance(30);
    expect((await evaluateAlerts(t.deps)).escalated).toEqual([{ incidentId: (await t.stored()).id, level: 1 }]);
    const [email] = t.emails('alert_escalation');
    expect(email?.text).toContain('“物流延迟”预警自 2026-11-18 10:00（北京时间）起已 30 分钟无人确认');
    expect(email?.text).toContain('开始时最近 30 分钟内 5 起，峰值 7 起；现在最近 30 分钟内 0 起。');
    // 60 calm minutes from 02:30Z: the minute 03:29Z completes them.
    expect(email?.text).toContain('投诉量已回落到预警线以下：如不再上升，预警约于 2026-11-18 11:29（北京时间）自动解除。');
    expect(email?.text).toContain('- 快递延迟 7（按关键词归类）');
    const sms = t.notifier.messages.find((m) => m.channel === 'sms' && m.kind === 'alert_escalation');
    expect(sms && 'text' in sms ? sms.text : '').toContain('现 0 起，已回落（峰值 7 起）。');

    // It does close then, as the message said, and not a run earlier.
    t.clock.set(new Date('2026-11-18T03:28:00Z'));
    expect((await evaluateAlerts(t.deps)).resolved).toEqual([]);
    t.clock.set(new Date('2026-11-18T03:29:00Z'));
    expect((await evaluateAlerts(t.deps)).resolved).toHaveLength(1);
  });

  it('a reminder while the count is still high says so without a closing time', async () => {
    const t = setup();
    await t.complain(5);
    t.advance(25);
    await t.complain(5);
    t.advance(5);
    await evaluateAlerts(t.deps);
    const [email] = t.emails('alert_escalation');
    expect(email?.text).toContain('现在最近 30 分钟内 5 起。');
    expect(email?.text).not.toContain('回落');
  });
});

describe('evaluateAlerts: the all-clear', () => {
  it.each([
    ['nobody acknowledged', undefined, '始终无人确认此预警。'],
    ['the head acknowledged', 'head:王磊', '由 王磊 于 2026-11-18 10:10（北京时间）确认处理。'],
  ])('%s: opened, closed, how long, count at opening, peak, owner and the console link', async (_case, by, ownerLine) => {
    const t = setup();
    await t.complain(5);
    await t.complain(2);
    if (by) {
      const open = await t.stored();
      expect(await t.alerts.updateLifecycle(open, acknowledgeIncident(open, by, new Date(t.start + 10 * MINUTE)))).toBe(true);
    }
    t.clock.set(new Date('2026-11-18T03:29:00Z'));
    expect((await evaluateAlerts(t.deps)).resolved).toHaveLength(1);
    const [email] = t.emails('alert_resolved');
    expect(email?.text).toContain('“物流延迟”预警已解除：投诉量已连续 1 小时低于预警线。');
    expect(email?.text).toContain('开始于 2026-11-18 10:00（北京时间），解除于 2026-11-18 11:29（北京时间），历时 1 小时 29 分钟；开始时 5 起，峰值 7 起（最近 30 分钟内）。');
    expect(email?.text).toContain(ownerLine);
    expect(email?.html).toContain('href="https://ops.example.com/console/alerts"');
    const sms = t.notifier.messages.find((m) => m.kind === 'alert_resolved' && m.channel !== 'email');
    expect(sms && 'text' in sms ? sms.text : '').toContain('https://ops.example.com/console/alerts');
  });
});

import { describe, expect, it } from 'vitest';
import { newIncident, renderAlertRaised, type AlertIncident } from '../../functions/domain/alert.ts';
import { chineseKeywords, dailyTrend, sparkline, topTerms } from '../../functions/domain/alert-explanation.ts';
import {
  acknowledgeIncident,
  alertEscalatedEvent,
  alertResolvedEvent,
  clearLevel,
  decideIncident,
  detect,
  minutesToCheck,
  renderAllClear,
  renderEscalation,
  renderReminder,
  renderSurge,
  slidingCounts,
  surgeStepOf,
  decideSurge,
  type MinuteCount,
} from '../../functions/domain/incident.ts';
import type { EmailMessage, OutboundMessage, SmsMessage } from '../../functions/domain/messages.ts';
import { hasCjk } from '../../functions/domain/text.ts';
import { defaultConfig } from '../fixtures/config.ts';

const settings = defaultConfig.alerting;
const opened = new Date('2026-11-20T02:00:00.000Z');
const at = (minutes: number) => new Date(opened.getTime() + minutes * 60_000);
const category = defaultConfig.categories.find((c) => c.id === 'account-security')!;
const department = defaultConfig.departments.find((d) => d.id === category.department)!;
const financeDept = defaultConfig.departments.find((d) => d.id === 'finance')!;
const ctx = { category, department, timeZone: 'Asia/Shanghai' };

function incident(overrides: Partial<AlertIncident> = {}): AlertIncident {
  return { ...newIncident(category, 8, [{ title: '账号被盗' }], opened), ...overrides };
}

/** Window counts for the minutes `from`..`to` (offsets from opening), all at `count`. */
function minutes(from: number, to: number, count: number): MinuteCount[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ minute: at(from + i).toISOString(), count }));
}

describe('detectors', () => {
  const baseline = { expected: 4, bound: 12, distribution: 'poisson' as const, dispersion: 1, weeks: 4 };
  it.each([
    ['static', 20, undefined, 'static', 20],
    ['static', 19, baseline, undefined, 20],
    ['adaptive', 12, baseline, 'adaptive', 12],
    ['adaptive', 20, undefined, 'static', 20],
    ['adaptive', 11, undefined, undefined, 20],
    ['both', 12, baseline, 'adaptive', 12],
    ['both', 25, baseline, 'both', 12],
    ['both', 20, undefined, 'static', 20],
  ] as const)('%s with count %i (baseline %o) → fired by %s, alert level %i', (setting, count, b, by, level) => {
    const d = detect(setting, count, 20, b);
    expect(d.detector).toBe(by);
    expect(d.fired).toBe(by !== undefined);
    expect(d.level).toBe(level);
  });

  it('clears below 80% of the alert level by default', () => {
    expect(clearLevel(20, settings)).toBe(16);
  });
});

describe('sliding counts', () => {
  it('sums the window ending at each minute', () => {
    const buckets = [
      { bucket: at(0).toISOString(), count: 3 },
      { bucket: at(1).toISOString(), count: 1 },
      { bucket: at(3).toISOString(), count: 2 },
    ];
    expect(slidingCounts(buckets, at(1).toISOString(), at(4).toISOString(), 2).map((m) => m.count)).toEqual([4, 1, 2, 2]);
  });

  it('looks only at minutes not checked yet, and never further back than the clear duration', () => {
    expect(minutesToCheck(incident(), at(5), settings)).toEqual({ from: at(0).toISOString(), to: at(5).toISOString() });
    expect(minutesToCheck(incident({ checkedThrough: at(5).toISOString() }), at(10), settings)).toEqual({
      from: at(6).toISOString(),
      to: at(10).toISOString(),
    });
    expect(minutesToCheck(incident(), at(500), settings)?.from).toBe(at(440).toISOString());
    expect(minutesToCheck(incident({ checkedThrough: at(10).toISOString() }), at(10), settings)).toBeUndefined();
  });
});

describe('incident lifecycle', () => {
  const chain = department.escalationChain.length;

  it('does nothing before the first escalation delay while the breach goes on', () => {
    const d = decideIncident(incident(), at(29), minutes(0, 29, 9), 4, chain, settings);
    expect(d.actions).toEqual([]);
    expect(d.incident.state).toBe('open');
    expect(d.incident.checkedThrough).toBe(at(29).toISOString());
  });

  it('escalates one level per delay, each level once', () => {
    let inc = incident();
    const seen: unknown[] = [];
    for (let m = 5; m <= 150; m += 5) {
      const d = decideIncident(inc, at(m), minutes(m - 4, m, 9), 4, chain, settings);
      seen.push(...d.actions.map((a) => ({ ...a, at: m })));
      inc = d.incident;
    }
    expect(seen).toEqual(
      Array.from({ length: chain }, (_, i) => ({ kind: 'escalate', level: i + 1, at: 30 * (i + 1) })),
    );
    expect(inc.escalationLevel).toBe(chain);
  });

  it('spaces levels by the delay even when evaluation was down for a while', () => {
    const first = decideIncident(incident(), at(100), minutes(40, 100, 9), 4, chain, settings);
    expect(first.actions).toEqual([{ kind: 'escalate', level: 1 }]);
    expect(decideIncident(first.incident, at(105), minutes(101, 105, 9), 4, chain, settings).actions).toEqual([]);
    expect(decideIncident(first.incident, at(130), minutes(101, 130, 9), 4, chain, settings).actions).toEqual([{ kind: 'escalate', level: 2 }]);
  });

  it('reminds every repeat interval while unacknowledged, once per interval', () => {
    const base = incident({ escalationLevel: chain });
    const d = decideIncident(base, at(240), minutes(180, 240, 9), 4, chain, settings);
    expect(d.actions).toEqual([{ kind: 'reminder', n: 1 }]);
    expect(decideIncident(d.incident, at(245), minutes(241, 245, 9), 4, chain, settings).actions).toEqual([]);
    // After an outage only the latest due reminder goes out.
    expect(decideIncident(d.incident, at(1000), minutes(940, 1000, 9), 4, chain, settings).actions).toEqual([{ kind: 'reminder', n: 4 }]);
  });

  it('sends no reminder or escalation once acknowledged', () => {
    const acked = acknowledgeIncident(incident(), 'liu.yang', at(10));
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'liu.yang', acknowledgedAt: at(10).toISOString() });
    expect(decideIncident(acked, at(500), minutes(440, 500, 9), 4, chain, settings).actions).toEqual([]);
    expect(acknowledgeIncident(acked, 'someone-else', at(20))).toBe(acked);
  });

  it('resolves after the count stays below the clear level for the clear duration, acknowledged or not', () => {
    const calm = [...minutes(0, 19, 9), ...minutes(20, 79, 3)];
    const before = decideIncident(incident(), at(78), calm.slice(0, 79), 4, chain, settings);
    expect(before.actions.some((a) => a.kind === 'resolve')).toBe(false);
    expect(before.incident.belowSince).toBe(at(20).toISOString());
    const after = decideIncident(before.incident, at(79), calm.slice(79), 4, chain, settings);
    expect(after.actions).toEqual([{ kind: 'resolve' }]);
    expect(after.incident).toMatchObject({ state: 'resolved', resolvedAt: at(79).toISOString() });

    const acked = acknowledgeIncident(incident(), 'x', at(1));
    expect(decideIncident(acked, at(79), calm, 4, chain, settings).incident.state).toBe('resolved');
  });

  it('restarts the calm period when the count climbs back to the clear level (hysteresis)', () => {
    const counts = [...minutes(0, 29, 3), ...minutes(30, 30, 4), ...minutes(31, 89, 3)];
    const d = decideIncident(incident({ escalationLevel: chain }), at(89), counts, 4, chain, settings);
    expect(d.actions).toEqual([]);
    expect(d.incident.belowSince).toBe(at(31).toISOString());
    expect(decideIncident(d.incident, at(90), minutes(90, 90, 3), 4, chain, settings).actions).toEqual([{ kind: 'resolve' }]);
  });

  it('leaves a resolved incident alone', () => {
    const resolved = incident({ state: 'resolved', resolvedAt: at(70).toISOString() });
    expect(decideIncident(resolved, at(500), minutes(0, 10, 50), 4, chain, settings)).toEqual({ incident: resolved, actions: [], changed: false });
  });
});

describe('lifecycle messages', () => {
  it('escalates to the next level by email and SMS, in the department language, with deterministic ids', () => {
    const msgs = renderEscalation(incident(), 1, at(30), ctx);
    const level1 = department.escalationChain[0]!;
    expect(msgs.map((m) => [m.kind, m.channel, 'to' in m ? m.to : undefined, m.id])).toEqual([
      ['alert_escalation', 'email', level1.email, `${incident().id}:escalation:1:email`],
      ['alert_escalation', 'sms', level1.phone, `${incident().id}:escalation:1:sms`],
    ]);
    expect((msgs[0] as EmailMessage).text).toContain('30 分钟无人确认');
    expect(renderEscalation(incident(), department.escalationChain.length + 1, at(30), ctx)).toEqual([]);
  });

  it('sends one all-clear to everyone who was told, each address once', () => {
    const msgs = renderAllClear(incident({ escalationLevel: 2, peak: 14 }), settings, ctx);
    expect(msgs.every((m) => m.kind === 'alert_resolved')).toBe(true);
    const emails = msgs.filter((m) => m.channel === 'email').map((m) => (m as EmailMessage).to);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails).toContain(department.head.email);
    expect(emails).toContain(department.escalationChain[0]!.email);
    expect(msgs.filter((m) => m.channel === 'topic')).toHaveLength(1);
    expect((msgs[0] as EmailMessage).text).toContain('峰值 14 起');
  });

  it('speaks English to an English department and escapes titles in HTML', () => {
    const refund = defaultConfig.categories.find((c) => c.id === 'refund')!;
    const inc = newIncident(refund, 12, [{ title: '<b>x</b>' }], opened, { detector: 'both', expected: 3.5, bound: 10, topTerms: [{ term: '<i>refund</i>', count: 3 }] });
    const [email] = renderReminder(inc, 1, { category: refund, department: financeDept, timeZone: 'UTC' }) as [EmailMessage];
    expect(email.subject).toBe('[Complaint alert - reminder 1] Refund: still unacknowledged');
    expect(email.html).not.toContain('<i>refund');
    expect(email.text).toContain('Expected for this time of week: 3.5, alert bound 10 (count is 3.4× expected)');
    expect(email.text).toContain('Detector: static threshold and adaptive baseline');
  });

  it("writes to each person in their own language: the Finance alert's director in Chinese, its English head and topic in English", () => {
    const refund = defaultConfig.categories.find((c) => c.id === 'refund')!;
    const fin = { category: refund, department: financeDept, timeZone: 'UTC' };
    const inc = { ...newIncident(refund, 12, [{ title: 'refund late' }], opened), escalationLevel: 3 };
    const director = financeDept.escalationChain[2]!;
    const lang = (m: OutboundMessage | undefined) => (m?.channel === 'email' ? /<html lang="([^"]+)"/.exec(m.html)?.[1] : m ? (hasCjk(m.text) ? 'zh-CN' : 'en') : undefined);
    const escalation = renderEscalation(inc, 3, at(90), fin);
    expect(escalation.map(lang)).toEqual(['zh-CN', 'zh-CN']);
    const clear = renderAllClear(inc, settings, fin);
    const to = (address: string) => clear.filter((m) => 'to' in m && m.to === address);
    expect(to(director.email).map(lang)).toEqual(['zh-CN']);
    expect(to(director.phone).map(lang)).toEqual(['zh-CN']);
    expect(to(financeDept.head.email).map(lang)).toEqual(['en']);
    expect(clear.filter((m) => m.channel === 'topic').map(lang)).toEqual(['en']);
    const surge = renderSurge({ ...inc, state: 'acknowledged', acknowledgedBy: `L3:${director.role} ${director.name}` }, 1, fin, undefined, director);
    expect(surge.filter((m) => 'to' in m && (m.to === director.email || m.to === director.phone)).map(lang)).toEqual(['zh-CN', 'zh-CN']);
  });

  it('publishes alert.escalated and alert.resolved with deterministic ids', () => {
    expect(alertEscalatedEvent(incident(), 2, 'Department head', at(60))).toMatchObject({
      type: 'alert.escalated',
      id: `${incident().id}:escalated:2`,
      detail: { level: 2, role: 'Department head' },
    });
    expect(alertResolvedEvent(incident({ state: 'resolved', resolvedAt: at(90).toISOString(), peak: 11 }))).toMatchObject({
      type: 'alert.resolved',
      id: `${incident().id}:resolved`,
      detail: { peak: 11, resolvedAt: at(90).toISOString(), acknowledged: false },
    });
  });
});

describe('alert explanation', () => {
  it('explains count, threshold, ratio, detector, frequent words and the weekly trend', () => {
    const inc = newIncident(category, 12, [{ title: '账号被盗了' }, { title: '账号被盗' }], opened, {
      detector: 'static',
      topTerms: [{ term: '账号', count: 2 }],
      trend: [1, 0, 2, 1, 0, 3, 12].map((count, i) => ({ day: `2026-11-${14 + i}`, count })),
    });
    const [email] = renderAlertRaised(inc, category, department, 'Asia/Shanghai') as [EmailMessage];
    expect(email.text).toContain('固定阈值：5 起（当前为阈值的 2.4 倍）');
    expect(email.text).toContain('触发检测器：固定阈值');
    expect(email.text).toContain('高频词：账号 (2)');
    expect(email.text).toContain('11-20: 12');
  });

  it('says the adaptive bound, not the static threshold, when only the baseline fired', () => {
    const inc = newIncident(category, 4, [], opened, { detector: 'adaptive', expected: 0.5, bound: 4 });
    const [email] = renderAlertRaised(inc, category, department, 'UTC') as [EmailMessage];
    expect(email.text).toContain('有 4 起，达到历史同期的预警上限 4 起。');
    expect(email.text).not.toContain('固定阈值');
  });

  it('finds the most frequent words in Chinese and English titles', () => {
    expect(topTerms(['退款一直没有到账', '退款没到账', 'Refund not received', 'refund delayed again', '物流太慢'])).toEqual(
      expect.arrayContaining([
        { term: '退款', count: 2 },
        { term: 'refund', count: 2 },
      ]),
    );
    expect(topTerms(['one title only'])).toEqual([]);
  });

  it('leaves out Chinese words that say nothing about the complaint, and keeps the config\'s trade words the segmenter splits', () => {
    const titles = ['账号被盗刷了怎么办', '我的账户被盗刷，请尽快处理', '快递一直没有收到', '快递到底什么时候到', '为什么一直没有更新物流，怎么回事'];
    const plain = topTerms(titles, 10).map((t) => t.term);
    expect(plain).toEqual(['快递']);
    const vocabulary = chineseKeywords(defaultConfig);
    expect(vocabulary).toContain('盗刷');
    expect(topTerms(titles, 10, vocabulary)).toEqual([
      { term: '快递', count: 2 },
      { term: '盗刷', count: 2 },
      { term: '被盗', count: 2 },
    ]);
  });

  it('leaves out English words that say nothing about the complaint', () => {
    expect(topTerms(['It looks like fraud', 'looks like fraud again', "Can't log in, still looks like fraud", 'Please help, fraud'])).toEqual([{ term: 'fraud', count: 4 }]);
  });

  it('sums hourly counts into local days and draws a sparkline', () => {
    const now = new Date('2026-11-20T10:00:00.000Z');
    const trend = dailyTrend(
      [
        { hour: '2026-11-19T15:00:00.000Z', count: 2 }, // 23:00 in Shanghai, 19 Nov
        { hour: '2026-11-19T16:00:00.000Z', count: 5 }, // 00:00 in Shanghai, 20 Nov
      ],
      now,
      'Asia/Shanghai',
    );
    expect(trend).toHaveLength(7);
    expect(trend.slice(-2)).toEqual([
      { day: '2026-11-19', count: 2 },
      { day: '2026-11-20', count: 5 },
    ]);
    expect(sparkline([0, 4, 8])).toBe('▁▅█');
  });
});

describe('getting worse inside an open incident', () => {
  it.each([
    [30, 59, 2, 0],
    [30, 60, 2, 1],
    [30, 111, 2, 1],
    [30, 120, 2, 2],
    [30, 240, 2, 3],
    [5, 15, 3, 1],
    [5, 14, 3, 0],
  ])('opened at %i, now %i, factor %i → step %i', (atOpen, count, factor, step) => {
    expect(surgeStepOf(atOpen, count, factor)).toBe(step);
  });

  it('tells each step once, also when acknowledged, never once resolved', () => {
    const inc = incident({ countAtOpen: 5, count: 5 });
    expect(decideSurge(inc, minutes(1, 5, 9), 2)).toBeUndefined();
    expect(decideSurge(inc, [...minutes(1, 4, 9), ...minutes(5, 5, 16)], 2)).toBe(1);
    expect(decideSurge({ ...inc, surgeStep: 1 }, minutes(1, 5, 16), 2)).toBeUndefined();
    expect(decideSurge({ ...inc, surgeStep: 1, state: 'acknowledged' }, minutes(1, 5, 20), 2)).toBe(2);
    expect(decideSurge({ ...inc, state: 'resolved' }, minutes(1, 5, 50), 2)).toBeUndefined();
  });

  it('reaches the head and the acknowledged owner with the count now, the ratio and the trend', () => {
    const onCall = department.escalationChain[0]!;
    const inc = incident({ countAtOpen: 5, count: 16, state: 'acknowledged', acknowledgedBy: `L1:${onCall.role} ${onCall.name}`, trend: [1, 2, 16].map((count, i) => ({ day: `2026-11-${18 + i}`, count })) });
    const msgs = renderSurge(inc, 1, { ...ctx, base: 'https://x' }, undefined, onCall);
    expect(msgs.map((m) => `${m.channel}:${m.channel === 'topic' ? m.department : m.to}`)).toEqual([`email:${department.head.email}`, 'topic:security', `email:${onCall.email}`, `sms:${onCall.phone}`]);
    const [head, , owner, sms] = msgs as [EmailMessage, unknown, EmailMessage, SmsMessage];
    expect(head.subject).toBe('【投诉预警·情况恶化】账户安全：30 分钟内 16 起，为开始时的 3.2 倍');
    expect(head.text).toContain(`此预警由 ${onCall.name} 负责。`);
    expect(head.text).toContain('11-20: 16');
    expect(head.html).toContain('href="https://x/console/alerts"');
    expect(owner.text).toContain(`${onCall.name}（值班工程师），您好：`);
    expect(sms.text).toContain('https://x/console/alerts');
  });
});

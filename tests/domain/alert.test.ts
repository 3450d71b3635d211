import { describe, expect, it } from 'vitest';
import { alertRaisedEvent, displayTitle, incidentId, isStaticBreach, newIncident, renderAlertRaised, titlesInWindow } from '../../functions/domain/alert.ts';
import type { EmailMessage, TopicMessage } from '../../functions/domain/messages.ts';
import { windowText } from '../../functions/domain/templates/alert.ts';
import { defaultConfig } from '../fixtures/config.ts';

const now = new Date('2026-11-20T06:03:27.000Z');
const category = (id: string) => defaultConfig.categories.find((c) => c.id === id)!;
const department = (id: string) => defaultConfig.departments.find((d) => d.id === id)!;

describe('static detector', () => {
  it.each([
    [4, 5, false],
    [5, 5, true],
    [9, 5, true],
  ])('count %i against threshold %i → breach %s', (count, threshold, breach) => {
    expect(isStaticBreach(count, threshold)).toBe(breach);
  });
});

describe('counting windows in words', () => {
  it.each([
    [1, 'en', false, '1 minute'],
    [30, 'en', false, '30 minutes'],
    [30, 'en', true, '30 min'],
    [90, 'en', false, '90 minutes'],
    [60, 'en', true, '1 hour'],
    [1440, 'en', true, '24 hours'],
    [2880, 'en', false, '2 days'],
    [10080, 'en', false, '7 days'],
    [30, 'zh-CN', false, '30 分钟'],
    [1440, 'zh-CN', true, '24 小时'],
    [10080, 'zh-CN', false, '7 天'],
  ] as const)('%i minutes in %s (short %s): %s', (minutes, locale, short, text) => {
    expect(windowText(minutes, locale, short)).toBe(text);
  });

  it('name a day-long window in hours and the time zone by its name in every alert text', () => {
    const c = { ...category('service-attitude'), threshold: { count: 1, windowMinutes: 1440 } };
    const [zhEmail, zhSms] = renderAlertRaised(newIncident(c, 1, [], now), c, department('customer-service'), 'Asia/Shanghai') as [EmailMessage, TopicMessage];
    expect(zhEmail.subject).toContain('24 小时内 1 起投诉');
    expect(zhSms.text).toContain('24 小时内');
    expect(`${zhEmail.text}${zhSms.text}`).not.toMatch(/1440|Asia\/Shanghai/);
    const [enEmail] = renderAlertRaised(newIncident(c, 1, [], now), c, { ...department('customer-service'), locale: 'en' }, 'America/New_York') as [EmailMessage];
    expect(enEmail.text).toContain('in the last 24 hours');
    expect(enEmail.text).toContain('2026-11-20 01:03 (Eastern Standard Time)');
    expect(enEmail.text).not.toMatch(/1440|America\/New_York/);
  });
});

describe('incident keys', () => {
  it('names the category and the minute of the breach', () => {
    expect(incidentId('refund', now)).toBe('refund-202611200603');
    expect(incidentId('refund', new Date('2026-11-20T06:03:59Z'))).toBe(incidentId('refund', now));
  });
});

describe('alert messages', () => {
  it('tell a Chinese-speaking head which category, how many, in which window, the threshold and the newest titles', () => {
    const c = category('account-security');
    const incident = newIncident(c, 6, [{ title: '账号被盗' }, { title: '异常登录' }], now);
    const [email, topic] = renderAlertRaised(incident, c, department('security'), 'Asia/Shanghai') as [EmailMessage, TopicMessage];
    expect(email).toMatchObject({ channel: 'email', to: 'liu.yang@youxuan-mall.example.com', kind: 'alert', alertId: incident.id });
    expect(email.subject).toBe('【投诉预警】账户安全：30 分钟内 6 起投诉');
    expect(email.text).toContain('“账户安全”类投诉在最近 30 分钟内有 6 起，已超过预警阈值 5 起。');
    expect(email.text).toContain('- 账号被盗');
    expect(email.text).toContain('2026-11-20 14:03（北京时间）');
    expect(email.text).not.toContain('Asia/Shanghai');
    expect(topic).toMatchObject({ channel: 'topic', department: 'security' });
    expect(topic.text).toContain('【投诉预警】账户安全：30 分钟内 6 起，超过阈值 5 起。');
  });

  it('say "reached" when the count equals the threshold, "above" only when it is higher', () => {
    const c = category('account-security');
    const [zhEmail] = renderAlertRaised(newIncident(c, 5, [], now), c, department('security'), 'Asia/Shanghai') as [EmailMessage];
    expect(zhEmail.text).toContain('有 5 起，已达到预警阈值 5 起。');
    const refund = category('refund');
    const [at] = renderAlertRaised(newIncident(refund, refund.threshold.count, [], now), refund, department('finance'), 'UTC') as [EmailMessage];
    expect(at.text).toContain(`reaching the alert threshold of ${refund.threshold.count}`);
    const [above] = renderAlertRaised(newIncident(refund, refund.threshold.count + 1, [], now), refund, department('finance'), 'UTC') as [EmailMessage];
    expect(above.text).toContain(`above the alert threshold of ${refund.threshold.count}`);
    expect(above.text).not.toMatch(/once per incident/);
  });

  it('speak English to an English-speaking department', () => {
    const c = category('refund');
    const [email] = renderAlertRaised(newIncident(c, 10, [], now), c, department('finance'), 'Asia/Shanghai') as [EmailMessage];
    expect(email.subject).toBe('[Complaint alert] Refund: 10 complaints in 1 hour');
    expect(email.text).toContain('Hello Emily Chen,');
    expect(email.text).toContain('(no title)');
  });

  it('escape complaint titles in the HTML email', () => {
    const c = category('refund');
    const [email] = renderAlertRaised(newIncident(c, 10, [{ title: '<script>alert(1)</script>' }], now), c, department('finance'), 'UTC') as [EmailMessage];
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('have deterministic ids, so a redelivery is recognised', () => {
    const c = category('refund');
    const a = renderAlertRaised(newIncident(c, 10, [], now), c, department('finance'), 'UTC');
    const b = renderAlertRaised(newIncident(c, 12, [{ title: 'x' }], now), c, department('finance'), 'UTC');
    expect(a.map((m) => m.id)).toEqual(b.map((m) => m.id));
  });

  it('shows the start of the description when a complaint has no title', () => {
    expect(displayTitle({ description: 'a'.repeat(100) })).toHaveLength(80);
    expect(displayTitle({ title: 'T', description: 'D' })).toBe('T');
  });

  it('publishes alert.raised with the incident facts', () => {
    const c = category('refund');
    expect(alertRaisedEvent(newIncident(c, 10, [], now))).toMatchObject({
      type: 'alert.raised',
      id: 'refund-202611200603:raised',
      detail: { category: 'refund', department: 'finance', count: 10, threshold: 10, windowMinutes: 60, detector: 'static' },
    });
  });
});

describe('newest complaints in messages', () => {
  const c = category('account-security');
  const incident = newIncident(c, 6, [{ title: '验证码收不到', method: 'keywords', receivedAt: now.toISOString() }, { title: 'Login blocked', method: 'model', confidence: 0.934, risk: true }], now);

  it.each([
    ['zh-CN', ['验证码收不到（按关键词归类）', '⚠ 升级风险 · Login blocked（由模型归类，把握 93%）']],
    ['en', ['验证码收不到 (sorted by keywords)', '⚠ Escalation risk · Login blocked (sorted by the model, 93% sure)']],
  ] as const)('are rendered in the reader language (%s) from the stored facts, never as "category: keywords"', (locale, lines) => {
    const [email] = renderAlertRaised(incident, c, { ...department('security'), locale }, 'Asia/Shanghai') as [EmailMessage];
    for (const line of lines) expect(email.text).toContain(`- ${line}`);
    expect(email.text).not.toMatch(/分类：|category:/);
  });

  it('keep a title in <bdi> and the words around it outside', () => {
    const [email] = renderAlertRaised(incident, c, department('security'), 'Asia/Shanghai') as [EmailMessage];
    expect(email.html).toContain('<bdi>验证码收不到</bdi>（按关键词归类）');
  });
});

describe('titlesInWindow', () => {
  const entries = [
    { title: 'now', receivedAt: '2026-11-20T06:03:00Z' },
    { title: 'first minute of the window', receivedAt: '2026-11-20T05:34:00Z' },
    { title: 'just before the window', receivedAt: '2026-11-20T05:33:59Z' },
    { title: 'stored before times were kept' },
  ];
  it.each([
    [30, ['now', 'first minute of the window']],
    [31, ['now', 'first minute of the window', 'just before the window']],
    [1, ['now']],
  ])('a %i-minute window ending at 06:03:27 holds %j', (minutes, titles) => {
    expect(titlesInWindow(entries, now, minutes)).toEqual(titles);
  });
});

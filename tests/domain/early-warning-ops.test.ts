import { describe, expect, it } from 'vitest';
import {
  ackLinkState,
  ackTokenHash,
  ackUrl,
  isWellFormedAckToken,
  newAckLink,
  newAckToken,
  ACK_SMS_TOKEN_BYTES,
} from '../../functions/domain/alert-ack.ts';
import { ackExpiredPage, ackNotFoundPage, ackPage, acknowledgedPage, alreadyHandledPage } from '../../functions/domain/alert-pages.ts';
import { AlertIncidentSchema, newIncident, renderAlertRaised } from '../../functions/domain/alert.ts';
import { AlertingOverrideInputSchema, applyOverride, newOverride } from '../../functions/domain/alerting-override.ts';
import { collapseHeld, planAlertDelivery, smsSendTime } from '../../functions/domain/quiet-hours.ts';
import { endSilenceEarly, isSilenceActive, newSilence, SilenceInputSchema } from '../../functions/domain/silence.ts';
import { defaultConfig } from '../fixtures/config.ts';

const category = defaultConfig.categories.find((c) => c.id === 'refund')!;
const department = defaultConfig.departments.find((d) => d.id === category.department)!;
const now = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
const incident = newIncident(category, 12, [{ title: '<img src=x onerror=alert(1)>' }], now);

describe('acknowledge links', () => {
  it('are random, at least 128 bits, and stored only as a SHA-256', () => {
    const a = newAckToken();
    const b = newAckToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newAckToken(ACK_SMS_TOKEN_BYTES)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ackTokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(ackTokenHash(a)).not.toContain(a);
    expect(ackUrl('https://x.example/', a)).toBe(`https://x.example/a/${a}`);
  });

  it('refuse malformed tokens before any lookup', () => {
    for (const bad of ['', 'short', 'A'.repeat(31), 'A'.repeat(33), `${'A'.repeat(31)}/`, `${'A'.repeat(21)}=`]) expect(isWellFormedAckToken(bad)).toBe(false);
    expect(isWellFormedAckToken('A'.repeat(22))).toBe(true);
  });

  it('a forged token (hash matches nothing) is not_found; a link expires after ackLinkTtlHours, never before', () => {
    expect(defaultConfig.alerting.ackLinkTtlHours).toBe(72);
    const link = newAckLink(incident, 'head:x', 'en', now, { ackLinkTtlHours: 72 });
    expect(ackLinkState(undefined, now)).toBe('not_found');
    expect(ackLinkState(link, now)).toBe('valid');
    expect(ackLinkState(link, new Date(now.getTime() + 72 * 3_600_000 - 1))).toBe('valid');
    expect(ackLinkState(link, new Date(now.getTime() + 72 * 3_600_000))).toBe('expired');
    // A one-character change gives an unrelated hash.
    const token = newAckToken();
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(ackTokenHash(forged)).not.toBe(ackTokenHash(token));
  });

  it('the alert email and SMS carry the links; pages escape titles and never acknowledge on GET', () => {
    const [email, sms] = renderAlertRaised(incident, category, department, 'Asia/Shanghai', { email: 'https://x/a/LONG', sms: 'https://x/a/SHORT' });
    expect(email!.channel === 'email' && email!.text).toContain("I'm on it (acknowledge): https://x/a/LONG");
    expect(email!.channel === 'email' && email!.html).toContain('href="https://x/a/LONG"');
    expect(sms!.channel === 'topic' && sms!.text).toMatch(/Ack: https:\/\/x\/a\/SHORT$/);
    const page = ackPage({ token: 'T'.repeat(32), locale: 'en', incident }, defaultConfig);
    expect(page.status).toBe(200);
    expect(page.html).toContain('method="post"');
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).not.toContain('<img');
    expect(ackPage({ token: 'T'.repeat(32), locale: 'en', incident: { ...incident, state: 'acknowledged', acknowledgedBy: 'head:Ann' } }, defaultConfig).html).not.toContain('<form');
    expect(ackNotFoundPage('zh-CN', defaultConfig).status).toBe(404);
    expect(ackExpiredPage('en', defaultConfig).status).toBe(410);
  });

  it('link the acknowledge page and its confirmations to the console complaints of the category', () => {
    const base = 'https://ops.example.com';
    const link = 'href="https://ops.example.com/console/inbox?category=refund"';
    expect(ackPage({ token: 'T'.repeat(32), locale: 'en', incident, base }, defaultConfig).html).toContain(`<a ${link}>See the &quot;Refund&quot; complaints in the console</a>`);
    const owned = { ...incident, state: 'acknowledged' as const, acknowledgedBy: 'head:Emily Chen', acknowledgedAt: now.toISOString() };
    expect(acknowledgedPage('zh-CN', owned, defaultConfig, base).html).toContain(`<a ${link}>在控制台查看“退款”类投诉</a>`);
    expect(alreadyHandledPage('en', owned, defaultConfig, base).html).toContain(link);
    // Without a known public URL the link stays on the page's own host.
    expect(acknowledgedPage('en', owned, defaultConfig).html).toContain('href="/console/inbox?category=refund"');
  });

  it.each([
    ['en', '<li>⚠ Escalation risk · <bdi>验证码收不到，账户被锁 5</bdi> (sorted by keywords)</li>'],
    ['zh-CN', '<li>⚠ 升级风险 · <bdi>验证码收不到，账户被锁 5</bdi>（按关键词归类）</li>'],
  ] as const)('shows an incident stored by the old code (rendered zh-CN lines) in the page language %s', (locale, line) => {
    const { newest: _newest, ...old } = newIncident(category, 12, [], now);
    const stored = AlertIncidentSchema.parse({ ...old, newestTitles: ['⚠ 升级风险 · 验证码收不到，账户被锁 5 (分类：关键词)'] });
    const html = ackPage({ token: 'T'.repeat(32), locale, incident: stored }, defaultConfig).html;
    expect(html).toContain(line);
    expect(html).not.toContain('分类：关键词');
  });
});

describe('quiet hours for alert SMS', () => {
  const quiet = { quietHours: { start: '22:00', end: '08:00', timeZone: 'Asia/Shanghai' } };
  const at = (iso: string) => new Date(iso);

  it('sends at once outside quiet hours, or without quiet hours', () => {
    expect(smsSendTime(quiet, {}, at('2026-11-20T02:00:00Z'))).toEqual(at('2026-11-20T02:00:00Z'));
    expect(smsSendTime({}, {}, at('2026-11-20T16:00:00Z'))).toEqual(at('2026-11-20T16:00:00Z'));
  });

  it('holds SMS inside quiet hours until they end (08:00 local), including across midnight', () => {
    expect(smsSendTime(quiet, {}, at('2026-11-20T14:30:00Z'))).toEqual(at('2026-11-21T00:00:00Z')); // 22:30 → 08:00 next day
    expect(smsSendTime(quiet, {}, at('2026-11-20T19:00:00Z'))).toEqual(at('2026-11-21T00:00:00Z')); // 03:00 → 08:00
    expect(smsSendTime(quiet, {}, at('2026-11-21T00:00:00Z'))).toEqual(at('2026-11-21T00:00:00Z')); // 08:00 sharp: not quiet
  });

  it('critical categories page at any hour; email always goes at once', () => {
    const night = at('2026-11-20T19:00:00Z');
    expect(smsSendTime(quiet, { critical: true }, night)).toEqual(night);
    const messages = renderAlertRaised(incident, category, department, 'Asia/Shanghai');
    const plan = planAlertDelivery(messages, quiet, {}, night);
    expect(plan.now.map((m) => m.channel)).toEqual(['email']);
    expect(plan.deferred.map((d) => [d.message.channel, d.sendAt.toISOString()])).toEqual([['topic', '2026-11-21T00:00:00.000Z']]);
    expect(planAlertDelivery(messages, quiet, { critical: true }, night).now).toHaveLength(2);
  });
});

describe('silences and overrides', () => {
  it('ends a silence once: a cancelled one that had not started yet is ended too, not ended again', () => {
    const now = new Date('2026-11-20T01:00:00Z');
    const planned = newSilence({ category: 'refund', from: '2026-11-20T02:00:00Z', to: '2026-11-20T05:00:00Z', reason: 'migration' }, 's1', now);
    const first = endSilenceEarly(planned, now, 'agent:wang');
    expect(first).toMatchObject({ ok: true, silence: { to: '2026-11-20T02:00:00.000Z', endedBy: 'agent:wang' } });
    if (!first.ok) throw new Error('fixture');
    expect(isSilenceActive(first.silence, new Date('2026-11-20T03:00:00Z'))).toBe(false);
    expect(endSilenceEarly(first.silence, new Date(now.getTime() + 60_000), 'agent:li')).toEqual({ ok: false, reason: 'already_ended' });
    const started = newSilence({ category: 'refund', from: '2026-11-20T00:00:00Z', to: '2026-11-20T05:00:00Z', reason: 'x' }, 's2', now);
    const ended = endSilenceEarly(started, now, undefined);
    if (!ended.ok) throw new Error('fixture');
    expect(endSilenceEarly(ended.silence, now, undefined)).toEqual({ ok: false, reason: 'already_ended' });
  });

  it('validate with paths and apply', () => {
    const bad = SilenceInputSchema.safeParse({ category: 'refund', from: '2026-11-20T10:00:00Z', to: '2026-11-20T09:00:00Z', reason: '' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['reason', 'to']);
    const order = SilenceInputSchema.safeParse({ category: 'refund', from: '2026-11-20T10:00:00Z', to: '2026-11-20T09:00:00Z', reason: 'x' });
    expect(order.error!.issues.map((i) => i.path.join('.'))).toEqual(['to']);
    expect(isSilenceActive({ from: '2026-11-20T01:00:00.000Z', to: '2026-11-20T02:00:00.000Z' }, now)).toBe(false);
    expect(isSilenceActive({ from: '2026-11-20T01:00:00.000Z', to: '2026-11-20T02:00:00.001Z' }, now)).toBe(true);

    expect(AlertingOverrideInputSchema.safeParse({ actor: 'a' }).success).toBe(false);
    const input = AlertingOverrideInputSchema.parse({ threshold: { count: 3, windowMinutes: 15 }, actor: 'agent:zhang' });
    const override = newOverride('refund', input, now);
    expect(override).toMatchObject({ updatedBy: 'agent:zhang', updatedAt: now.toISOString() });
    expect(applyOverride(category, override).threshold).toEqual({ count: 3, windowMinutes: 15 });
    expect(applyOverride(category, undefined)).toBe(category);
  });
});

describe('collapseHeld: SMS held for quiet hours as they go in the morning', () => {
  const topic = (id: string, collapseKey?: string, department = 'finance') => ({ id, kind: 'alert' as const, channel: 'topic' as const, department, subject: id, text: id, ...(collapseKey && { collapseKey }) });
  const sms = (id: string, to: string, collapseKey?: string) => ({ id, kind: 'alert_escalation' as const, channel: 'sms' as const, to, text: id, ...(collapseKey && { collapseKey }) });
  const held = (key: string, message: ReturnType<typeof topic> | ReturnType<typeof sms>, heldAt?: string) => ({ key, message, ...(heldAt && { heldAt }) });
  it.each([
    {
      name: "an incident's three reminders to one topic: the latest held goes, the two before are superseded",
      input: [held('k2', topic('r2', 'i:reminder'), '2026-11-20T18:40:00Z'), held('k3', topic('r3', 'i:reminder'), '2026-11-20T22:40:00Z'), held('k1', topic('r1', 'i:reminder'), '2026-11-20T14:40:00Z')],
      out: [['r3', ['r1', 'r2']]],
    },
    {
      name: 'reminder 10 held after reminder 9 wins although its id sorts first',
      input: [held('a#i:reminder:10', topic('r10', 'i:reminder'), '2026-11-22T02:00:00Z'), held('a#i:reminder:9', topic('r9', 'i:reminder'), '2026-11-21T22:00:00Z')],
      out: [['r10', ['r9']]],
    },
    {
      name: 'without times (held by the old code) the key order decides',
      input: [held('a#2', topic('r2', 'i:reminder')), held('a#1', topic('r1', 'i:reminder'))],
      out: [['r2', ['r1']]],
    },
    {
      name: 'other incidents, other topics and messages without a key each go alone',
      input: [
        held('k1', topic('i1', 'i:reminder'), '2026-11-20T14:40:00Z'),
        held('k2', topic('j1', 'j:reminder'), '2026-11-20T14:41:00Z'),
        held('k3', topic('i1b', 'i:reminder', 'quality'), '2026-11-20T14:42:00Z'),
        held('k4', sms('e1', '+861'), '2026-11-20T14:43:00Z'),
        held('k5', sms('e2', '+861'), '2026-11-20T14:44:00Z'),
      ],
      out: [['i1', []], ['j1', []], ['i1b', []], ['e1', []], ['e2', []]],
    },
  ])('$name', ({ input, out }) => {
    expect(collapseHeld(input).map((g) => [g.latest.message.id, g.superseded.map((x) => x.message.id)])).toEqual(out);
  });
});

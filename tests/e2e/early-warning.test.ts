import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../support/browser.ts';
import { client } from '../support/http.ts';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';

const TOKEN = 'e2e-early-warning-token';
let app: LocalProcess;
let browser: Browser;
const api = client(() => app.url, TOKEN);
let n = 0;

beforeAll(async () => {
  [app, browser] = await Promise.all([startLocalProcess({ AGENT_TOKEN: TOKEN }), launchChromium()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** account-security (critical: pages at any hour): 5 within 30 minutes is a breach; security has a 3-level chain. */
async function complaints(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    n += 1;
    const res = await api.call('POST', '/complaints', { channel: 'app', customer: { id: `ew-${n}`, email: `ew${n}@example.com` }, title: `账号异常登录 #${n}`, description: '我的账号被盗了，有人异常登录' });
    expect(res.status).toBe(201);
  }
  await api.settle();
}

const mine = async (kind: string) => (await api.outbox()).filter((m) => m.kind === kind);

describe.skipIf(skipBrowserTests)('npm start: early warning walk', () => {
  it('breach → one alert with links → L1 after 30 minutes, once → ack in Chromium stops reminders → one all-clear → new incident', async () => {
    await complaints(5);
    const alerts = await mine('alert');
    expect(alerts.map((m) => m.channel)).toEqual(['email', 'sms']);
    const emailLink = /http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_-]{32}/.exec(alerts[0]!.body)?.[0];
    const smsLink = /http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/.exec(alerts[1]!.body)?.[0];
    expect(emailLink).toBeDefined();
    expect(smsLink).toBeDefined();
    const incidentId = alerts[0]!.alertId as string;

    await api.advance('PT25M');
    expect(await mine('alert_escalation')).toEqual([]);
    await api.advance('PT10M');
    const escalations = await mine('alert_escalation');
    expect(escalations.map((m) => m.channel)).toEqual(['email', 'sms']);
    expect(escalations[0]!.subject).toContain('L1');
    await api.advance('PT5M');
    expect(await mine('alert_escalation')).toHaveLength(2);

    // The head opens the SMS link on a phone and taps "I'm on it" (我来处理).
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await ctx.newPage();
    const shown = await page.goto(smsLink!);
    expect(shown?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect((await api.call('GET', '/alerts?state=open')).body.incidents.map((i: { id: string }) => i.id)).toEqual([incidentId]);
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: '我来处理' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('已确认，谢谢');
    await ctx.close();
    expect((await api.call('GET', '/alerts?state=acknowledged')).body.incidents).toMatchObject([{ id: incidentId, state: 'acknowledged' }]);

    // Volume stays high for 4.5 hours: no reminder, no further escalation.
    const before = (await api.outbox()).length;
    for (let i = 0; i < 14; i += 1) {
      await api.advance('PT20M');
      await complaints(5);
    }
    const since = (await api.outbox()).slice(before);
    const worse = (m: Record<string, any>) => /恶化/.test(`${m.subject ?? ''} ${m.body}`);
    expect(since.filter((m) => (m.kind === 'alert' || m.kind === 'alert_escalation') && !worse(m))).toEqual([]);
    // Two bursts of 5 inside one window double the count it opened at: the owner hears once that it got worse.
    expect(since.filter(worse).map((m) => m.channel)).toEqual(['email', 'sms']);

    // Counts fall: one all-clear to everyone told (the head by email and SMS, L1 by email and SMS).
    await api.advance('PT2H');
    const resolved = await mine('alert_resolved');
    expect(resolved.map((m) => m.channel).sort()).toEqual(['email', 'email', 'sms', 'sms']);
    expect(new Set(resolved.map((m) => m.to)).size).toBe(4);
    await api.advance('PT1H');
    expect(await mine('alert_resolved')).toHaveLength(4);
    expect((await api.call('GET', '/alerts?state=resolved')).body.incidents.map((i: { id: string }) => i.id)).toEqual([incidentId]);

    // A new breach opens a new incident.
    await complaints(5);
    const raised = (await mine('alert')).filter((m) => !/提醒|reminder|恶化/.test(m.subject ?? m.body));
    expect(raised).toHaveLength(4);
    expect(raised[2]!.alertId).not.toBe(incidentId);
  });
});

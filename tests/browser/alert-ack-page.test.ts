import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { launchChromium, seriousAxeViolations, skipBrowserTests } from '../support/browser.ts';
import { client } from '../support/http.ts';

const TOKEN = 'browser-ack-token';
let pipeline: LocalPipeline;
let browser: Browser;
const api = client(() => pipeline.url, TOKEN);
let link = '';

describe.skipIf(skipBrowserTests)('alert acknowledge page in Chromium', () => {
  beforeAll(async () => {
    // Friday 10:00 in Shanghai. refund (finance, English): 10 within 60 minutes.
    [pipeline, browser] = await Promise.all([
      startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: new Date('2026-11-20T02:00:00Z') }),
      launchChromium(),
    ]);
    for (let i = 0; i < 10; i += 1) {
      const res = await api.call('POST', '/complaints', { channel: 'web', customer: { id: `ack-${i}`, email: `a${i}@example.com` }, title: `Refund <b>missing</b> ${i}`, description: 'my refund never arrived' });
      expect(res.status).toBe(201);
      expect(res.body.category).toBe('refund');
    }
    await api.settle();
    const email = pipeline.outbox.entries().find((m) => m.kind === 'alert' && m.channel === 'email');
    link = /http:\/\/\S+\/a\/[A-Za-z0-9_-]{32}/.exec(email?.body ?? '')?.[0] ?? '';
    expect(link).not.toBe('');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  it('shows the incident in English under a strict CSP; a GET does not acknowledge; "I\'m on it" does, once', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const res = await page.goto(link);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Complaint alert: Refund');
    expect(await page.locator('main').textContent()).toContain('Refund <b>missing</b>');
    expect(await page.locator('main b').count()).toBe(0);
    expect(await page.locator('button').evaluate((b) => (globalThis as any).getComputedStyle(b).backgroundColor)).toBe('rgb(29, 78, 216)');
    expect((await pipeline.runtime.alerts.findOpen('refund'))?.state).toBe('open');

    const [posted] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: "I'm on it" }).click()]);
    expect(posted.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Acknowledged, thank you');
    expect((await pipeline.runtime.alerts.findOpen('refund'))?.state).toBe('acknowledged');
    expect(pipeline.events.entries().filter((e) => e.detailType === 'alert.acknowledged')).toHaveLength(1);

    await page.goto(link);
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('Acknowledged by');
    await ctx.close();
  });

  it('answers a forged link with a 404 page, and has no serious axe violations', async () => {
    const ctx = await browser.newContext({ bypassCSP: true });
    const page = await ctx.newPage();
    const forged = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await page.goto(forged))?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('链接无效');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`${link}?lang=zh-CN`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await ctx.close();
  });
});

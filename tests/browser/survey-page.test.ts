import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyFormPage } from '../../functions/domain/survey-pages.ts';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { ARTIFACTS_DIR, fullPageScreenshot, launchChromium, phoneContext, seriousAxeViolations, skipBrowserTests } from '../support/browser.ts';

const TOKEN = 'browser-token';
const HOSTILE = '<script>alert("xss")</script><img src=x onerror=alert(1)>';
const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
let pipeline: LocalPipeline;
let browser: Browser;
const api = client(() => pipeline.url, TOKEN);
const links = new Map<string, { survey: string; unsubscribe: string; complaintId: string }>();

const DAY = 86_400_000;

/**
 * Moves the simulated clock straight to a later time, so each schedule fires once on the next settle
 * (as after a pause) instead of once per interval: these tests are about the pages. The end-to-end
 * test walks the seven days through POST /local/clock.
 */
async function jump(ms: number): Promise<void> {
  pipeline.clock.set(new Date(pipeline.clock.now().getTime() + ms));
  await api.settle();
}

/** A complaint walked to resolved over HTTP. */
async function resolvedComplaint(name: string, customer: Record<string, string>, title: string): Promise<string> {
  const created = await api.call('POST', '/complaints', { channel: 'web', customer: { id: `browser-${name}`, ...customer }, title, description: '快递延迟很久，一直没有更新' });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  for (const type of ['acknowledge', 'start', 'resolve']) {
    expect((await api.call('POST', `/complaints/${id}/events`, { type, actor: 'agent:test' })).status).toBe(200);
  }
  return id;
}

describe.skipIf(skipBrowserTests)('survey and unsubscribe pages in Chromium', () => {
  beforeAll(async () => {
    // Monday 10:00 in Shanghai: the surveys fall due seven days later in daytime, outside quiet hours.
    [pipeline, browser] = await Promise.all([
      startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: new Date('2026-11-16T02:00:00Z') }),
      launchChromium(),
    ]);
    const customers = {
      zh: { email: 'zh@example.com' },
      en: { email: 'en@example.com', locale: 'en', name: 'Ann' },
      nojs: { email: 'nojs@example.com', locale: 'en' },
      expires: { email: 'late@example.com', locale: 'en' },
    };
    const ids: Record<string, string> = {};
    for (const [name, customer] of Object.entries(customers)) ids[name] = await resolvedComplaint(name, customer, name === 'zh' ? `快递丢了 ${HOSTILE_TITLE}` : 'Parcel never arrived');
    await jump(7 * DAY + 30 * 60_000);
    for (const [name, id] of Object.entries(ids)) {
      const survey = pipeline.outbox.entries().find((m) => m.kind === 'survey' && m.complaintId === id);
      const body = survey?.body ?? '';
      links.set(name, {
        survey: /http:\/\/\S+\/s\/[A-Za-z0-9_-]{32}/.exec(body)?.[0] ?? '',
        unsubscribe: /http:\/\/\S+\/u\/[A-Za-z0-9_.-]+/.exec(body)?.[0] ?? '',
        complaintId: id,
      });
    }
    expect([...links.values()].every((l) => l.survey && l.unsubscribe)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  const link = (name: string) => links.get(name)!;

  const context = (options: Parameters<Browser['newContext']>[0] = {}) => phoneContext(browser, options);

  it('serves the Chinese page with strict CSP, switches to English, and takes a keyboard-only answer', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => void dialogs.push(d.message()));
    const response = await page.goto(link('zh').survey);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'/);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('服务满意度调查');
    // The customer's title is shown as text, never as markup.
    expect(await page.locator('main').textContent()).toContain(HOSTILE_TITLE);
    expect(await page.locator('main img, main script').count()).toBe(0);
    // The inline stylesheet is allowed by its hash: the button is styled.
    expect(await page.locator('button').evaluate((b) => (globalThis as any).getComputedStyle(b).backgroundColor)).toBe('rgb(29, 78, 216)');

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\?lang=en$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('How did we do?');
    expect(await page.getByRole('group', { name: 'How satisfied are you with how we handled it?' }).getByRole('radio').count()).toBe(5);

    // Keyboard only: Tab into the rating group, arrow to a rating, Tab to "solved", Space, Tab to submit, Enter.
    await page.getByRole('link', { name: 'English' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.id)).toBe('rating-1');
    const outline = await page.locator('label[for="rating-1"]').evaluate((l) => (globalThis as any).getComputedStyle(l).outlineStyle);
    expect(outline).toBe('solid'); // visible focus
    for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('5 – Very satisfied').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Yes').isChecked()).toBe(true);
    await page.keyboard.press('Tab'); // comment
    await page.keyboard.press('Tab'); // submit
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe('Thank you for your feedback');
    expect(await page.locator('main').textContent()).toContain('We are glad it is solved.');
    expect((await api.call('GET', `/complaints/${link('zh').complaintId}`)).body.status).toBe('closed');
    expect(dialogs).toEqual([]);
    await ctx.close();
  });

  it('works without JavaScript: a plain form POST, the hostile comment stays text, then the link says it was answered', async () => {
    const ctx = await context({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    expect((await page.goto(link('nojs').survey))?.status()).toBe(200);
    await page.getByLabel('2 – Dissatisfied').check();
    await page.getByLabel('No', { exact: true }).check();
    await page.getByLabel('Anything else? (optional)').fill(HOSTILE);
    const [posted] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Submit' }).click()]);
    expect(posted.status()).toBe(200);
    expect(posted.request().headers()['content-type']).toBe('application/x-www-form-urlencoded');
    expect(await page.locator('h1').textContent()).toBe('Thank you for your feedback');
    expect(await page.locator('main').textContent()).toContain('We have reopened your complaint');

    const again = await page.goto(link('nojs').survey);
    expect(again?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('Already answered');

    await api.settle();
    const stored = (await api.call('GET', `/complaints/${link('nojs').complaintId}`)).body;
    expect(stored).toMatchObject({ status: 'reopened', surveyAnswer: { rating: 2, solved: false, comment: HOSTILE } });
    const followup = pipeline.outbox.entries().find((m) => m.kind === 'survey_followup' && m.channel === 'email' && m.complaintId === link('nojs').complaintId);
    expect(followup?.html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(followup?.html).not.toMatch(/<script|<img/);
    await ctx.close();
  });

  it('answers an incomplete form with 400 and names the missing answers', async () => {
    const ctx = await context();
    const res = await ctx.request.post(link('en').survey, { form: { solved: 'yes', comment: HOSTILE } });
    expect(res.status()).toBe(400);
    const html = await res.text();
    expect(html).toContain('Choose a rating from 1 to 5.');
    expect(html).toContain('role="alert"');
    expect(html).not.toContain('<script>');
    await ctx.close();
  });

  it('has no serious or critical axe-core violations in either locale, on the form, error, notice and unsubscribe pages', async () => {
    const ctx = await context({ bypassCSP: true });
    const page = await ctx.newPage();
    const checked: Record<string, unknown[]> = {};
    for (const lang of ['zh-CN', 'en']) {
      await page.goto(`${link('en').survey}?lang=${lang}`);
      checked[`form ${lang}`] = await seriousAxeViolations(page);
      await page.setContent(surveyFormPage({ token: 'A'.repeat(32), locale: lang as 'en', reference: 'C1', title: 'Parcel', errors: ['rating', 'solved'] }, defaultConfig).html);
      checked[`errors ${lang}`] = await seriousAxeViolations(page);
      await page.goto(`${pipeline.url}/s/${'A'.repeat(32)}?lang=${lang}`);
      checked[`not found ${lang}`] = await seriousAxeViolations(page);
      await page.goto(`${link('en').unsubscribe}?lang=${lang}`);
      checked[`unsubscribe ${lang}`] = await seriousAxeViolations(page);
    }
    expect(checked).toEqual(Object.fromEntries(Object.keys(checked).map((k) => [k, []])));
    await ctx.close();
  });

  it('fits a phone screen (390x844) with large touch targets; screenshot saved to test-artifacts/', async () => {
    const ctx = await context({ deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(link('en').survey);
    const overflow = await page.evaluate(() => {
      const d = (globalThis as any).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBe(0);
    for (const box of await Promise.all((await page.locator('label.choice').all()).map((l) => l.boundingBox()))) {
      expect(box!.height).toBeGreaterThanOrEqual(44);
    }
    const path = join(ARTIFACTS_DIR, 'survey-page-390x844.png');
    await fullPageScreenshot(page, { path });
    await page.goto(`${link('en').survey}?lang=zh-CN`);
    await fullPageScreenshot(page, { path: join(ARTIFACTS_DIR, 'survey-page-zh-CN-390x844.png') });
    await ctx.close();
  });

  it('unsubscribes with one button, and answers 404 for a tampered link and 410 for an expired one', async () => {
    const ctx = await context({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(link('en').unsubscribe);
    expect(await page.getByRole('button').count()).toBe(1);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    expect(await page.locator('h1').textContent()).toBe('You are unsubscribed');
    expect(await pipeline.runtime.optOuts.isOptedOut('browser-en', { channel: 'email', to: 'en@example.com' })).toBe(true);
    // Only the address the link went to: another customer's address is not silenced by it.
    expect(await pipeline.runtime.optOuts.isOptedOut('browser-zh', { channel: 'email', to: 'zh@example.com' })).toBe(false);

    const tampered = link('expires').survey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await page.goto(tampered))?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('未找到问卷');
    await jump(15 * DAY);
    expect((await page.goto(link('expires').survey))?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('This link has expired');
    await ctx.close();
  });
});

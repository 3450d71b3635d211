/**
 * The weekly digest as people see it: the email of the two synthetic weeks, with its real chart PNG,
 * opened in Chromium at 390 px (a phone) and 1280 px (a desktop) in both languages, the way the
 * outbox shows it (`cid:` made `data:`). Nothing may scroll sideways on the phone; the chart must
 * load at its full resolution; screenshots go to test-artifacts/.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChartPng } from '../../functions/adapters/chart-png.ts';
import { digestFigures } from '../../functions/domain/digest.ts';
import { digestChartSpec, renderDigest, type PoorAnswerRef } from '../../functions/domain/digest-message.ts';
import { outboxHtml } from '../../functions/local/outbox.ts';
import { ARTIFACTS_DIR, fullPageScreenshot, launchChromium, seriousAxeViolations, skipBrowserTests } from '../support/browser.ts';
import { config, now, sources } from '../fixtures/digest-weeks.ts';

const BASE = 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com';
let browser: Browser;

describe.skipIf(skipBrowserTests)('weekly digest email in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['zh-CN', 390],
    ['zh-CN', 1280],
    ['en', 390],
    ['en', 1280],
  ] as const)('%s at %i px: tables and chart fit, nothing scrolls sideways, no serious accessibility finding', async (locale, width) => {
    const figures = digestFigures(sources, now, config);
    const poorAnswers: PoorAnswerRef[] = figures.poorAnswers.map((a, i) => ({ ...a, complaintId: a.surveyId.replace(/-r\d+$/, ''), reference: ['YX-4K7M-9QD2', 'YX-8HJT-2WXC', 'YX-Q3RB-7MZP'][i] ?? a.surveyId }));
    const chart = await renderChartPng(digestChartSpec(figures, config, locale));
    const email = renderDigest({ figures, recipient: { email: 'boss@example.com', name: locale === 'en' ? 'David Wong' : '赵敏', locale }, poorAnswers, chart, base: BASE, config });
    const html = outboxHtml({ html: email.html, inlineImages: email.inlineImages })!;
    expect(html).not.toContain('cid:');

    const ctx = await browser.newContext({ viewport: { width, height: 900 }, isMobile: width === 390, bypassCSP: true });
    const page = await ctx.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const layout = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: any }).document;
      const img = d.querySelector('img');
      return {
        scrollWidth: d.documentElement.scrollWidth,
        img: { natural: img.naturalWidth, shown: img.getBoundingClientRect().width, right: img.getBoundingClientRect().right },
        tables: [...d.querySelectorAll('table')].map((t: any) => t.getBoundingClientRect().right),
        // Lines each column header's words take: distinct tops of its text's line boxes.
        headerLines: [...d.querySelectorAll('th[scope="col"]')].map((th: any) => {
          const range = d.createRange();
          range.selectNodeContents(th);
          return { text: th.textContent, lines: new Set([...range.getClientRects()].map((r: any) => Math.round(r.top))).size };
        }),
      };
    });
    if (width === 390) expect(layout.scrollWidth, 'nothing scrolls sideways on a phone').toBeLessThanOrEqual(390);
    expect(layout.img.natural).toBe(1200);
    expect(layout.img.shown).toBeLessThanOrEqual(600);
    expect(layout.img.right).toBeLessThanOrEqual(width);
    expect(layout.tables).toHaveLength(2);
    for (const right of layout.tables) expect(right).toBeLessThanOrEqual(width);
    expect(await page.locator('th[scope="col"]').count()).toBe(8);
    for (const header of layout.headerLines) expect(header, `"${header.text}" on one line`).toEqual({ text: header.text, lines: 1 });
    expect(await page.locator('body').textContent()).toContain(locale === 'en' ? 'Figures for recent weeks are as of when this email was sent' : '近几周的数字以本邮件发出时为准');
    expect(await page.locator(`a[href="${BASE}/console/reports?by=category"]`).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await fullPageScreenshot(page, { path: join(ARTIFACTS_DIR, `digest-email-${locale}-${width}.png`) });
    await ctx.close();
  }, 120_000);
});

import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChartPng } from '../../functions/adapters/chart-png.ts';
import { escapeHtml } from '../../functions/domain/escape.ts';
import { layoutChart, SERIES_COLOURS } from '../../functions/domain/chart-svg.ts';
import { caseSpec, chineseSpec, englishSpec } from '../domain/chart-cases.ts';
import { ARTIFACTS_DIR, launchChromium, skipBrowserTests } from '../support/browser.ts';

let browser: Browser;

describe.skipIf(skipBrowserTests)('chart PNG in Chromium, as an email shows it on a phone', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    { name: 'en', lang: 'en', spec: englishSpec },
    { name: 'zh-CN', lang: 'zh-CN', spec: chineseSpec },
    { name: 'en-12-categories', lang: 'en', spec: caseSpec('en', 12, 3, 'typical') },
    { name: 'zh-CN-12-categories', lang: 'zh-CN', spec: caseSpec('zh-CN', 12, 3, 'huge') },
  ])('$name: decodes at 1200 px, scales to the 390 px screen, shows every series colour', async ({ name, lang, spec }) => {
    const png = Buffer.from(await renderChartPng(spec));
    const layout = layoutChart(spec);
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await ctx.newPage();
    // The markup an email uses: a fluid image no wider than its 600 CSS px, with the chart described in alt.
    await page.setContent(
      `<!doctype html><html lang="${lang}"><body style="margin:0;padding:16px;font-family:sans-serif">` +
        `<img id="chart" src="data:image/png;base64,${png.toString('base64')}" width="600" alt="${escapeHtml(layout.description)}" style="display:block;width:100%;max-width:600px;height:auto;border:0">` +
        '</body></html>',
    );
    await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { complete: boolean } } }).document.getElementById('chart').complete);
    const shown = await page.evaluate((colours) => {
      const g = globalThis as unknown as {
        document: {
          getElementById(id: string): { naturalWidth: number; naturalHeight: number; getBoundingClientRect(): { width: number; height: number } };
          createElement(tag: 'canvas'): { width: number; height: number; getContext(kind: '2d'): { drawImage(img: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        };
      };
      const img = g.document.getElementById('chart');
      const canvas = g.document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(img, 0, 0);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      const counts = colours.map((hex) => {
        const [r, gr, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === gr && data[i + 2] === b) n += 1;
        return n;
      });
      const box = img.getBoundingClientRect();
      return { naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, width: box.width, height: box.height, counts };
    }, SERIES_COLOURS.slice(0, spec.series.length));
    expect(shown.naturalWidth).toBe(1200);
    expect(shown.naturalHeight).toBe(2 * layout.height);
    expect(shown.width).toBe(390 - 32);
    expect(shown.height).toBeCloseTo((358 / 600) * layout.height, 0);
    for (const count of shown.counts) expect(count).toBeGreaterThan(1000);
    await page.locator('body').screenshot({ path: join(ARTIFACTS_DIR, `chart-${name}-390.png`) });
    await ctx.close();
  });
});

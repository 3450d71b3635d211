/**
 * The weekly digest in the local walk: complaints in two weeks, the simulated clock moved to Monday
 * 09:00 in the company's time zone (Asia/Shanghai), the digest read from the outbox (kind `digest`)
 * and its HTML, chart included, opened in Chromium at 390 px and 1280 px (screenshots in test-artifacts/).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, fullPageScreenshot, launchChromium, skipBrowserTests } from '../support/browser.ts';
import { client } from '../support/http.ts';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';
import { writeTwoBucketConfig } from '../fixtures/config.ts';

const TOKEN = 'digest-token';
const SHANGHAI_MS = 8 * 3_600_000;
let app: LocalProcess;
let browser: Browser;
const api = client(() => app.url, TOKEN);

/** Monday `hh:mm` Shanghai time of the week after the one containing `t`, as an instant. */
function nextMondayShanghai(t: Date, hh: number, mm: number): Date {
  const local = new Date(t.getTime() + SHANGHAI_MS);
  const daysToMonday = ((8 - local.getUTCDay()) % 7) || 7;
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + daysToMonday, hh, mm) - SHANGHAI_MS);
}

// Two buckets: the walk below is about two thousand schedule runs, none of them about buckets.
const { path: configPath, dir } = writeTwoBucketConfig();
// The first digest goes out at week 2's Monday 09:00. The clock starts on week 1's last evening
// (Sunday 20:00 Shanghai): its complaints belong to week 1 all the same, and the walk to the first
// digest is 13 hours of schedules instead of most of a week.
const week2 = nextMondayShanghai(new Date(), 9, 0);
const week1 = new Date(week2.getTime() - 13 * 3_600_000);

const localDate = (t: Date) => new Date(t.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);

async function complain(id: string, description: string): Promise<string> {
  const res = await api.call('POST', '/complaints', { channel: 'app', customer: { id, email: `${id}@example.com`, locale: 'zh-CN' }, title: description, description });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe.skipIf(skipBrowserTests)('weekly digest, locally end to end', () => {
  beforeAll(async () => {
    [app, browser] = await Promise.all([startLocalProcess({ AGENT_TOKEN: TOKEN, LOCAL_CLOCK_START: week1.toISOString(), PIPELINE_CONFIG: configPath }), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes out at Monday 09:00 company time with last week against the week before, and reads well on a phone and a desktop', async () => {
    // Week 1: on its Sunday evening (where the clock starts) two complaints about deliveries, one resolved.
    // (The simulated clock runs on with real time from where it started.)
    expect(Date.parse((await api.call('GET', '/local/clock')).body.now)).toBeGreaterThanOrEqual(week1.getTime());
    const first = await complain('digest-1', '快递一周了还没到');
    await complain('digest-2', '快递物流一直不更新');
    for (const type of ['acknowledge', 'start', 'resolve']) expect((await api.call('POST', `/complaints/${first}/events`, { type, actor: 'agent:li.ming' })).status).toBe(200);

    // Monday 08:59 of week 2: no digest about week 1 yet.
    expect(new Date(week1.getTime() + SHANGHAI_MS).getUTCDay(), 'week 1 ends on the Sunday the clock starts').toBe(0);
    expect((await api.call('POST', '/local/clock', { now: new Date(week2.getTime() - 60_000).toISOString() })).status).toBe(200);
    const sentAt = async (t: Date) => (await api.outbox()).filter((m) => m.kind === 'digest' && m.at === t.toISOString());
    expect(await sentAt(week2)).toEqual([]);
    // 09:00: one digest per recipient, at 09:00 local (01:00 UTC).
    expect((await api.advance('PT1M')).status).toBe(200);
    const firstDigests = await sentAt(week2);
    expect(firstDigests.map((m) => [m.to, m.at])).toEqual([
      ['zhao.min@youxuan-mall.example.com', week2.toISOString()],
      ['david.wong@youxuan-mall.example.com', week2.toISOString()],
    ]);
    expect(week2.toISOString().slice(11, 16)).toBe('01:00');

    // Week 2: four complaints (three refunds), then Monday 09:00 of week 3.
    await complain('digest-3', '退款申请两周了还没到账');
    await complain('digest-4', '退款被拒绝了，要求重新退款');
    await complain('digest-5', '申请退款后没有任何回复');
    await complain('digest-6', '快递员态度差还没送到');
    const week3 = nextMondayShanghai(week2, 9, 0);
    expect((await api.call('POST', '/local/clock', { now: week3.toISOString() })).status).toBe(200);
    const digests = await sentAt(week3);
    expect(digests).toHaveLength(2);
    const [zh, en] = digests as [Record<string, any>, Record<string, any>];
    expect(zh.subject).toMatch(/^【每周投诉简报】优选商城 /);
    // The digest is about week 2: its Monday's date is in the subject.
    expect(en.subject).toContain(`${Number(localDate(week2).slice(8, 10))}`);
    expect(en.subject).toMatch(/^Weekly complaints digest: YouXuan Mall, /);
    expect(en.body).toContain('- Complaints received | 2 | 4 | +2');
    expect(en.body).toContain('- Refund | 0 | 3 | +3');
    expect(en.html).toContain('src="cid:digest-chart@complaint-pipeline"');
    expect(en.inlineImages[0]).toMatchObject({ contentId: 'digest-chart@complaint-pipeline', contentType: 'image/png' });
    // Firing again (the clock passes nothing new) sends nothing twice.
    await api.advance('PT1H');
    expect(await sentAt(week3)).toHaveLength(2);

    for (const [entry, locale] of [
      [zh, 'zh-CN'],
      [en, 'en'],
    ] as const) {
      for (const width of [390, 1280]) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, isMobile: width === 390 });
        const page = await ctx.newPage();
        const res = await page.goto(`${app.url}/local/outbox/${entry.id}.html`);
        expect(res?.status()).toBe(200);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        // The chart shows (cid: made data: for the browser) at its full 2x resolution.
        const natural = await page.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number; complete: boolean }).naturalWidth);
        expect(natural).toBe(1200);
        expect(await page.locator('table').count()).toBe(2);
        const scrollWidth = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
        if (width === 390) expect(scrollWidth, 'nothing scrolls sideways on a phone').toBeLessThanOrEqual(390);
        await fullPageScreenshot(page, { path: join(ARTIFACTS_DIR, `digest-${locale}-${width}.png`) });
        await ctx.close();
      }
    }
  }, 600_000);
});

/**
 * Emails as a phone shows them: rendered at 390 px in Chromium, nothing may overflow sideways, links
 * are real links, lists are real lists; screenshots go to test-artifacts/ for a person to look at.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import type { EmailMessage } from '../../functions/domain/messages.ts';
import { renderProgress } from '../../functions/domain/progress.ts';
import { groupSlaSteps, renderSlaGroup } from '../../functions/domain/sla-messages.ts';
import { sweepSla } from '../../functions/domain/sla.ts';
import { ARTIFACTS_DIR, fullPageScreenshot, launchChromium, seriousAxeViolations, skipBrowserTests } from '../support/browser.ts';
import { defaultConfig } from '../fixtures/config.ts';

const BASE = 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com';
const t0 = new Date('2026-11-16T02:00:00.000Z');
let browser: Browser;

function complaint(i: number, customer: Record<string, string>, title: string, category = 'logistics-delay'): Complaint {
  const r = createComplaint({ channel: 'web', customer: { id: `shot-${i}`, ...customer }, title, description: title, category, severity: i % 3 === 0 ? 'high' : 'medium' }, defaultConfig, t0, `01KAXSHOT${String(i).padStart(17, '0')}`);
  if (!r.ok) throw new Error('fixture');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const code = Array.from({ length: 8 }, (_, k) => alphabet[(i * 7 + k * 13) % 32]).join('');
  return { ...r.complaint, ref: `YX-${code.slice(0, 4)}-${code.slice(4)}` };
}

/** The L2 escalation a department head gets after 55 logistics complaints went unhandled. */
function groupedEscalation(): EmailMessage {
  const now = new Date(t0.getTime() + 28 * 3600_000 + 5 * 60_000);
  const planned = Array.from({ length: 55 }, (_, i) => {
    const c = { ...complaint(i, { email: `c${i}@example.com` }, '快递一直没到'), escalationLevel: 1 };
    return { complaint: c, steps: sweepSla(c, defaultConfig, now).steps };
  });
  const group = groupSlaSteps(planned, defaultConfig).find((g) => g.email === 'wang.lei@youxuan-mall.example.com')!;
  return renderSlaGroup(group, 'shot', { kind: 'over_quota', perHour: 4 }, defaultConfig, now, BASE)[0] as EmailMessage;
}

function progressWithNote(locale: 'zh-CN' | 'en'): EmailMessage {
  const en = locale === 'en';
  let c = complaint(900, { email: 'customer@example.com', name: en ? 'Alexandra Montgomery' : '陈女士', locale, ...(en && { timeZone: 'America/New_York' }) }, en ? 'Refund for order 88812345 never arrived' : '退款申请提交两周了一直没有到账', 'refund');
  for (const type of ['acknowledge', 'start'] as const) {
    const r = applyEvent(c, { type, actor: 'agent:li' }, t0, defaultConfig);
    if (!r.ok) throw new Error(type);
    c = r.complaint;
  }
  const note = en ? 'Please send a photo of the return receipt.' : '请把退货回执拍照发给我们，收到后我们当天为您办理退款。';
  const r = applyEvent(c, { type: 'wait_on_customer', actor: 'agent:li', note }, t0, defaultConfig);
  if (!r.ok) throw new Error('wait');
  return renderProgress(r.complaint, r.complaint.timeline.length - 1, defaultConfig, { unsubscribeUrl: `${BASE}/u/${'x'.repeat(32)}` })[0] as EmailMessage;
}

describe.skipIf(skipBrowserTests)('emails at 390 px in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['sla-grouped-escalation-zh-CN', groupedEscalation],
    ['progress-public-note-zh-CN', () => progressWithNote('zh-CN')],
    ['progress-public-note-en', () => progressWithNote('en')],
  ] as const)('%s fits the screen, with real links and lists', async (name, render) => {
    const email = render();
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, bypassCSP: true });
    const page = await ctx.newPage();
    await page.setContent(email.html, { waitUntil: 'load' });
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width, 'nothing scrolls sideways').toBeLessThanOrEqual(390);
    for (const box of await page.locator('a').evaluateAll((els) => els.map((e) => (e as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect().right))) {
      expect(box).toBeLessThanOrEqual(390);
    }
    expect(await page.locator('a[href^="https://"]').count()).toBeGreaterThan(0);
    expect(await page.locator('html').getAttribute('lang')).toBe(name.endsWith('-en') ? 'en' : 'zh-CN');
    expect(await seriousAxeViolations(page)).toEqual([]);
    if (name.startsWith('sla')) {
      expect(await page.locator('ul > li').count()).toBe(6);
      expect(await page.locator('ul > li').last().textContent()).toBe('以及另外 50 起');
      expect(await page.getByText('本小时发给您的 SLA 短信已达 4 条上限').count()).toBe(1);
    } else {
      expect(await page.locator('bdi').filter({ hasText: name.endsWith('-en') ? 'Please send a photo of the return receipt.' : '请把退货回执拍照发给我们' }).count()).toBe(1);
    }
    await fullPageScreenshot(page, { path: join(ARTIFACTS_DIR, `${name}.png`) });
    await ctx.close();
  });
});

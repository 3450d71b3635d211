import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyFormPage } from '../../functions/domain/reply-pages.ts';
import { replyFileLimits, REPLY_BODY_MAX_BYTES } from '../../functions/domain/web-reply.ts';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { ARTIFACTS_DIR, fullPageScreenshot, launchChromium, phoneContext, seriousAxeViolations, skipBrowserTests } from '../support/browser.ts';
import { client } from '../support/http.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';

const TOKEN = 'reply-browser-token';
const HOSTILE = '<img src=x onerror=alert(1)><script>alert("xss")</script>';
const RLO = '\u202E';
let pipeline: LocalPipeline;
let browser: Browser;
const api = client(() => pipeline.url, TOKEN);
const links = new Map<string, { link: string; id: string; ref: string }>();

/** The notes the agents wrote: realistic ones for the screenshots, a hostile one, and one long unbroken line. */
const CUSTOMERS = {
  zh: { locale: 'zh-CN', note: `请提供快递面单的照片和签收记录，我们会尽快向快递公司核实。${HOSTILE}` },
  en: { locale: 'en', note: 'Please send the tracking number on your courier receipt.' },
  shotZh: { locale: 'zh-CN', note: '请拍一张商品破损处的照片，并告诉我们快递单号（在包裹面单右上角），我们会尽快为您安排换货。' },
  shotEn: { locale: 'en', note: 'Please send a photo of the damaged part and tell us the tracking number (top right of the parcel label), so we can arrange a replacement.' },
  long: { locale: 'en', note: `Please send the label ${RLO}gnp.exe https://example.com/${'a'.repeat(120)}` },
  photo: { locale: 'zh-CN', note: '请拍一张破损处的照片，并告诉我们快递单号。' },
  camera: { locale: 'en', note: 'Please send photos of the damage, front and back.' },
  pdf: { locale: 'zh-CN', note: '请发送购物发票。' },
} as const;

/** Width and height of a JPEG, from its start-of-frame segment. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
  for (let at = 2; at + 9 < bytes.length; at += 2 + bytes.readUInt16BE(at + 2)) {
    const marker = bytes.readUInt16BE(at);
    if (marker >= 0xffc0 && marker <= 0xffc3) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
  }
  throw new Error('no start-of-frame segment');
}

/**
 * A camera-sized picture (4032×3024 unless told) drawn in the page: gradients, shapes and seeded noise, so it
 * compresses like a photo rather than like a flat colour. JPEG at quality 0.95, or PNG.
 */
async function cameraPicture(page: import('playwright-core').Page, type: 'image/jpeg' | 'image/png', seed: number, width = 4032, height = 3024): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ type, seed, width, height }) => {
      const g = globalThis as any;
      const canvas = new g.OffscreenCanvas(width, height);
      const c = canvas.getContext('2d');
      const sky = c.createLinearGradient(0, 0, width, height);
      sky.addColorStop(0, '#8ab4f8');
      sky.addColorStop(1, '#5d4037');
      c.fillStyle = sky;
      c.fillRect(0, 0, width, height);
      let x = seed;
      const random = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
      for (let i = 0; i < 400; i++) {
        c.fillStyle = `hsl(${Math.floor(random() * 360)} 50% ${Math.floor(30 + random() * 40)}%)`;
        c.beginPath();
        c.arc(random() * width, random() * height, 20 + random() * 300, 0, 2 * Math.PI);
        c.fill();
      }
      const pixels = c.getImageData(0, 0, width, height);
      for (let i = 0; i < pixels.data.length; i += 4) {
        const n = (random() - 0.5) * 24;
        pixels.data[i] += n;
        pixels.data[i + 1] += n;
        pixels.data[i + 2] += n;
      }
      c.putImageData(pixels, 0, 0);
      const blob = await canvas.convertToBlob({ type, quality: 0.95 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return g.btoa(text) as string;
    },
    { type, seed, width, height },
  );
  return Buffer.from(base64, 'base64');
}

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe.skipIf(skipBrowserTests)('the reply page in Chromium', () => {
  beforeAll(async () => {
    [pipeline, browser] = await Promise.all([startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: new Date('2026-11-23T02:00:00Z') }), launchChromium()]);
    for (const [name, { locale, note }] of Object.entries(CUSTOMERS)) {
      const created = await api.call('POST', '/complaints', { channel: 'phone', customer: { id: `reply-${name}`, phone: '+8613912345678', locale }, title: 'Parcel damaged', description: 'The parcel arrived damaged' });
      expect(created.status).toBe(201);
      const { id, ref } = created.body as { id: string; ref: string };
      for (const event of [{ type: 'acknowledge' }, { type: 'wait_on_customer', note }]) {
        expect((await api.call('POST', `/complaints/${id}/events`, { ...event, actor: 'agent:li.ming' })).status).toBe(200);
      }
      await api.settle();
      const sms = pipeline.outbox.entries().filter((m) => m.complaintId === id && m.channel === 'sms').at(-1)?.body ?? '';
      links.set(name, { link: /http:\/\/\S+\/r\/[a-z2-7]{32}/.exec(sms)?.[0] ?? '', id, ref });
    }
    expect([...links.values()].every((l) => l.link)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  const of = (name: keyof typeof CUSTOMERS) => links.get(name)!;

  const context = (options: Parameters<Browser['newContext']>[0] = {}) => phoneContext(browser, options);

  it('Chinese: strict CSP, the note as text, the reply sent from the form reaches the complaint', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const response = await page.goto(of('zh').link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'.*; script-src 'sha256-[A-Za-z0-9+/=]+'$/);
    // The photo script runs under that policy (allowed by its hash): it rewrote the file hint.
    expect(await page.locator('#files-hint').textContent()).toBe('最多 10 个文件。较大的照片会在发送前自动缩小，合计不超过 4 MB。格式：JPEG、PNG、GIF、WEBP、HEIC、PDF、TXT。');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').textContent()).toBe('回复我们的问题');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(`优选商城需要您就投诉 ${of('zh').ref} 补充一些信息。`);
    expect(await page.locator('.asked bdi').textContent()).toBe(CUSTOMERS.zh.note);
    expect(await page.locator('main img, main script').count()).toBe(0);
    // The inline stylesheet is allowed by its hash: the button is styled.
    expect(await page.locator('button').evaluate((b) => (globalThis as any).getComputedStyle(b).backgroundColor)).toBe('rgb(29, 78, 216)');

    await page.getByLabel('您的回复').fill('快递单号是 SF1234567890，照片稍后补发。');
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: '发送回复' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('您的回复已送达');
    expect(await page.locator('main').textContent()).toContain(`处理投诉 ${of('zh').ref} 的团队已收到您的回复`);
    await api.settle();
    const complaint = (await api.call('GET', `/complaints/${of('zh').id}`)).body;
    expect(complaint.status).toBe('in_progress');
    expect(complaint.timeline.at(-1)).toMatchObject({ actor: 'customer:web', event: 'customer_replied', note: '快递单号是 SF1234567890，照片稍后补发。' });
    await ctx.close();
  });

  it('English without JavaScript: a plain form POST; a second submission from another open copy of the form shows the same thank-you page and adds nothing', async () => {
    const ctx = await context({ javaScriptEnabled: false });
    const [page, stale] = [await ctx.newPage(), await ctx.newPage()];
    expect((await page.goto(of('en').link))?.status()).toBe(200);
    expect((await stale.goto(of('en').link))?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('.asked').textContent()).toBe(CUSTOMERS.en.note);
    await page.getByLabel('Your reply').fill(`SF1234567890 ${HOSTILE}`);
    const [posted] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Send reply' }).click()]);
    expect(posted.status()).toBe(200);
    // The config has inbound: the form is multipart (it takes photos), with no file chosen here.
    expect(posted.request().headers()['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(await page.locator('h1').textContent()).toBe('Your reply reached us');
    const thanks = await page.locator('main').innerHTML();

    await stale.getByLabel('Your reply').fill('SF1234567890, again');
    await Promise.all([stale.waitForResponse((r) => r.request().method() === 'POST'), stale.getByRole('button', { name: 'Send reply' }).click()]);
    expect(await stale.locator('main').innerHTML()).toBe(thanks);
    // Back, or the link opened again later: the page is not cached (no-store), so it says the reply arrived.
    await page.goBack();
    expect(await page.locator('main').innerHTML()).toBe(thanks);
    const complaint = (await api.call('GET', `/complaints/${of('en').id}`)).body;
    expect(complaint.timeline.filter((e: { actor: string }) => e.actor === 'customer:web')).toEqual([expect.objectContaining({ note: `SF1234567890 ${HOSTILE}` })]);
    await ctx.close();
  });

  it('without JavaScript: a photo chosen with the file input and no text is the reply; the entry lists the file and the bytes are stored', async () => {
    const ctx = await context({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    expect((await page.goto(of('photo').link))?.status()).toBe(200);
    expect(await page.locator('#files-hint').textContent()).toBe('最多 10 个文件，合计不超过 4 MB。格式：JPEG、PNG、GIF、WEBP、HEIC、PDF、TXT。');
    await page.getByLabel('照片或文件（可选）').setInputFiles([{ name: '破损处.png', mimeType: 'image/png', buffer: PNG }]);
    const [posted] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: '发送回复' }).click()]);
    expect(posted.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('您的回复已送达');
    await api.settle();
    const complaint = (await api.call('GET', `/complaints/${of('photo').id}`)).body;
    expect(complaint.status).toBe('in_progress');
    const entry = complaint.timeline.at(-1);
    expect(entry).toMatchObject({ actor: 'customer:web', event: 'customer_replied', attachments: [{ name: '破损处.png', contentType: 'image/png', size: PNG.length }] });
    expect(Buffer.from((await pipeline.mail.get(entry.attachments[0].key))!)).toEqual(PNG);
    await ctx.close();
  });

  it('with JavaScript: two camera photos, 4 MB or more together, are made smaller and sent with the text in one request', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    expect((await page.goto(of('camera').link))?.status()).toBe(200);
    const jpeg = await cameraPicture(page, 'image/jpeg', 7);
    const png = await cameraPicture(page, 'image/png', 11, 2016, 1512);
    // Together over what one request takes: without the script this is the "too large" page.
    expect(jpeg.length + png.length).toBeGreaterThan(REPLY_BODY_MAX_BYTES);
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST') posts++;
    });
    await page.getByLabel('Photos or files (optional)').setInputFiles([
      { name: 'IMG_0001.JPG', mimeType: 'image/jpeg', buffer: jpeg },
      { name: 'IMG_0002.png', mimeType: 'image/png', buffer: png },
    ]);
    await page.getByLabel('Your reply').fill('Front and back of the box.');
    await Promise.all([page.waitForURL(/\/r\//, { waitUntil: 'load' }), page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Send reply' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Your reply reached us');
    // The customer sees which files arrived, by the names they were stored under.
    expect(await page.locator('main li').allTextContents()).toEqual(['IMG_0001.jpg', 'IMG_0002.jpg']);
    expect(await page.locator('main').textContent()).toContain('We received 2 files:');
    // One request, taken whole (a body over the limit is answered 413 with the "too large" page).
    expect(posts).toBe(1);
    await api.settle();
    const entry = (await api.call('GET', `/complaints/${of('camera').id}`)).body.timeline.at(-1);
    expect(entry).toMatchObject({ actor: 'customer:web', event: 'customer_replied', note: 'Front and back of the box.' });
    expect(entry.attachments.map((a: { name: string; contentType: string }) => [a.name, a.contentType])).toEqual([
      ['IMG_0001.jpg', 'image/jpeg'],
      ['IMG_0002.jpg', 'image/jpeg'],
    ]);
    for (const attachment of entry.attachments) {
      const stored = Buffer.from((await pipeline.mail.get(attachment.key))!);
      expect(stored.length).toBe(attachment.size);
      const { width, height } = jpegSize(stored);
      // Smaller, the aspect kept (4:3).
      expect(width).toBeLessThanOrEqual(2560);
      expect(Math.abs(width / height - 4 / 3)).toBeLessThan(0.01);
    }
    await ctx.close();
  }, 60_000);

  it('with JavaScript: files that cannot be made small enough are not sent; the page says so and keeps the text, and a smaller choice then goes', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    expect((await page.goto(of('pdf').link))?.status()).toBe(200);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(REPLY_BODY_MAX_BYTES)]);
    await page.getByLabel('照片或文件（可选）').setInputFiles([{ name: '发票.pdf', mimeType: 'application/pdf', buffer: pdf }]);
    await page.getByLabel('您的回复').fill('发票见附件。');
    await page.getByRole('button', { name: '发送回复' }).click();
    await expect.poll(() => page.locator('#files-status').textContent()).toBe('文件合计超过 4 MB，回复尚未发送。请减少文件或选择较小的文件，您写的内容仍在。');
    expect(await page.locator('#files-status').getAttribute('class')).toBe('error status');
    expect(await page.locator('#files').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('您的回复').inputValue()).toBe('发票见附件。');
    expect(await page.getByRole('button', { name: '发送回复' }).isEnabled()).toBe(true);
    expect(posts).toEqual([]);

    // A file that fits goes as chosen: the same bytes, the same name.
    await page.getByLabel('照片或文件（可选）').setInputFiles([{ name: '发票.png', mimeType: 'image/png', buffer: PNG }]);
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: '发送回复' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('您的回复已送达');
    await api.settle();
    const entry = (await api.call('GET', `/complaints/${of('pdf').id}`)).body.timeline.at(-1);
    expect(entry).toMatchObject({ note: '发票见附件。', attachments: [{ name: '发票.png', contentType: 'image/png', size: PNG.length }] });
    expect(Buffer.from((await pipeline.mail.get(entry.attachments[0].key))!)).toEqual(PNG);
    await ctx.close();
  });

  it('has no serious or critical axe-core violations in either locale: form, error, thank-you and not-found pages', async () => {
    const ctx = await context({ bypassCSP: true });
    const page = await ctx.newPage();
    const checked: Record<string, unknown[]> = {};
    for (const lang of ['zh-CN', 'en'] as const) {
      await page.goto(`${of('shotEn').link}?lang=${lang}`);
      checked[`form ${lang}`] = await seriousAxeViolations(page);
      await page.setContent(replyFormPage({ token: 'a'.repeat(32), locale: lang, reference: 'YX-4K7M-9QD2', asked: 'Which colour?', error: 'empty', entered: '' }, defaultConfig).html);
      checked[`error ${lang}`] = await seriousAxeViolations(page);
      const files = replyFileLimits(defaultConfig, REPLY_BODY_MAX_BYTES)!;
      await page.setContent(replyFormPage({ token: 'a'.repeat(32), locale: lang, reference: 'YX-4K7M-9QD2', asked: 'Which colour?', files, error: 'file_too_large', file: 'IMG_0001.HEIC', entered: 'x' }, defaultConfig).html);
      checked[`file error ${lang}`] = await seriousAxeViolations(page);
      await page.goto(`${of('en').link}?lang=${lang}`);
      checked[`thanks ${lang}`] = await seriousAxeViolations(page);
      await page.goto(`${pipeline.url}/r/${'a'.repeat(32)}?lang=${lang}`);
      checked[`not found ${lang}`] = await seriousAxeViolations(page);
    }
    expect(checked).toEqual(Object.fromEntries(Object.keys(checked).map((k) => [k, []])));
    await ctx.close();
  });

  it.each([
    ['zh-CN', 'shotZh'],
    ['en', 'shotEn'],
    ['en', 'long'],
  ] as const)('%s fits a phone screen (390x844) with large touch targets (%s note); screenshots of the realistic ones saved to test-artifacts/', async (locale, name) => {
    const ctx = await context({ deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(of(name).link);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    const overflow = await page.evaluate(() => {
      const d = (globalThis as any).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBe(0);
    // The bidi override in the note is gone: nothing can reverse the text around it.
    expect(await page.locator('.asked').textContent()).not.toContain(RLO);
    for (const target of [page.locator('button'), page.locator('textarea'), page.locator('input[type=file]'), page.locator('header a').first()]) {
      expect((await target.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    }
    if (name !== 'long') await fullPageScreenshot(page, { path: join(ARTIFACTS_DIR, `reply-page-${locale}-390x844.png`) });
    await ctx.close();
  });
});

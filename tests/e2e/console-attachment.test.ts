import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { contentDisposition } from '../../functions/adapters/http.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';
import { emailWithFile, sendSmtp } from '../support/smtp.ts';

const TOKEN = 'attachment-agent-token';
let pipeline: LocalPipeline;
const admin = client(() => pipeline.url, TOKEN);
/** The 1×1 PNG inside tests/fixtures/mail/attachment.eml. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function session(department?: string): Promise<string> {
  const res = await fetch(`${pipeline.url}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: TOKEN, ...(department && { department }) }).toString(),
  });
  expect(res.status).toBe(303);
  return /console_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
}

const get = (path: string, cookie?: string) => fetch(`${pipeline.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie: `console_session=${cookie}` } : {} });

describe('downloading a file a customer emailed, from the console', () => {
  let complaintId: string;
  let department: string;

  beforeAll(async () => {
    pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: new Date('2026-11-23T03:00:00Z') });
    const raw = readFileSync(new URL('../fixtures/mail/attachment.eml', import.meta.url), 'latin1');
    const sent = await sendSmtp(pipeline.smtpPort!, { from: 'carol@example.com', to: ['complaints@youxuan-mall.example.com'] }, raw);
    expect(sent.last).toMatch(/^250/);
    await admin.settle();
    const listed = await admin.call('GET', '/complaints?status=received');
    const complaint = (listed.body.items as Array<{ id: string; department: string; title?: string }>).find((c) => c.title?.startsWith('Damaged screen'));
    expect(complaint).toBeDefined();
    complaintId = complaint!.id;
    department = complaint!.department;
  }, 120_000);
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('links each stored file from the complaint page and serves it as a download, byte for byte', async () => {
    const cookie = await session();
    const page = await (await get(`/console/complaints/${complaintId}?lang=en`, cookie)).text();
    expect(page).toContain(`<a href="/console/attachments/${complaintId}/0" download>screen.png</a>`);
    expect(page).toContain(`<a href="/console/attachments/${complaintId}/1" download>invoice.pdf</a>`);
    expect(page).not.toContain(`/console/attachments/${complaintId}/2`); // setup.exe was not stored
    const res = await get(`/console/attachments/${complaintId}/0`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="screen.png"; filename*=UTF-8''screen.png`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  });

  it('shows a kept photo on the complaint page, served as the image it is (inline, nosniff, sandboxed); never a PDF, and never bytes that are not the type claimed', async () => {
    const cookie = await session();
    const page = await (await get(`/console/complaints/${complaintId}?lang=en`, cookie)).text();
    const src = `/console/attachments/${complaintId}/0?view=inline`;
    expect(page).toContain(`<a href="${src}" target="_blank" rel="noopener"><img class="thumb" src="${src}" alt="screen.png" loading="lazy"></a>`);
    expect(page).not.toContain(`/console/attachments/${complaintId}/1?view=inline`);
    const res = await get(src, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="screen.png"; filename*=UTF-8''screen.png`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    // The PDF is a download only; no session still signs in; another department still finds nothing.
    const pdf = await get(`/console/attachments/${complaintId}/1?view=inline`, cookie);
    expect(pdf.status).toBe(415);
    expect(pdf.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await get(src)).status).toBe(302);
    expect((await get(src, await session(defaultConfig.departments.find((d) => d.id !== department)!.id))).status).toBe(404);

    // A page claiming to be a PNG: listed and downloadable, never shown or served as an image.
    const raw = emailWithFile(
      { from: 'Carol Chen <carol@example.com>', to: 'complaints@youxuan-mall.example.com', subject: 'Wrong colour delivered, photo attached', messageId: '<attach-fake-0001@mail.example.com>' },
      'The sofa arrived in the wrong colour.',
      { contentType: 'image/png; name="sofa.png"', disposition: 'attachment; filename="sofa.png"', content: '<html><script>alert(document.cookie)</script></html>' },
    );
    expect((await sendSmtp(pipeline.smtpPort!, { from: 'carol@example.com', to: ['complaints@youxuan-mall.example.com'] }, raw)).last).toMatch(/^250/);
    await admin.settle();
    const fake = ((await admin.call('GET', '/complaints?status=received')).body.items as Array<{ id: string; department: string; title?: string }>).find((c) => c.title?.startsWith('Wrong colour'))!;
    const own = await session(fake.department);
    expect(await (await get(`/console/complaints/${fake.id}?lang=en`, own)).text()).toContain(`<img class="thumb" src="/console/attachments/${fake.id}/0?view=inline"`);
    const refused = await get(`/console/attachments/${fake.id}/0?view=inline`, own);
    expect(refused.status).toBe(415);
    expect(refused.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await get(`/console/attachments/${fake.id}/0`, own)).headers.get('content-type')).toBe('application/octet-stream');
  });

  it('sends a person without a session to sign in, and answers 404 alike for another department, no such file and garbage', async () => {
    const none = await get(`/console/attachments/${complaintId}/0`);
    expect(none.status).toBe(302);
    expect(none.headers.get('location')).toBe('/console/login');
    const other = defaultConfig.departments.find((d) => d.id !== department)!.id;
    const outsider = await session(other);
    const mine = await session(department);
    for (const [path, cookie] of [
      [`/console/attachments/${complaintId}/0`, outsider],
      [`/console/attachments/${complaintId}/7`, mine],
      [`/console/attachments/${complaintId}/-1`, mine],
      [`/console/attachments/${complaintId}/01`, mine],
      [`/console/attachments/01K0000000000000000000000Z/0`, mine],
      [`/console/attachments/..%2F..%2Fetc/0`, mine],
      [`/console/attachments/${'9'.repeat(5000)}/0`, mine],
    ] as const) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toBe('text/plain; charset=utf-8');
    }
    expect((await get(`/console/attachments/${complaintId}/0`, mine)).status).toBe(200);
  });

  it('sends a file too large for a function answer through a one-minute link, after the same checks', async () => {
    // A phone photo of 4.5 MiB: over the 4 MiB a Lambda answer can carry as base64, under the 5 MiB kept.
    const photo = Buffer.concat([PNG.subarray(0, 16), randomBytes(4.5 * 1024 * 1024)]);
    const raw = emailWithFile(
      { from: 'Carol Chen <carol@example.com>', to: 'complaints@youxuan-mall.example.com', subject: 'Scratched lens, full-size photo attached', messageId: '<attach-large-0001@mail.example.com>' },
      'The camera lens arrived scratched. The photo is attached at full size.',
      { contentType: 'image/png; name="镜头.png"', disposition: "attachment; filename*=UTF-8''%E9%95%9C%E5%A4%B4.png", content: photo },
    );
    expect((await sendSmtp(pipeline.smtpPort!, { from: 'carol@example.com', to: ['complaints@youxuan-mall.example.com'] }, raw)).last).toMatch(/^250/);
    await admin.settle();
    const listed = await admin.call('GET', '/complaints?status=received');
    const large = (listed.body.items as Array<{ id: string; department: string; title?: string }>).find((c) => c.title?.startsWith('Scratched lens'))!;
    expect(large).toBeDefined();
    const outsider = await session(defaultConfig.departments.find((d) => d.id !== large.department)!.id);
    expect((await get(`/console/attachments/${large.id}/0`, outsider)).status).toBe(404);
    expect((await get(`/console/attachments/${large.id}/0`)).status).toBe(302);

    const res = await get(`/console/attachments/${large.id}/0`, await session(large.department));
    expect(res.status).toBe(303);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const link = res.headers.get('location')!;
    expect(link).toMatch(/^\/local\/mail\/download\?/);
    expect(Number(new URL(link, pipeline.url).searchParams.get('expires')) - Date.now() / 1000).toBeLessThanOrEqual(60);
    const file = await fetch(`${pipeline.url}${link}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="__.png"; filename*=UTF-8''%E9%95%9C%E5%A4%B4.png`);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true);
    // The link is the file's and nothing else's.
    const forged = new URL(link, pipeline.url);
    forged.searchParams.set('key', forged.searchParams.get('key')!.replace(/[^/]+$/, '0-screen.png'));
    expect((await fetch(forged)).status).toBe(403);
  });

  it('names a file in Content-Disposition safely, whatever its name', () => {
    expect(contentDisposition('发票.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf`);
    expect(contentDisposition('a"b\\c\r\n.png')).toBe(`attachment; filename="a_b_c__.png"; filename*=UTF-8''a%22b%5Cc%0D%0A.png`);
    expect(contentDisposition('')).toBe(`attachment; filename="attachment"; filename*=UTF-8''`);
  });
});

/**
 * The reply link in a "waiting on you" SMS, through the in-process local pipeline on DynamoDB Local:
 * the progress notifier mints it, the page shows what the agent asked, the reply moves the complaint
 * on once, and links that lead nowhere are 404 pages.
 */
import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClients } from '../../functions/local/dynamodb-local.ts';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';

const TOKEN = 'web-reply-token';
const NOTE = 'Please send the tracking number on your courier receipt.';
const DAY = 86_400_000;
let pipeline: LocalPipeline;
const api = client(() => pipeline.url, TOKEN);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const page = async (url: string, init: RequestInit = {}) => {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, html: await res.text() };
};
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A console session signed in with the agent token (all departments). */
async function session(): Promise<string> {
  const res = await fetch(`${pipeline.url}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: FORM,
    body: new URLSearchParams({ token: TOKEN }).toString(),
  });
  expect(res.status).toBe(303);
  return /console_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
}
const post = (url: string, text: string, headers: Record<string, string> = FORM) => page(url, { method: 'POST', headers, body: new URLSearchParams({ text, lang: '' }).toString() });

/** A phone-only complaint the agent acknowledged and then asked for information (`note`); its SMS reply link. */
async function waitingComplaint(name: string, locale: 'en' | 'zh-CN', note?: string, internal = false): Promise<{ id: string; ref: string; link: string; sms: string }> {
  const created = await api.call('POST', '/complaints', { channel: 'phone', customer: { id: `web-reply-${name}`, phone: '+8613912345678', locale }, title: 'Parcel lost', description: 'My parcel never arrived, the courier says it was delivered' });
  expect(created.status).toBe(201);
  const { id, ref } = created.body as { id: string; ref: string };
  for (const event of [{ type: 'acknowledge' }, { type: 'wait_on_customer', ...(note && { note }), ...(internal && { internal }) }]) {
    expect((await api.call('POST', `/complaints/${id}/events`, { ...event, actor: 'agent:li.ming' })).status).toBe(200);
  }
  await api.settle();
  const sms = (await api.outbox()).filter((m) => m.complaintId === id && m.channel === 'sms').at(-1)?.body as string;
  const link = /http:\/\/127\.0\.0\.1:\d+\/r\/[a-z2-7]{32}/.exec(sms)?.[0];
  expect(link, sms).toBeDefined();
  return { id, ref, link: link!, sms };
}

describe('reply link for customers reached by SMS (local pipeline, DynamoDB Local)', () => {
  beforeAll(async () => {
    // Monday 10:00 in Shanghai.
    pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: new Date('2026-11-23T02:00:00Z') });
  }, 120_000);
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('phone only: the SMS carries a working link; the page shows the note; the reply resumes the complaint once', async () => {
    const { id, ref, link, sms } = await waitingComplaint('main', 'en', NOTE);
    expect(sms).toBe(`YouXuan Mall: ref ${ref} needs information from you. Note: ${NOTE} Answer here: ${link} Reply STOP to opt out`);

    const shown = await page(link);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(shown.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.html).toContain('<html lang="en">');
    expect(shown.html).toContain(`<p class="asked"><bdi>${NOTE}</bdi></p>`);
    expect(shown.html).toContain(`about complaint ${ref}.`);
    expect(shown.html).not.toContain(id);

    const before = (await api.call('GET', `/complaints/${id}`)).body;
    expect(before).toMatchObject({ status: 'waiting_on_customer', sla: { pausedAt: expect.any(String) } });
    const answered = await post(link, '  The tracking number is SF1234567890.  ');
    expect(answered.status).toBe(200);
    expect(answered.html).toContain('<h1>Your reply reached us</h1>');
    await api.settle();

    const after = (await api.call('GET', `/complaints/${id}`)).body;
    expect(after.status).toBe('in_progress');
    expect(after.version).toBe(before.version + 1);
    expect(after.sla.pausedAt).toBeUndefined();
    const token = link.split('/r/')[1]!;
    expect(after.timeline.at(-1)).toMatchObject({
      actor: 'customer:web',
      event: 'customer_replied',
      status: 'in_progress',
      note: 'The tracking number is SF1234567890.',
      messageId: `web:${createHash('sha256').update(token).digest('hex')}`,
    });
    // The customer is thanked for the reply and hears work goes on, without their own words echoed back.
    const inProgress = (await api.outbox()).filter((m) => m.complaintId === id && m.channel === 'sms').at(-1)?.body as string;
    expect(inProgress).toBe(`YouXuan Mall: thank you, we have your reply and are working on ref ${ref} again. Reply STOP to opt out`);

    // The same reply again (a double submit, a retried request), or another text: the same page, nothing written.
    for (const text of ['The tracking number is SF1234567890.', 'Something else']) {
      const again = await post(link, text);
      expect(again.status).toBe(200);
      expect(again.html).toBe(answered.html);
    }
    expect((await page(link)).html).toBe(answered.html);
    await api.settle();
    expect((await api.call('GET', `/complaints/${id}`)).body.version).toBe(after.version);

    // The state table holds the link's hash and the complaint id, nothing about the customer.
    const { doc, dynamo } = localDynamoClients(pipeline.dynamoDb.endpoint);
    try {
      const items = (await doc.send(new ScanCommand({ TableName: pipeline.dynamoDb.tables.state, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': 'REPLYLINK#' } }))).Items ?? [];
      const mine = items.filter((i) => i.complaintId === id);
      expect(mine).toHaveLength(1);
      expect(Object.keys(mine[0]!).sort()).toEqual(['complaintId', 'expiresAt', 'pk', 'sk', 'tokenExpiresAt']);
      expect(mine[0]!.pk).toBe(`REPLYLINK#${createHash('sha256').update(token).digest('hex')}`);
      expect(JSON.stringify(mine)).not.toContain(token);
    } finally {
      dynamo.destroy();
    }
  });

  it('a complaint not waiting any more takes the reply as a customer_web_reply entry; a closed one takes none', async () => {
    const open = await waitingComplaint('open', 'zh-CN', '请提供订单号。');
    expect(open.sms).toContain(`请点链接回复：${open.link} 留言：请提供订单号。`);
    expect((await api.call('POST', `/complaints/${open.id}/events`, { type: 'customer_replied', actor: 'agent:li.ming', note: 'called the customer' })).status).toBe(200);
    const reply = await post(open.link, '订单号 8812');
    expect(reply.status).toBe(200);
    expect(reply.html).toContain('<html lang="zh-CN">');
    const stored = (await api.call('GET', `/complaints/${open.id}`)).body;
    expect(stored.status).toBe('in_progress');
    expect(stored.timeline.at(-1)).toMatchObject({ actor: 'customer:web', event: 'customer_web_reply', status: 'in_progress', note: '订单号 8812' });

    const resolved = await waitingComplaint('closed', 'en', 'Which colour?');
    for (const type of ['customer_replied', 'resolve', 'close']) expect((await api.call('POST', `/complaints/${resolved.id}/events`, { type, actor: 'agent:li.ming' })).status).toBe(200);
    const version = (await api.call('GET', `/complaints/${resolved.id}`)).body.version;
    const closed = await post(resolved.link, 'Blue');
    expect(closed.status).toBe(410);
    expect(closed.html).toContain(`Complaint ${resolved.ref} has been resolved, so this link no longer takes replies.`);
    expect((await page(resolved.link)).status).toBe(410);
    expect((await api.call('GET', `/complaints/${resolved.id}`)).body.version).toBe(version);
  });

  it('the "resolved" SMS carries a link too: "not solved?" reopens the complaint within the reopen window, tells the head, and the customer hears it is reopened', async () => {
    const { id, ref } = await waitingComplaint('reopen', 'en', 'Which colour?');
    for (const event of [{ type: 'customer_replied' }, { type: 'resolve', note: 'A blue one is on its way.' }]) {
      expect((await api.call('POST', `/complaints/${id}/events`, { ...event, actor: 'agent:li.ming' })).status).toBe(200);
    }
    await api.settle();
    const sms = (await api.outbox()).filter((m) => m.complaintId === id && m.channel === 'sms').at(-1)?.body as string;
    const link = /http:\/\/127\.0\.0\.1:\d+\/r\/[a-z2-7]{32}/.exec(sms)?.[0] ?? '';
    expect(sms).toBe(`YouXuan Mall: ref ${ref} is resolved. Note: A blue one is on its way. Not solved? Tell us: ${link} Reply STOP to opt out`);

    const shown = await page(link);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('<h1>Not solved?</h1>');
    expect(shown.html).toContain('<h2 id="asked-h">What we did</h2><p class="asked"><bdi>A blue one is on its way.</bdi></p>');
    const reopened = await post(link, 'It arrived red again.');
    expect(reopened.status).toBe(200);
    expect(reopened.html).toContain('<h1>Your complaint is reopened</h1>');
    await api.settle();
    const stored = (await api.call('GET', `/complaints/${id}`)).body;
    expect(stored).toMatchObject({ status: 'reopened', reopenCount: 1 });
    expect(stored.timeline.at(-1)).toMatchObject({ actor: 'customer:web', event: 'reopen', note: 'It arrived red again.' });
    const mine = (await api.outbox()).filter((m) => m.complaintId === id);
    expect(mine.at(-2)).toMatchObject({ kind: 'customer_reopened', channel: 'email' });
    expect(mine.at(-2)?.body).toContain('客户通过我们短信中的回复链接，重新打开了已解决的投诉'); // the department's language
    expect(mine.at(-2)?.body).toContain('It arrived red again.');
    expect(mine.at(-1)).toMatchObject({ kind: 'progress', channel: 'sms' });
    expect(mine.at(-1)?.body).toContain(`ref ${ref} was reopened.`);
    // The same link again: the same page, nothing written.
    expect((await post(link, 'again')).html).toBe(reopened.html);

    // Resolved longer ago than inbound.reopenWithinDays (14): the page says it is resolved, nothing is written.
    const late = await waitingComplaint('late', 'en', 'Which colour?');
    for (const type of ['customer_replied', 'resolve']) expect((await api.call('POST', `/complaints/${late.id}/events`, { type, actor: 'agent:li.ming' })).status).toBe(200);
    await api.settle();
    const lateLink = /http:\/\/127\.0\.0\.1:\d+\/r\/[a-z2-7]{32}/.exec((await api.outbox()).filter((m) => m.complaintId === late.id && m.channel === 'sms').at(-1)?.body as string)?.[0] ?? '';
    pipeline.clock.set(new Date(pipeline.clock.now().getTime() + 15 * DAY));
    await api.settle();
    expect((await post(lateLink, 'still wrong')).status).toBe(410);
    expect((await api.call('GET', `/complaints/${late.id}`)).body.status).toBe('resolved');
  });

  it('an internal note is never on the page; an empty or too long reply is a 400 re-showing the form with the text', async () => {
    const { id, link } = await waitingComplaint('internal', 'zh-CN', 'VIP customer, handle with care', true);
    const shown = await page(link);
    expect(shown.status).toBe(200);
    expect(shown.html).not.toContain('VIP customer');
    expect(shown.html).toContain('请告诉我们有助于继续处理您投诉的任何信息。');

    const empty = await post(link, '   ');
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('请填写您的回复，或选择一张照片。');
    const long = 'x'.repeat(2001);
    const tooLong = await post(link, long);
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('回复最多 2000 字，请删减后再发送。');
    expect(tooLong.html).toContain(`>${long}</textarea>`);
    expect((await page(`${link}?lang=en`)).html).toContain('<html lang="en">');
    expect((await post(link, '', { 'content-type': 'application/json' })).status).toBe(415);
    expect((await page(link, { method: 'POST', headers: FORM, body: `text=${'x'.repeat(70 * 1024)}` })).status).toBe(413);
    expect((await api.call('GET', `/complaints/${id}`)).body.status).toBe('waiting_on_customer');
  });

  it('photos: the page takes a PNG beside (or instead of) the text; the entry lists it, the console serves it, a second POST stores nothing, erasure deletes it', async () => {
    const { id, link } = await waitingComplaint('photo', 'en', 'Please send a photo of the damaged part.');
    const shown = await page(link);
    expect(shown.html).toContain('enctype="multipart/form-data"');
    expect(shown.html).toContain('<input type="file" id="files" name="files" multiple accept="image/jpeg,');

    // A refused type: 400, the page names the file, the text is kept, nothing is stored or written.
    const before = (await pipeline.mail.list()).length;
    const refused = new FormData();
    refused.set('text', 'See the attached program');
    refused.append('files', new Blob([Buffer.from('MZ')], { type: 'application/x-msdownload' }), '..\\setup\u202Egnp.exe');
    const bad = await page(link, { method: 'POST', body: refused });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('We cannot take the file “setupgnp.exe”.');
    expect(bad.html).toContain('>See the attached program</textarea>');
    // Beyond the request limit: 413 with the page (the link still takes a reply).
    const huge = new FormData();
    huge.append('files', new Blob([new Uint8Array(4 * 1024 * 1024 + 1)], { type: 'image/jpeg' }), 'huge.jpg');
    const tooLarge = await page(link, { method: 'POST', body: huge });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.html).toContain('Your photos are larger than 4 MB together');
    expect((await pipeline.mail.list()).length).toBe(before);
    expect((await api.call('GET', `/complaints/${id}`)).body.status).toBe('waiting_on_customer');

    // A photo alone (the text left empty) is the reply.
    const sent = new FormData();
    sent.set('lang', '');
    sent.set('text', '');
    sent.append('files', new Blob([PNG], { type: 'image/png' }), 'damage.png');
    const thanks = await page(link, { method: 'POST', body: sent });
    expect(thanks.status).toBe(200);
    expect(thanks.html).toContain('<h1>Your reply reached us</h1>');
    await api.settle();
    const complaint = (await api.call('GET', `/complaints/${id}`)).body;
    expect(complaint.status).toBe('in_progress');
    const entry = complaint.timeline.at(-1);
    expect(entry).toMatchObject({ actor: 'customer:web', event: 'customer_replied', attachments: [{ name: 'damage.png', contentType: 'image/png', size: PNG.length }] });
    expect(entry.note).toBeUndefined();
    const key = entry.attachments[0].key as string;
    expect(key).toMatch(new RegExp(`^attachments/${id}/[0-9a-f]{16}/1-damage\\.png$`));
    expect(Buffer.from((await pipeline.mail.get(key))!)).toEqual(PNG);

    // The console lists it and serves it through the email attachments' route.
    const cookie = await session();
    const consolePage = await (await fetch(`${pipeline.url}/console/complaints/${id}?lang=en`, { headers: { cookie: `console_session=${cookie}` } })).text();
    expect(consolePage).toContain(`<a href="/console/attachments/${id}/0" download>damage.png</a>`);
    const download = await fetch(`${pipeline.url}/console/attachments/${id}/0`, { headers: { cookie: `console_session=${cookie}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG);

    // A second POST on the used link: the thank-you page, nothing stored, nothing written.
    const stored = await pipeline.mail.list();
    const again = new FormData();
    again.set('text', 'and another one');
    again.append('files', new Blob([PNG], { type: 'image/png' }), 'second.png');
    expect((await page(link, { method: 'POST', body: again })).html).toContain('<h1>Your reply reached us</h1>');
    expect(await pipeline.mail.list()).toEqual(stored);
    const after = (await api.call('GET', `/complaints/${id}`)).body;
    expect(after.version).toBe(complaint.version);

    // Erasing the customer deletes the file; the console has nothing to serve.
    const erased = await api.call('POST', `/customers/web-reply-photo/erase`, { actor: 'agent:dpo' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ complaints: 1, files: 1 });
    expect(await pipeline.mail.get(key)).toBeUndefined();
    expect((await fetch(`${pipeline.url}/console/attachments/${id}/0`, { headers: { cookie: `console_session=${cookie}` } })).status).toBe(404);
  });

  it('malformed, unknown and expired links are 404 pages that show nothing of any complaint', async () => {
    const { id, ref, link } = await waitingComplaint('expiring', 'en', NOTE);
    const base = link.slice(0, link.indexOf('/r/'));
    for (const url of [`${base}/r/short`, `${base}/r/${'a'.repeat(32)}`, `${base}/r/${'A'.repeat(32)}`, `${base}/r/%E2%80%AE${'a'.repeat(29)}`]) {
      for (const res of [await page(url), await post(url, 'hello')]) {
        expect(res.status, url).toBe(404);
        expect(res.html).toContain('<h1>链接无效</h1>'); // nothing says whose: the company's default language
        expect(res.html).not.toContain('YX-');
      }
    }
    pipeline.clock.set(new Date(pipeline.clock.now().getTime() + 30 * DAY + 60_000));
    await api.settle();
    for (const res of [await page(link), await post(link, 'late')]) {
      expect(res.status).toBe(404);
      expect(res.html).not.toContain(ref);
    }
    expect((await api.call('GET', `/complaints/${id}`)).body.status).toBe('waiting_on_customer');
  });
});

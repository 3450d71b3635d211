import { describe, expect, it } from 'vitest';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import type { Locale } from '../../functions/domain/config.ts';
import { applyEvent, type ComplaintEvent } from '../../functions/domain/lifecycle.ts';
import type { EmailMessage, SmsMessage } from '../../functions/domain/messages.ts';
import { eraseComplaint } from '../../functions/domain/personal-data.ts';
import { renderProgress } from '../../functions/domain/progress.ts';
import { renderReopenNotice } from '../../functions/domain/reopen-notice.ts';
import { recordedReply, replyClosedPage, replyFormPage, replyNotFoundPage, replyThanksPage } from '../../functions/domain/reply-pages.ts';
import { smsSegments, SMS_BUDGET } from '../../functions/domain/sms.ts';
import { planAttachments, type ParsedAttachment } from '../../functions/domain/inbound-mail.ts';
import { REPLY_PHOTO_SCRIPT } from '../../functions/domain/reply-photo-script.ts';
import { sizeText } from '../../functions/domain/templates/reply-page.ts';
import { functions } from '../../functions/pipeline.ts';
import { applyWebReply, askedNote, parseReplyForm, REPLY_BODY_MAX_BYTES, replyFileLimits, replyFileSettings, replyLinkState, webReplyMessageId, WEB_ACTOR, WEB_REPLY_EVENT } from '../../functions/domain/web-reply.ts';
import { defaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');
const later = new Date('2026-11-17T02:00:00.000Z');
const TOKEN = 'abcdefghijklmnopqrstuvwxyz234567';
const MESSAGE_ID = webReplyMessageId(TOKEN);
const RLO = '\u202E';

function complaint(locale: Locale = 'en'): Complaint {
  const r = createComplaint({ channel: 'phone', customer: { id: 'c-phone', phone: '+8613912345678', locale }, title: 'Parcel lost', description: 'My parcel never arrived' }, defaultConfig, t0, '01KREPLY000000000000000000');
  if (!r.ok) throw new Error('fixture');
  return { ...r.complaint, ref: 'YX-4K7M-9QD2' };
}

function walk(c: Complaint, ...events: Array<Omit<ComplaintEvent, 'actor'>>): Complaint {
  for (const e of events) {
    const r = applyEvent(c, { actor: 'agent:li', ...e } as ComplaintEvent, t0, defaultConfig);
    if (!r.ok) throw new Error(`${e.type}: ${r.error.kind}`);
    c = r.complaint;
  }
  return c;
}

const waiting = (note?: string, locale: Locale = 'en') => walk(complaint(locale), { type: 'acknowledge' }, { type: 'wait_on_customer', ...(note && { note }) });
const form = (text: string) => ({ text });
const MiB = 1024 * 1024;
const LIMITS = replyFileLimits(defaultConfig, 4 * MiB)!;
const file = (filename: string | undefined, contentType: string, size: number): ParsedAttachment => ({ ...(filename !== undefined && { filename }), contentType, size, content: new Uint8Array(size) });
const PNG = file('damage.png', 'image/png', 2048);

describe('reading the submitted reply', () => {
  it.each([
    ['  The tracking number is SF123.  ', { ok: true, text: 'The tracking number is SF123.', files: [] }],
    ['line one\r\nline two', { ok: true, text: 'line one\nline two', files: [] }],
    ['x'.repeat(2000), { ok: true, text: 'x'.repeat(2000), files: [] }],
    // CRLF counts as one character, as the textarea's maxlength does: 1,000 lines of "x" are 1,999 characters.
    [Array.from({ length: 1000 }, () => 'x').join('\r\n'), { ok: true, text: Array.from({ length: 1000 }, () => 'x').join('\n'), files: [] }],
    ['', { ok: false, error: 'empty', entered: '' }],
    [' \r\n\t ', { ok: false, error: 'empty', entered: ' \r\n\t ' }],
    ['x'.repeat(2001), { ok: false, error: 'too_long', entered: 'x'.repeat(2001) }],
  ])('%j', (text, expected) => {
    expect(parseReplyForm(form(text))).toEqual(expected);
  });

  it('treats a missing field as empty', () => {
    expect(parseReplyForm({ text: '' })).toEqual({ ok: false, error: 'empty', entered: '' });
  });
});

describe('files sent with the reply (the email attachments\' rules)', () => {
  it('bounds the request as the route declares it (the local server buffers up to it), under Lambda\'s 6 MB once base64-encoded', () => {
    expect(functions.replyAnswer.trigger).toMatchObject({ maxBodyBytes: REPLY_BODY_MAX_BYTES });
    expect(Math.ceil(REPLY_BODY_MAX_BYTES / 3) * 4).toBeLessThan(6 * 1000 * 1000 - 64 * 1024);
  });

  it('takes the limits from inbound.attachments, the size per file bounded by the request; none without inbound or with nothing allowed', () => {
    expect(LIMITS).toEqual({ maxCount: 10, maxBytes: 4 * MiB, totalBytes: 4 * MiB, allowedTypes: defaultConfig.inbound!.attachments.allowedTypes });
    const { inbound: _none, ...textOnly } = defaultConfig;
    expect(replyFileLimits(textOnly as typeof defaultConfig, 4 * MiB)).toBeUndefined();
    const small = { ...defaultConfig, inbound: { ...defaultConfig.inbound!, attachments: { ...defaultConfig.inbound!.attachments, maxBytes: MiB } } };
    expect(replyFileLimits(small, 4 * MiB)?.maxBytes).toBe(MiB);
    expect(replyFileLimits({ ...defaultConfig, inbound: { ...defaultConfig.inbound!, attachments: { ...defaultConfig.inbound!.attachments, maxCount: 0 } } }, 4 * MiB)).toBeUndefined();
    expect(replyFileLimits({ ...defaultConfig, inbound: { ...defaultConfig.inbound!, attachments: { ...defaultConfig.inbound!.attachments, allowedTypes: [] } } }, 4 * MiB)).toBeUndefined();
    expect([sizeText(4 * MiB), sizeText(1.5 * MiB), sizeText(300 * 1024 + 7)]).toEqual(['4 MB', '1.5 MB', '300 KB']);
  });

  it.each([
    ['a photo alone is a reply (the agent asked for one)', { text: '  ', files: [PNG] }, { ok: true, text: '', files: [PNG] }],
    ['text and a photo', { text: 'Here it is', files: [PNG] }, { ok: true, text: 'Here it is', files: [PNG] }],
    ['an empty file input (a nameless part of 0 bytes) is no file', { text: 'Only text', files: [file('', 'application/octet-stream', 0)] }, { ok: true, text: 'Only text', files: [] }],
    ['an empty file input and no text', { text: '', files: [file('', 'application/octet-stream', 0)] }, { ok: false, error: 'empty', entered: '' }],
    ['a type not allowed, named by its safe name', { text: 'kept', files: [PNG, file('setup.exe', 'application/x-msdownload', 10)] }, { ok: false, error: 'file_type', file: 'setup.exe', entered: 'kept' }],
    ['the type as the browser says it, parameters and case aside', { text: '', files: [file('a.JPG', 'IMAGE/JPEG; q=1', 10)] }, { ok: true, text: '', files: [file('a.JPG', 'IMAGE/JPEG; q=1', 10)] }],
    ['no type at all', { text: 'x', files: [file('blob', '', 10)] }, { ok: false, error: 'file_type', file: 'blob', entered: 'x' }],
    ['a file over the limit', { text: 'x', files: [file('big.jpg', 'image/jpeg', 4 * MiB + 1)] }, { ok: false, error: 'file_too_large', file: 'big.jpg', entered: 'x' }],
    ['one file more than allowed', { text: 'x', files: Array.from({ length: 11 }, (_, i) => file(`p${i}.png`, 'image/png', 1)) }, { ok: false, error: 'too_many_files', entered: 'x' }],
    ['too long text with a photo', { text: 'x'.repeat(2001), files: [PNG] }, { ok: false, error: 'too_long', entered: 'x'.repeat(2001) }],
    ['hostile names: path separators, bidi controls, control characters', { text: '', files: [file(`..\\..\\evil/inv\u202Egnp.exe\u0007`, 'application/x-msdownload', 1)] }, { ok: false, error: 'file_type', file: 'invgnp.exe', entered: '' }],
  ] as const)('%s', (_name, submitted, expected) => {
    expect(parseReplyForm(submitted as { text: string; files: ParsedAttachment[] }, LIMITS)).toEqual(expected);
  });

  it('takes a file exactly at the limit', () => {
    // The same object back, not a deep comparison of 4 MiB of bytes (which alone took 30 s).
    const edge = file('edge.jpg', 'image/jpeg', 4 * MiB);
    const r = parseReplyForm({ text: '', files: [edge] }, LIMITS);
    if (!r.ok) throw new Error(`refused: ${r.error}`);
    expect(r.text).toBe('');
    expect(r.files.length).toBe(1);
    expect(r.files[0] === edge).toBe(true);
  });

  it('refuses every file on a text-only page (no inbound)', () => {
    expect(parseReplyForm({ text: 'x', files: [PNG] })).toMatchObject({ ok: false, error: 'file_type' });
  });

  it('names a refused file safely: no path, no bidirectional or control characters, at most 100 characters', () => {
    const long = file(`C:/Users/me/${'长'.repeat(300)}\u202E\u0007.exe`, 'application/x-msdownload', 1);
    const r = parseReplyForm({ text: 'x', files: [long] }, LIMITS);
    expect(r.ok).toBe(false);
    const name = (r as { file: string }).file;
    expect([...name]).toHaveLength(100);
    expect(name).not.toMatch(/[\/\\\u202E\u0007]/);
  });

  it('plans storage keys per link message id and file index, ASCII only, under the complaint', () => {
    const files = [PNG, file(`../x/照片 \u202E1.jpg`, 'image/jpeg', 5)];
    const planned = planAttachments(files, '01KREPLY000000000000000000', MESSAGE_ID, replyFileSettings(LIMITS));
    const keys = planned.map((p) => p.entry.key);
    expect(keys).toEqual([expect.stringMatching(/^attachments\/01KREPLY000000000000000000\/[0-9a-f]{16}\/1-damage\.png$/), expect.stringMatching(/^attachments\/01KREPLY000000000000000000\/[0-9a-f]{16}\/2-___1\.jpg$/)]);
    // The same link and files plan the same keys: a retried request overwrites the same objects.
    expect(planAttachments(files, '01KREPLY000000000000000000', MESSAGE_ID, replyFileSettings(LIMITS)).map((p) => p.entry.key)).toEqual(keys);
    expect(planned[1]!.entry.name).toBe('照片 1.jpg');
  });
});

describe('what the link asks and what a reply does', () => {
  it('quotes the public note of the latest request, never an internal one', () => {
    expect(askedNote(waiting('Please send a photo of the receipt.'))).toBe('Please send a photo of the receipt.');
    const internal = walk(complaint(), { type: 'acknowledge' }, { type: 'wait_on_customer', note: 'Customer sounds like a reseller, check the order history', internal: true });
    expect(internal.timeline.at(-1)).toMatchObject({ noteInternal: true });
    expect(askedNote(internal)).toBeUndefined();
    // An older public request does not stand in for a newer one whose note is internal.
    const again = walk(waiting('Please send a photo.'), { type: 'customer_replied' }, { type: 'wait_on_customer', note: 'internal only', internal: true });
    expect(askedNote(again)).toBeUndefined();
    expect(askedNote(walk(again, { type: 'customer_replied' }, { type: 'wait_on_customer', note: 'Which colour did you order?' }))).toBe('Which colour did you order?');
  });

  it('waiting on the customer: customer_replied by customer:web, back in progress, the SLA clock running again, the link\'s message id on the entry', () => {
    const before = waiting('Please send the tracking number.');
    expect(before.sla.pausedAt).toBeDefined();
    const r = applyWebReply(before, { text: 'SF1234567890', messageId: MESSAGE_ID }, later, defaultConfig);
    if (!r.ok) throw new Error('refused');
    expect(r.event).toBe('customer_replied');
    expect(r.complaint).toMatchObject({ status: 'in_progress', version: before.version + 1 });
    expect(r.complaint.sla.pausedAt).toBeUndefined();
    expect(r.complaint.timeline.at(-1)).toEqual({ at: later.toISOString(), actor: WEB_ACTOR, event: 'customer_replied', status: 'in_progress', note: 'SF1234567890', messageId: MESSAGE_ID });
    expect(replyLinkState(r.complaint, MESSAGE_ID, later, defaultConfig)).toBe('replied');
    expect(applyWebReply(r.complaint, { text: 'again', messageId: MESSAGE_ID }, later, defaultConfig)).toEqual({ ok: false, state: 'replied' });
  });

  it.each([
    ['received', []],
    ['acknowledged', [{ type: 'acknowledge' }]],
    ['in_progress', [{ type: 'acknowledge' }, { type: 'start' }]],
    ['reopened', [{ type: 'acknowledge' }, { type: 'start' }, { type: 'resolve' }, { type: 'reopen' }]],
  ] as const)('%s: a customer_web_reply entry with the text; the status stays', (status, events) => {
    const before = walk(complaint(), ...events);
    expect(before.status).toBe(status);
    const r = applyWebReply(before, { text: 'It is order 8812.', messageId: MESSAGE_ID }, later, defaultConfig);
    if (!r.ok) throw new Error('refused');
    expect(r.event).toBe(WEB_REPLY_EVENT);
    expect(r.complaint).toMatchObject({ status, version: before.version + 1, sla: before.sla });
    expect(r.complaint.timeline.at(-1)).toEqual({ at: later.toISOString(), actor: WEB_ACTOR, event: WEB_REPLY_EVENT, status, note: 'It is order 8812.', messageId: MESSAGE_ID });
  });

  it('closed, or resolved longer ago than the reopen window: not written (closed)', () => {
    const closed = walk(waiting('Which colour?'), { type: 'customer_replied' }, { type: 'resolve' }, { type: 'close' });
    expect(replyLinkState(closed, MESSAGE_ID, later, defaultConfig)).toBe('closed');
    expect(applyWebReply(closed, { text: 'blue', messageId: MESSAGE_ID }, later, defaultConfig)).toEqual({ ok: false, state: 'closed' });
    const resolved = walk(waiting('Which colour?'), { type: 'customer_replied' }, { type: 'resolve' });
    // inbound.reopenWithinDays (14 in the shipped config) applies to web replies as to email ones.
    const day15 = new Date(t0.getTime() + 15 * 86_400_000);
    expect(replyLinkState(resolved, MESSAGE_ID, new Date(t0.getTime() + 14 * 86_400_000), defaultConfig)).toBe('open');
    expect(replyLinkState(resolved, MESSAGE_ID, day15, defaultConfig)).toBe('closed');
    expect(applyWebReply(resolved, { text: 'still broken', messageId: MESSAGE_ID }, day15, defaultConfig)).toEqual({ ok: false, state: 'closed' });
    // Without inbound settings the window is 14 days too.
    expect(replyLinkState(resolved, MESSAGE_ID, day15, {})).toBe('closed');
    expect(replyLinkState(resolved, MESSAGE_ID, later, {})).toBe('open');
  });

  it('resolved within the window: the reply reopens it, by customer:web, with the text and the link\'s message id; the page shows the resolution note', () => {
    const resolved = walk(waiting('Which colour?'), { type: 'customer_replied' }, { type: 'resolve', note: 'A new jar is on its way.' });
    expect(askedNote(resolved)).toBe('A new jar is on its way.');
    const r = applyWebReply(resolved, { text: 'The new jar is cracked too.', messageId: MESSAGE_ID }, later, defaultConfig);
    if (!r.ok) throw new Error('refused');
    expect(r.event).toBe('reopen');
    expect(r.complaint).toMatchObject({ status: 'reopened', version: resolved.version + 1, reopenCount: resolved.reopenCount + 1 });
    expect(r.complaint.timeline.at(-1)).toMatchObject({ actor: WEB_ACTOR, event: 'reopen', status: 'reopened', note: 'The new jar is cracked too.', messageId: MESSAGE_ID });
    expect(Date.parse(r.complaint.firstResponseDueAt)).toBeGreaterThan(later.getTime());
    expect(replyLinkState(r.complaint, MESSAGE_ID, later, defaultConfig)).toBe('replied');
  });

  it('with files: the entry lists them as an email\'s does (name, type, size, key); a photo alone carries no note', () => {
    const attachments = [{ name: 'damage.png', contentType: 'image/png', size: 2048, key: 'attachments/01KREPLY000000000000000000/0123456789abcdef/1-damage.png' }];
    const r = applyWebReply(waiting('Please send a photo.'), { text: '', messageId: MESSAGE_ID, attachments }, later, defaultConfig);
    if (!r.ok) throw new Error('refused');
    expect(r.event).toBe('customer_replied');
    expect(r.complaint.timeline.at(-1)).toEqual({ at: later.toISOString(), actor: WEB_ACTOR, event: 'customer_replied', status: 'in_progress', messageId: MESSAGE_ID, attachments });
    const other = applyWebReply(walk(complaint(), { type: 'acknowledge' }), { text: 'See photo', messageId: MESSAGE_ID, attachments }, later, defaultConfig);
    if (!other.ok) throw new Error('refused');
    expect(other.complaint.timeline.at(-1)).toEqual({ at: later.toISOString(), actor: WEB_ACTOR, event: WEB_REPLY_EVENT, status: 'acknowledged', note: 'See photo', messageId: MESSAGE_ID, attachments });
  });

  it('an erased or missing complaint is not found', () => {
    expect(replyLinkState(undefined, MESSAGE_ID, later, defaultConfig)).toBe('not_found');
    expect(replyLinkState(eraseComplaint(waiting('Which colour?'), later), MESSAGE_ID, later, defaultConfig)).toBe('not_found');
  });

  it('keys the entry by the token\'s SHA-256, never the token', () => {
    expect(MESSAGE_ID).toMatch(/^web:[0-9a-f]{64}$/);
    expect(MESSAGE_ID).not.toContain(TOKEN);
    expect(webReplyMessageId(TOKEN.replace('a', 'b'))).not.toBe(MESSAGE_ID);
  });
});

describe('the reply page', () => {
  const HOSTILE = `<script>alert(1)</script> ${RLO}gnp.exe`;

  it.each([
    ['en', 'Not solved?', 'We marked complaint YX-4K7M-9QD2 as resolved.', 'What we did', 'Send and reopen my complaint', 'Your complaint is reopened'],
    ['zh-CN', '问题仍未解决？', '投诉 YX-4K7M-9QD2 已标记为处理完毕。', '我们的处理结果', '发送并重新打开投诉', '投诉已重新打开'],
  ] as const)('%s, resolved complaint: asks what is still wrong, shows what we did, says it reopens; the thanks says it is reopened', (locale, title, intro, label, submit, thanks) => {
    const page = replyFormPage({ token: TOKEN, locale, reference: 'YX-4K7M-9QD2', asked: `Refunded ${HOSTILE}`, reopen: true }, defaultConfig);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<h1>${title}</h1>`);
    expect(page.html).toContain(intro);
    expect(page.html).toContain(`<h2 id="asked-h">${label}</h2><p class="asked"><bdi>Refunded &lt;script&gt;alert(1)&lt;/script&gt; gnp.exe</bdi></p>`);
    expect(page.html).toContain(`>${submit}</button>`);
    // No resolution note: no card at all (nothing was asked).
    expect(replyFormPage({ token: TOKEN, locale, reference: 'YX-4K7M-9QD2', reopen: true }, defaultConfig).html).not.toContain('asked-h');
    expect(replyThanksPage(locale, 'YX-4K7M-9QD2', defaultConfig, { reopened: true, files: [] }).html).toContain(`<h1>${thanks}</h1>`);
  });

  it('tells the head how the customer reopened it: by email, or with the reply link of our SMS', () => {
    const resolved = walk(waiting('Which colour?', 'en'), { type: 'customer_replied' }, { type: 'resolve' });
    const notice = (actor: string) => {
      const r = applyEvent(resolved, { type: 'reopen', actor, note: 'Still red.' }, later, defaultConfig);
      if (!r.ok) throw new Error('reopen');
      const en = { ...defaultConfig, departments: defaultConfig.departments.map((d) => ({ ...d, locale: 'en' as const })) };
      return (renderReopenNotice(r.complaint, r.complaint.timeline.length - 1, en, 'https://example.com')[0] as EmailMessage).text;
    };
    expect(notice(WEB_ACTOR)).toContain('The customer used the reply link in our text message and reopened the resolved complaint');
    expect(notice('customer:email')).toContain('The customer replied by email and reopened the resolved complaint');
  });

  it.each([
    ['en', 'Reply to our question', 'YouXuan Mall needs some information from you about complaint YX-4K7M-9QD2.', 'What we asked', 'Send reply'],
    ['zh-CN', '回复我们的问题', '优选商城需要您就投诉 YX-4K7M-9QD2 补充一些信息。', '处理人员的问题', '发送回复'],
  ] as const)('%s: company, reference, what the agent asked (isolated, escaped), a labelled textarea and a submit button', (locale, title, intro, asked, submit) => {
    const page = replyFormPage({ token: TOKEN, locale, reference: 'YX-4K7M-9QD2', asked: `Send the receipt ${HOSTILE}` }, defaultConfig);
    expect(page.status).toBe(200);
    expect(page.html.startsWith(`<!doctype html><html lang="${locale}">`)).toBe(true);
    expect(page.html).toContain(`<h1>${title}</h1>`);
    expect(page.html).toContain(`<p>${intro}</p>`);
    expect(page.html).toContain(`<h2 id="asked-h">${asked}</h2>`);
    expect(page.html).toContain('<p class="asked"><bdi>Send the receipt &lt;script&gt;alert(1)&lt;/script&gt; gnp.exe</bdi></p>');
    expect(page.html).not.toContain('<script>');
    expect(page.html).not.toContain(RLO);
    expect(page.html).toContain(`<form class="card" id="reply" method="post" action="./${TOKEN}" accept-charset="utf-8"><input type="hidden" name="lang" value="${locale}">`);
    expect(page.html).toMatch(/<label class="block" for="text">[^<]+<\/label><textarea id="text" name="text" maxlength="2000" rows="6" required aria-describedby="text-hint">/);
    expect(page.html).toContain(`<button type="submit">${submit}</button>`);
    expect(page.html).toContain('name="viewport" content="width=device-width, initial-scale=1"');
  });

  it('without a public note says what is needed in general, and never shows an internal note', () => {
    const internal = walk(complaint(), { type: 'acknowledge' }, { type: 'wait_on_customer', note: 'SECRET: reseller?', internal: true });
    const page = replyFormPage({ token: TOKEN, locale: 'en', reference: 'YX-4K7M-9QD2', asked: askedNote(internal) }, defaultConfig);
    expect(page.html).not.toContain('SECRET');
    expect(page.html).not.toContain('class="asked"');
    expect(page.html).toContain('Please tell us anything that helps us continue with your complaint.');
  });

  it.each([
    ['en', 'empty', 'Please write your reply.'],
    ['en', 'too_long', 'Your reply can be at most 2,000 characters. Please shorten it.'],
    ['zh-CN', 'empty', '请填写您的回复。'],
    ['zh-CN', 'too_long', '回复最多 2000 字，请删减后再发送。'],
  ] as const)('%s %s: 400, the error in the customer\'s language, the text kept (escaped)', (locale, error, message) => {
    const entered = `</textarea><script>alert(1)</script>`;
    const page = replyFormPage({ token: TOKEN, locale, reference: 'YX-4K7M-9QD2', error, entered }, defaultConfig);
    expect(page.status).toBe(400);
    expect(page.html).toContain(`<div class="errors" role="alert" id="errors">`);
    expect(page.html).toContain(`<p class="error" id="text-error">${message}</p>`);
    expect(page.html).toContain('aria-describedby="text-hint text-error" aria-invalid="true">&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');
  });

  it.each([
    [
      'en',
      'Photos or files (optional)',
      'Up to 10, 4 MB in total. Types: JPEG, PNG, GIF, WEBP, HEIC, PDF, TXT.',
      'Up to 10. Large photos are made smaller before they are sent, to fit 4 MB in total. Types: JPEG, PNG, GIF, WEBP, HEIC, PDF, TXT.',
      'Making your photos smaller to send them…',
      'Your files are larger than 4 MB together, so nothing was sent yet. Please choose fewer or smaller files; what you wrote is still here.',
    ],
    [
      'zh-CN',
      '照片或文件（可选）',
      '最多 10 个文件，合计不超过 4 MB。格式：JPEG、PNG、GIF、WEBP、HEIC、PDF、TXT。',
      '最多 10 个文件。较大的照片会在发送前自动缩小，合计不超过 4 MB。格式：JPEG、PNG、GIF、WEBP、HEIC、PDF、TXT。',
      '正在缩小照片，请稍候……',
      '文件合计超过 4 MB，回复尚未发送。请减少文件或选择较小的文件，您写的内容仍在。',
    ],
  ] as const)('%s with files (inbound configured): a multipart form, a file input (accept per policy, multiple) with its hint; the text is optional; the photo script\'s words on the form', (locale, label, hint, hintShrinking, shrinking, tooLarge) => {
    const page = replyFormPage({ token: TOKEN, locale, reference: 'YX-4K7M-9QD2', files: LIMITS }, defaultConfig);
    expect(page.status).toBe(200);
    expect(page.html).toContain(
      `<form class="card" id="reply" method="post" action="./${TOKEN}" accept-charset="utf-8" enctype="multipart/form-data" data-total-bytes="4194304" data-max-bytes="4194304" data-hint="${hintShrinking}" data-shrinking="${shrinking}" data-too-large="${tooLarge}">`,
    );
    expect(page.html).toContain('<textarea id="text" name="text" maxlength="2000" rows="6" aria-describedby="text-hint">');
    expect(page.html).toContain(
      `<label class="block" for="files">${label}</label><input type="file" id="files" name="files" multiple accept="image/jpeg,image/png,image/gif,image/webp,image/heic,application/pdf,text/plain" aria-describedby="files-hint"><p class="hint status" id="files-status" role="status"></p><p class="hint" id="files-hint">${hint}</p><button type="submit">`,
    );
    // The script, after main, and on the page for the CSP to allow by its hash.
    expect(page.script).toBe(REPLY_PHOTO_SCRIPT);
    expect(page.html).toContain(`</main><script>${REPLY_PHOTO_SCRIPT}</script></body>`);
    // Without files the page is the text-only one, with no script.
    const textOnly = replyFormPage({ token: TOKEN, locale, reference: 'YX-4K7M-9QD2' }, defaultConfig);
    expect(textOnly.html).not.toMatch(/enctype|type="file"|<script|data-/);
    expect(textOnly.script).toBeUndefined();
  });

  it('the photo script is static: nothing interpolated, no closing tag inside; it reads the page only through the form\'s data attributes', () => {
    expect(REPLY_PHOTO_SCRIPT).not.toMatch(/<\/script|<!--|\$\{/i);
    expect(new Set(REPLY_PHOTO_SCRIPT.match(/data\.\w+/g))).toEqual(new Set(['data.totalBytes', 'data.maxBytes', 'data.hint', 'data.shrinking', 'data.tooLarge']));
  });

  it.each([
    ['en', 'file_type', 400, 'We cannot take the file “a&lt;b&gt;.exe”. Please send JPEG, PNG, GIF, WEBP, HEIC, PDF, TXT files, and choose your photos again.'],
    ['en', 'file_too_large', 400, 'The file “a&lt;b&gt;.exe” is larger than 4 MB. Please choose a smaller photo (a screenshot, for example), and choose your photos again.'],
    ['en', 'too_many_files', 400, 'You can send at most 10 files. Please choose fewer.'],
    ['en', 'body_too_large', 413, 'Your photos are larger than 4 MB together, so your reply did not reach us. Please choose fewer or smaller photos and write your reply again.'],
    ['zh-CN', 'file_type', 400, '无法接收文件“a&lt;b&gt;.exe”的格式。请发送 JPEG、PNG、GIF、WEBP、HEIC、PDF、TXT 格式的文件，并重新选择照片。'],
    ['zh-CN', 'file_too_large', 400, '文件“a&lt;b&gt;.exe”超过 4 MB。请选择较小的照片（例如截图），并重新选择照片。'],
    ['zh-CN', 'too_many_files', 400, '最多可发送 10 个文件，请减少后重新选择。'],
    ['zh-CN', 'body_too_large', 413, '照片合计超过 4 MB，回复未能送达。请选择较少或较小的照片，并重新填写回复。'],
  ] as const)('%s %s: %i, the error at the file input, the text kept', (locale, error, status, message) => {
    const page = replyFormPage({ token: TOKEN, locale, reference: 'YX-4K7M-9QD2', files: LIMITS, error, file: 'a<b>.exe', entered: 'my text' }, defaultConfig);
    expect(page.status).toBe(status);
    expect(page.html).toContain(`<li><a href="#files">${message}</a></li>`);
    expect(page.html).toContain(`<p class="error" id="files-error">${message}</p>`);
    expect(page.html).toContain('aria-describedby="files-hint files-error" aria-invalid="true">');
    expect(page.html).toContain('aria-describedby="text-hint">my text</textarea>');
  });

  it('with files, an empty submission asks for a reply or a photo', () => {
    expect(replyFormPage({ token: TOKEN, locale: 'en', reference: 'YX-4K7M-9QD2', files: LIMITS, error: 'empty', entered: '' }, defaultConfig).html).toContain(
      '<p class="error" id="text-error">Please write your reply or choose a photo.</p>',
    );
  });

  it.each([
    ['en', 'Your reply reached us', 'The team handling complaint YX-4K7M-9QD2 has your reply and continues with it now.'],
    ['zh-CN', '您的回复已送达', '处理投诉 YX-4K7M-9QD2 的团队已收到您的回复，会立即继续处理。'],
  ] as const)('%s: the thank-you page says it reached the team and what happens next', (locale, title, body) => {
    const page = replyThanksPage(locale, 'YX-4K7M-9QD2', defaultConfig);
    expect(page).toMatchObject({ status: 200, locale });
    expect(page.html).toContain(`<h1>${title}</h1>`);
    expect(page.html).toContain(body);
  });

  it.each([
    ['en', '<p>We received 2 files:</p><ul><li><bdi>IMG_0001.jpg</bdi></li><li><bdi>a&lt;b&gt;.png</bdi></li></ul>', '<p>We received 1 file:</p>'],
    ['zh-CN', '<p>我们已收到 2 个文件：</p><ul><li><bdi>IMG_0001.jpg</bdi></li><li><bdi>a&lt;b&gt;.png</bdi></li></ul>', '<p>我们已收到 1 个文件：</p>'],
  ] as const)('%s: the thank-you page names the files the reply carried (escaped), none when it carried none', (locale, two, one) => {
    expect(replyThanksPage(locale, 'YX-4K7M-9QD2', defaultConfig, { reopened: false, files: ['IMG_0001.jpg', 'a<b>.png'] }).html).toContain(two);
    expect(replyThanksPage(locale, 'YX-4K7M-9QD2', defaultConfig, { reopened: false, files: ['IMG_0001.jpg'] }).html).toContain(one);
    expect(replyThanksPage(locale, 'YX-4K7M-9QD2', defaultConfig).html.split('<main>')[1]).not.toContain('<ul>');
  });

  it('reads what a link\'s reply was from its timeline entry: the reopen, the stored files and not the refused ones', () => {
    const replied = applyWebReply(waiting('Please send a photo.'), { text: 'photos', messageId: MESSAGE_ID, attachments: [{ name: 'IMG_0001.jpg', contentType: 'image/jpeg', size: 10, key: 'attachments/x/0-IMG_0001.jpg' }, { name: 'setup.exe', contentType: 'application/x-msdownload', size: 10, notKept: 'type_not_allowed' }] }, later, defaultConfig);
    if (!replied.ok) throw new Error('fixture');
    expect(recordedReply(replied.complaint, MESSAGE_ID)).toEqual({ reopened: false, files: ['IMG_0001.jpg'] });
    expect(recordedReply(replied.complaint, 'web:other')).toEqual({ reopened: false, files: [] });
    const reopened = applyWebReply(walk(waiting('Which colour?'), { type: 'customer_replied' }, { type: 'resolve' }), { text: 'still broken', messageId: MESSAGE_ID }, later, defaultConfig);
    if (!reopened.ok) throw new Error('fixture');
    expect(recordedReply(reopened.complaint, MESSAGE_ID)).toEqual({ reopened: true, files: [] });
  });

  it('a resolved complaint: 410 saying so, with the reference; an unknown link: 404 with nothing about any complaint', () => {
    expect(replyClosedPage('en', 'YX-4K7M-9QD2', defaultConfig)).toMatchObject({ status: 410 });
    expect(replyClosedPage('zh-CN', 'YX-4K7M-9QD2', defaultConfig).html).toContain('投诉 YX-4K7M-9QD2 已处理完毕，此链接不再接收回复。');
    for (const locale of ['en', 'zh-CN'] as const) {
      const page = replyNotFoundPage(locale, defaultConfig);
      expect(page.status).toBe(404);
      expect(page.html).not.toContain('YX-');
      expect(page.html).not.toContain('<form');
    }
  });
});

describe('the "waiting on you" message with a reply link', () => {
  const URL = `https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com/r/${TOKEN}`;
  const phoneAndEmail = (locale: Locale, note: string) => {
    const r = createComplaint({ channel: 'app', customer: { id: 'c-both', phone: '+8613912345678', email: 'both@example.com', locale }, description: 'Lost parcel' }, defaultConfig, t0, '01KREPLY000000000000000001');
    if (!r.ok) throw new Error('fixture');
    return walk(r.complaint, { type: 'acknowledge' }, { type: 'wait_on_customer', note });
  };
  const all = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };

  it.each(['en', 'zh-CN'] as const)('%s: the SMS carries the link whole and shortens a long note to its budget; the email carries no link', (locale) => {
    const note = (locale === 'en' ? 'Please send the tracking number. ' : '请提供快递单号和照片。').repeat(60);
    const c = phoneAndEmail(locale, note);
    const [email, sms] = renderProgress(c, c.timeline.length - 1, all, { replyUrl: URL }) as [EmailMessage, SmsMessage];
    expect(sms.text).toContain(`${URL} `);
    expect(sms.text).toContain(locale === 'en' ? '...' : '…');
    expect(smsSegments(sms.text)).toBe(locale === 'en' ? SMS_BUDGET.progressReplyLinkEn : SMS_BUDGET.progressReplyLinkZh);
    expect(`${email.text}${email.html}`).not.toContain('/r/');
    // Without the link the SMS keeps the old budget.
    const [, plain] = renderProgress(c, c.timeline.length - 1, all) as [EmailMessage, SmsMessage];
    expect(smsSegments(plain.text)).toBe(locale === 'en' ? SMS_BUDGET.progressEn : SMS_BUDGET.progressZh);
  });

  it('only the "waiting on you" step carries it', () => {
    const c = walk(phoneAndEmail('en', 'Which colour?'), { type: 'customer_replied' });
    for (let i = 0; i < c.timeline.length; i += 1) {
      const sms = renderProgress(c, i, all, { replyUrl: URL }).find((m) => m.channel === 'sms');
      if (sms?.channel !== 'sms') continue;
      expect(sms.text.includes(URL), `${i} ${c.timeline[i]!.event}`).toBe(c.timeline[i]!.event === 'wait_on_customer');
    }
  });
});

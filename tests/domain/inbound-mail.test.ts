import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMime } from '../../functions/adapters/mime-parser.ts';
import { ComplaintSchema, createComplaint, CustomerSchema, type Complaint, type ComplaintInput } from '../../functions/domain/complaint.ts';
import {
  addressedTo,
  applyCustomerEmail,
  automatedReason,
  cleanSubject,
  clip,
  complaintFromReferences,
  emailComplaintInput,
  emailCustomerId,
  isWellFormedReplyToken,
  listedAttachments,
  MAX_LISTED_NOT_KEPT,
  newText,
  planAttachments,
  planReply,
  replyAddress,
  replyTokenFrom,
  senderAuthenticated,
  senderTimeZone,
  threadReference,
  withReplyAddress,
  type ParsedEmail,
} from '../../functions/domain/inbound-mail.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { renderProgress } from '../../functions/domain/progress.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { UNUSABLE_SENDERS } from '../fixtures/unusable-senders.ts';
import { localVerdicts } from '../../functions/local/smtp-server.ts';

const config = {
  ...defaultConfig,
  inbound: { ...defaultConfig.inbound!, attachments: { maxBytes: 1024, maxCount: 10, allowedTypes: ['image/png', 'application/pdf'] } },
};
const inbound = config.inbound;
const OWN = [config.sender.email, inbound.address];

const fixture = (name: string) => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const parse = async (name: string, replace: Record<string, string> = {}): Promise<ParsedEmail & { from: { address: string; name?: string } }> => {
  let raw = fixture(name).toString('latin1');
  for (const [from, to] of Object.entries(replace)) raw = raw.replaceAll(from, to);
  const email = await parseMime(Buffer.from(raw, 'latin1'));
  if (!email.from) throw new Error(`${name} has no From`);
  return { ...email, from: email.from };
};

/** The intake input of an email whose sender the complaint schema accepts. */
function inputOf(email: ParsedEmail & { from: { address: string } }): ComplaintInput {
  const built = emailComplaintInput(email, email.messageId!, config);
  if (!built.ok) throw new Error(`not usable: ${built.reason}`);
  return built.input;
}

describe('parsing real MIME samples', () => {
  it('reads a plain UTF-8 message and cuts its signature', async () => {
    const email = await parse('plain.eml');
    expect(email).toMatchObject({ messageId: 'plain-0001@mail.example.com', from: { address: 'alice@example.com', name: 'Alice Wong' }, subject: 'Parcel never arrived', contentType: 'text/plain' });
    const input = inputOf(email);
    expect(input).toMatchObject({ channel: 'email', title: 'Parcel never arrived', externalId: 'plain-0001@mail.example.com', customer: { email: 'alice@example.com', name: 'Alice Wong', locale: 'en' } });
    expect(input.description).toBe('Hello,\n\nMy parcel for order 8812 has not arrived after ten days and the tracking\npage is stuck at "in transit". Please help.');
    expect(input.description).not.toContain('+852');
  });

  it('derives text from an HTML-only message, keeping markup characters as text', async () => {
    const email = await parse('html-only.eml');
    const input = inputOf(email);
    expect(input.title).toBe('Refund <b>not</b> received');
    expect(input.description).toContain('the refund has not arrived');
    expect(input.description).toContain('<script> is not a tag here');
    expect(input.description).not.toContain('<p>');
    expect(input.description).not.toContain('Sent from my iPhone');
  });

  it('decodes GB2312/GBK headers and a GBK body into Chinese, guessing the zh-CN locale', async () => {
    const email = await parse('gbk-chinese.eml');
    expect(email.subject).toBe('账号被盗，有人异常登录');
    expect(email.from.name).toBe('陈小姐');
    const input = inputOf(email);
    expect(input.customer.locale).toBe('zh-CN');
    expect(input.description).toBe('您好：\n\n我的账号被盗了，有人异常登录并修改了密码，订单里多了一笔我没有下的单。\n请尽快处理。');
    // Classification works on the decoded text like on the API's.
    const built = createComplaint(input, config, new Date('2026-11-23T04:00:00Z'), '01K0000000000000000000000A');
    expect(built.ok && built.complaint.category).toBe('account-security');
  });

  it('decodes quoted-printable text and subject and drops quoted lines', async () => {
    const email = await parse('quoted-printable.eml');
    expect(email.subject).toBe('Leaking café machine');
    const input = inputOf(email);
    expect(input.description).toBe("Bonjour, the coffee machine I bought (order 5521) leaks water — the café says it's a defect. I'd like a replacement, not a refund.");
  });

  it('keeps what a customer forwarded into a new complaint, without the Fwd: prefix', async () => {
    const email = await parse('forwarded.eml');
    const input = inputOf(email);
    expect(input.title).toBe('Your order 9034 has shipped');
    expect(input.description).toContain('I was charged twice for this order');
    expect(input.description).toContain('paid 199.00 by card ending 4242');
    // In a reply the same forwarded block is history, not new text.
    expect(newText(email.text, { keepForwarded: false })).toBe('I was charged twice for this order, see below.');
  });

  it('lists attachments, keeping allowed ones under the complaint and naming the others', async () => {
    const email = await parse('attachment.eml');
    expect(email.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['screen.png', 'image/png'],
      ['../../invoice.pdf', 'application/pdf'],
      ['setup.exe', 'application/x-msdownload'],
    ]);
    const planned = planAttachments(email.attachments, '01K0000000000000000000000A', email.messageId!, inbound.attachments);
    expect(planned.map((p) => p.entry)).toEqual([
      { name: 'screen.png', contentType: 'image/png', size: 70, key: expect.stringMatching(/^attachments\/01K0000000000000000000000A\/[0-9a-f]{16}\/1-screen\.png$/) },
      { name: 'invoice.pdf', contentType: 'application/pdf', size: 45, key: expect.stringMatching(/\/2-invoice\.pdf$/) },
      { name: 'setup.exe', contentType: 'application/x-msdownload', size: 19, notKept: 'type_not_allowed' },
    ]);
    expect(planned[0]!.content).toHaveLength(70);
    expect(planned[2]!.content).toBeUndefined();
    const small = planAttachments(email.attachments, 'c', 'm', { ...inbound.attachments, maxBytes: 50, maxCount: 0 });
    expect(small.map((p) => p.entry.notKept)).toEqual(['too_large', 'too_many', 'type_not_allowed']);
  });
});

describe('what the complaint schema refuses never becomes a complaint', () => {
  const sample = (from: string, name?: string): ParsedEmail & { from: { address: string; name?: string } } => ({
    messageId: 'm-1@example.com',
    from: { address: from, ...(name !== undefined && { name }) },
    subject: 'Parcel never arrived',
    text: 'My parcel has not arrived.',
    references: [],
    headers: {},
    contentType: 'text/plain',
    attachments: [],
  });

  it.each(UNUSABLE_SENDERS.map((a) => [a.length > 60 ? `${a.slice(0, 20)}… (${a.length} characters)` : a, a]))('%s is an unusable sender', (_label, address) => {
    expect(CustomerSchema.shape.email.safeParse(address.toLowerCase()).success).toBe(false);
    expect(emailComplaintInput(sample(address), 'm-1@example.com', config)).toEqual({ ok: false, reason: 'unusable_sender' });
  });

  it('accepts an ordinary address, and the complaint built from it reads back through ComplaintSchema', () => {
    const built = emailComplaintInput(sample('Wang.Fang+orders@Example.COM'), 'm-1@example.com', config);
    if (!built.ok) throw new Error(built.reason);
    expect(built.input.customer.email).toBe('wang.fang+orders@example.com');
    const complaint = createComplaint(built.input, config, new Date('2026-11-23T04:00:00Z'), '01K0000000000000000000000A');
    expect(complaint.ok && ComplaintSchema.safeParse(complaint.complaint).success).toBe(true);
  });

  it('cuts a name, subject and body of characters outside the BMP to the schema\'s limits in UTF-16 units', () => {
    const emoji = '😡'.repeat(6000);
    const email = { ...sample('wang@example.com', emoji), subject: emoji, text: emoji };
    const built = emailComplaintInput(email, 'm-1@example.com', config);
    if (!built.ok) throw new Error(built.reason);
    expect(built.input.customer.name).toBe('😡'.repeat(100));
    expect(built.input.title).toBe('😡'.repeat(100));
    expect(built.input.description).toBe('😡'.repeat(2500));
    const complaint = createComplaint(built.input, config, new Date('2026-11-23T04:00:00Z'), '01K0000000000000000000000A');
    if (!complaint.ok) throw new Error('not created');
    expect(ComplaintSchema.parse(complaint.complaint).customer.name).toHaveLength(200);
  });

  it('cuts between characters, never inside a surrogate pair', () => {
    expect(clip('a😡b', 2)).toBe('a');
    expect(clip('a😡b', 3)).toBe('a😡');
    expect(clip('abc', 3)).toBe('abc');
  });
});

describe("the sender's time zone, from the Date header", () => {
  it.each([
    ['Mon, 23 Nov 2026 09:15:00 -0500', 'Etc/GMT+5'],
    ['Mon, 23 Nov 2026 09:15:00 +0800', 'Etc/GMT-8'],
    ['23 Nov 2026 09:15 +0100 (CET)', 'Etc/GMT-1'],
    ['Mon, 23 Nov 2026 09:15:00 +1400', 'Etc/GMT-14'],
    ['Mon, 23 Nov 2026 09:15:00 -1200', 'Etc/GMT+12'],
    ['Mon, 23 Nov 2026 09:15:00 +0000', 'Etc/UTC'],
    ['Mon, 23 Nov 2026 09:15:00 GMT', 'Etc/UTC'],
    ['Mon, 23 Nov 2026 09:15:00 EST', 'America/New_York'],
    ['Mon, 23 Nov 2026 09:15:00 pdt', 'America/Los_Angeles'],
    ['Mon, 23 Nov 2026 09:15:00 +0530', 'Asia/Kolkata'],
    ['Mon, 23 Nov 2026 09:15:00 -0330', 'America/St_Johns'],
  ])('%s is %s', (header, zone) => {
    expect(senderTimeZone(header)).toBe(zone);
  });

  it.each([
    ['no header', undefined],
    ['-0000: no information (RFC 5322)', 'Mon, 23 Nov 2026 09:15:00 -0000'],
    ['a military letter', 'Mon, 23 Nov 2026 09:15:00 Z'],
    ['beyond +14', 'Mon, 23 Nov 2026 09:15:00 +1500'],
    ['beyond -12', 'Mon, 23 Nov 2026 09:15:00 -1300'],
    ['60 minutes', 'Mon, 23 Nov 2026 09:15:00 +0560'],
    ['an offset no zone uses', 'Mon, 23 Nov 2026 09:15:00 +0115'],
    ['an unknown name', 'Mon, 23 Nov 2026 09:15:00 XYZ'],
    ['no time', 'yesterday -0500'],
    ['garbage', '<script>alert(1)</script>'],
  ])('%s gives none', (_what, header) => {
    expect(senderTimeZone(header)).toBeUndefined();
  });

  it('names, for each part-hour offset, a zone that has that offset in some season', () => {
    const offsets = ['-0930', '-0330', '-0230', '+0330', '+0430', '+0530', '+0545', '+0630', '+0845', '+0930', '+1030', '+1245', '+1345'];
    for (const offset of offsets) {
      const zone = senderTimeZone(`Mon, 23 Nov 2026 09:15:00 ${offset}`);
      expect(zone, offset).toBeDefined();
      const seen = ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z'].map((at) => {
        const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')!.value;
        return name.replace(/^GMT/, '').replace(':', '');
      });
      expect(seen, `${offset} -> ${zone}`).toContain(offset);
    }
  });

  it("writes a New York sender's reply-by time in their offset, a Shanghai sender's in theirs", async () => {
    for (const [offset, label, not] of [
      ['-0500', 'GMT-5', 'GMT+8'],
      ['+0800', 'GMT+8', 'GMT-5'],
    ] as const) {
      const email = await parse('plain.eml', { '09:15:00 +0800': `09:15:00 ${offset}` });
      const input = inputOf(email);
      const built = createComplaint(input, config, new Date('2026-11-23T14:15:00Z'), '01K0000000000000000000000A');
      if (!built.ok) throw new Error('not created');
      const receipt = renderProgress(built.complaint, 0, config).find((m) => m.channel === 'email');
      if (receipt?.channel !== 'email') throw new Error('no receipt email');
      // The Etc zone's POSIX name (Etc/GMT+5 is five hours behind) never reaches the reader.
      expect(receipt.text, offset).toContain(`(${label})`);
      expect(receipt.text + receipt.html, offset).not.toContain(not);
      expect(receipt.text + receipt.html, offset).not.toContain('Etc/');
    }
  });
});

describe('loop prevention', () => {
  it.each([
    ['auto-reply.eml', 'auto_submitted'],
    ['bounce.eml', 'delivery_report'],
  ])('%s is machine mail (%s)', async (name, reason) => {
    expect(automatedReason(await parse(name), OWN)).toBe(reason);
  });

  it.each([['plain.eml'], ['html-only.eml'], ['gbk-chinese.eml'], ['quoted-printable.eml'], ['forwarded.eml'], ['attachment.eml']])('%s is a person writing', async (name) => {
    expect(automatedReason(await parse(name), OWN)).toBeUndefined();
  });

  it.each([
    ['Auto-Submitted: auto-generated', 'auto_submitted'],
    ['Precedence: bulk', 'precedence'],
    ['Precedence: auto_reply', 'precedence'],
    ['X-Autoreply: yes', 'auto_reply_header'],
    ['List-Id: <deals.shop.example>', 'mailing_list'],
  ])('a header "%s" marks machine mail', async (header, reason) => {
    const email = await parse('plain.eml', { 'MIME-Version: 1.0': `${header}\r\nMIME-Version: 1.0` });
    expect(automatedReason(email, OWN)).toBe(reason);
  });

  it('ignores our own sender, our complaints address and its reply addresses, mailer daemons and null senders', async () => {
    for (const from of ['care@youxuan-mall.example.com', 'Complaints@youxuan-mall.example.com', 'complaints+abc@youxuan-mall.example.com']) {
      expect(automatedReason(await parse('plain.eml', { 'From: Alice Wong <alice@example.com>': `From: <${from}>` }), OWN)).toBe('own_sender');
    }
    expect(automatedReason(await parse('plain.eml', { 'From: Alice Wong <alice@example.com>': 'From: postmaster@example.com' }), OWN)).toBe('mailer_daemon');
    expect(automatedReason(await parse('plain.eml', { 'Return-Path: <alice@example.com>': 'Return-Path: <>' }), OWN)).toBe('null_sender');
    expect(automatedReason(await parse('plain.eml', { 'MIME-Version: 1.0': 'Auto-Submitted: no\r\nMIME-Version: 1.0' }), OWN)).toBeUndefined();
  });

  it('marks our own customer emails as auto-generated, so auto-responders stay quiet', () => {
    const [email] = withReplyAddress(
      [{ id: 'm', kind: 'progress', channel: 'email', to: 'a@example.com', subject: 's', text: 't', html: 'h', headers: { 'List-Unsubscribe': '<u>' } }],
      'complaints+tok@youxuan-mall.example.com',
      '01K0000000000000000000000A',
      inbound,
    );
    expect(email).toMatchObject({
      replyTo: 'complaints+tok@youxuan-mall.example.com',
      headers: { 'List-Unsubscribe': '<u>', References: '<complaint.01K0000000000000000000000A@youxuan-mall.example.com>', 'Auto-Submitted': 'auto-generated' },
    });
  });
});

describe('quote stripping', () => {
  it('keeps only the new text of an English reply ("On … wrote:" wrapped over two lines)', async () => {
    const email = await parse('reply.eml');
    expect(newText(email.text, { keepForwarded: false })).toBe('The tracking number is SF1234567890, the courier is SF Express.\n\nThanks,\nAlice');
  });

  it('keeps only the new text of a Chinese Outlook reply (发件人/发送时间 header block)', async () => {
    const email = await parse('reply-outlook-zh.eml');
    expect(cleanSubject(email.subject)).toBe('我们正在等您的回复');
    expect(newText(email.text, { keepForwarded: false })).toBe('订单号是 20261123-8812，截图在附件里。');
  });

  it.each([
    ['thanks\n\n在 2026年11月23日 10:00，优选商城 <care@x> 写道：\n> old', 'thanks'],
    ['ok\n-----Original Message-----\nFrom: x', 'ok'],
    ['fine\n\n发自我的iPhone', 'fine'],
    ['yes\n-- \nBob', 'yes'],
    ['a\n> b\nc', 'a\nc'],
  ])('%j → %j', (text, expected) => {
    expect(newText(text, { keepForwarded: false })).toBe(expected);
  });

  it.each([
    ['Re: RE: Fwd: 回复：Parcel', 'Parcel'],
    ['  ', undefined],
    [undefined, undefined],
  ])('cleans the subject %j', (subject, expected) => {
    expect(cleanSubject(subject)).toBe(expected);
  });
});

describe('threading', () => {
  it('reads the reply token from the envelope recipient, the plain address as new mail, others as not ours', () => {
    expect(addressedTo(['Complaints+abc234@YouXuan-Mall.example.com'], inbound)).toEqual({ kind: 'reply', token: 'abc234' });
    expect(addressedTo(['complaints@youxuan-mall.example.com', 'complaints+tok@youxuan-mall.example.com'], inbound)).toEqual({ kind: 'reply', token: 'tok' });
    expect(addressedTo(['complaints@youxuan-mall.example.com'], inbound)).toEqual({ kind: 'new' });
    expect(addressedTo(['sales@youxuan-mall.example.com', 'complaints@other.example'], inbound)).toEqual({ kind: 'not_ours' });
  });

  it('makes 160-bit lower-case tokens that survive case folding and round-trip through the reply address', () => {
    const token = replyTokenFrom(Uint8Array.from({ length: 20 }, (_, i) => i * 13));
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(isWellFormedReplyToken(token)).toBe(true);
    expect(isWellFormedReplyToken(token.toUpperCase())).toBe(false);
    expect(addressedTo([replyAddress(inbound, token)], inbound)).toEqual({ kind: 'reply', token });
  });

  it('finds the complaint from our thread reference in References, ignoring other domains', async () => {
    const id = '01K8Z3Q4V5W6X7Y8Z9A0B1C2D3';
    const email = await parse('reply.eml', { COMPLAINTID: id });
    expect(email.references[0]).toBe(threadReference(id, inbound));
    expect(complaintFromReferences(email.references, inbound)).toBe(id);
    expect(complaintFromReferences([`complaint.${id}@evil.example`], inbound)).toBeUndefined();
    expect(complaintFromReferences(['0100018abc@email.amazonses.com'], inbound)).toBeUndefined();
  });

  it('derives the customer id from the address (no address in it), case-insensitively', () => {
    expect(emailCustomerId('Alice@Example.com')).toBe(emailCustomerId('alice@example.com'));
    expect(emailCustomerId('alice@example.com')).toMatch(/^email:[0-9a-f]{32}$/);
  });
});

describe('the attachment list on an entry is bounded', () => {
  it('lists every kept file and the first ten others, and counts the rest', () => {
    const other = (i: number) => ({ name: `o${i}.exe`, contentType: 'application/x-msdownload', size: 2, notKept: 'type_not_allowed' as const });
    const kept = (i: number) => ({ name: `k${i}.png`, contentType: 'image/png', size: 2, key: `attachments/c/m/${i}-k.png` });
    const all = [...Array.from({ length: 30 }, (_, i) => other(i)), kept(30), ...Array.from({ length: 30 }, (_, i) => other(31 + i)), kept(61)];
    const { listed, notListed } = listedAttachments(all);
    expect(listed.map((a) => a.name)).toEqual([...Array.from({ length: MAX_LISTED_NOT_KEPT }, (_, i) => `o${i}.exe`), 'k30.png', 'k61.png']);
    expect(notListed).toBe(50);
    expect(listedAttachments(all.slice(0, 5))).toEqual({ listed: all.slice(0, 5), notListed: 0 });
  });

  it('cuts an absurd media type when planning', () => {
    const [planned] = planAttachments([{ contentType: `application/${'x'.repeat(5000)}`, size: 1, content: new Uint8Array(1) }], 'c', 'm', inbound.attachments);
    expect(planned!.entry.contentType).toHaveLength(100);
  });
});

describe('who may thread by References', () => {
  it.each([
    ['PASS', 'FAIL', 'FAIL', true],
    ['GRAY', 'PASS', 'FAIL', true],
    ['GRAY', 'FAIL', 'PASS', true],
    ['GRAY', 'FAIL', 'FAIL', false],
    ['GRAY', 'GRAY', 'DISABLED', false],
    ['FAIL', 'PASS', 'PASS', false],
    ['PROCESSING_FAILED', 'PASS', 'PASS', false],
    ['DISABLED', 'PASS', 'PASS', false],
  ] as const)('DMARC %s, SPF %s, DKIM %s: %s', (dmarc, spf, dkim, expected) => {
    expect(senderAuthenticated({ dmarc, spf, dkim })).toBe(expected);
  });

  it('the local SMTP server authenticates every sender unless the message\'s X-Local-Verdicts header says otherwise', () => {
    const raw = (headers: string) => new TextEncoder().encode(`${headers}From: a@example.com\r\n\r\nX-Local-Verdicts: dmarc=FAIL\r\n`);
    expect(localVerdicts(raw(''))).toEqual({ spam: 'DISABLED', virus: 'DISABLED', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(localVerdicts(raw('X-Local-Verdicts: dmarc=fail, spf=GRAY\r\n\tspam=FAIL dkim=bogus\r\n'))).toEqual({ spam: 'FAIL', virus: 'DISABLED', spf: 'GRAY', dkim: 'PASS', dmarc: 'FAIL' });
  });
});

describe('what a reply does', () => {
  const t0 = new Date('2026-11-23T02:00:00Z');
  const base = (() => {
    const built = createComplaint(
      { channel: 'email', customer: { id: 'c', email: 'alice@example.com' }, description: 'parcel never arrived' },
      config,
      t0,
      '01K0000000000000000000000A',
    );
    if (!built.ok) throw new Error('fixture');
    return built.complaint;
  })();
  const step = (c: Complaint, type: Parameters<typeof applyEvent>[1]['type'], at: Date): Complaint => {
    const r = applyEvent(c, { type, actor: 'agent:li' }, at, config);
    if (!r.ok) throw new Error(type);
    return r.complaint;
  };
  const hour = (h: number) => new Date(t0.getTime() + h * 3_600_000);
  const waiting = step(step(base, 'acknowledge', hour(1)), 'wait_on_customer', hour(2));
  const resolved = step(step(step(base, 'acknowledge', hour(1)), 'start', hour(2)), 'resolve', hour(3));

  it.each([
    ['received', base, hour(1), { kind: 'apply', event: 'customer_email' }],
    ['waiting on the customer', waiting, hour(3), { kind: 'apply', event: 'customer_replied' }],
    ['resolved 13 days ago', resolved, hour(3 + 13 * 24), { kind: 'apply', event: 'reopen' }],
    ['resolved 15 days ago', resolved, hour(3 + 15 * 24), { kind: 'new_complaint', repeatOf: base.id }],
    ['closed', step(resolved, 'close', hour(4)), hour(5), { kind: 'new_complaint', repeatOf: base.id }],
  ])('on a complaint %s', (_label, complaint, now, plan) => {
    expect(planReply(complaint, now, inbound)).toEqual(plan);
  });

  it('a reply while waiting restarts the SLA clock, with the new text and the message id on one entry', () => {
    const replied = applyCustomerEmail(waiting, { event: 'customer_replied', text: 'SF1234567890', messageKey: 'm-1', attachments: [] }, hour(5), config);
    if (!replied.ok) throw new Error('not applied');
    const c = replied.complaint;
    expect(c.status).toBe('in_progress');
    expect(c.sla.pausedAt).toBeUndefined();
    expect(c.timeline.at(-1)).toMatchObject({ event: 'customer_replied', actor: 'customer:email', note: 'SF1234567890', messageId: 'm-1' });
    // Paused for three hours: the due time moved on by them.
    expect(Date.parse(c.resolutionDueAt)).toBe(Date.parse(waiting.resolutionDueAt) + 3 * 3_600_000);
  });

  it('never sends attachments or the customer\'s own words back out', () => {
    const replied = applyCustomerEmail(
      waiting,
      { event: 'customer_replied', text: 'secret words', messageKey: 'm-2', attachments: [{ name: 'photo.png', contentType: 'image/png', size: 3, key: 'attachments/x/1-photo.png' }] },
      hour(5),
      config,
    );
    if (!replied.ok) throw new Error('not applied');
    const messages = renderProgress(replied.complaint, replied.complaint.timeline.length - 1, config);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(JSON.stringify(m)).not.toMatch(/photo\.png|secret words|attachments\//);
  });
});

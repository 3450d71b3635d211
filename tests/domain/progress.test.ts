import { describe, expect, it } from 'vitest';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import type { EmailMessage, SmsMessage } from '../../functions/domain/messages.ts';
import { complaintEvents, renderProgress } from '../../functions/domain/progress.ts';
import { progressRecipients } from '../../functions/domain/progress-channels.ts';
import { defaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');

function make(customer: Record<string, string>, title = '快递<b>丢了</b>'): Complaint {
  const r = createComplaint({ channel: 'app', customer: { id: 'c9', ...customer }, title, description: '物流一直不更新' }, defaultConfig, t0, 'REF123');
  if (!r.ok) throw new Error('fixture');
  return r.complaint;
}

function acknowledged(c: Complaint): Complaint {
  const r = applyEvent(c, { type: 'acknowledge', actor: 'agent:li' }, t0, defaultConfig);
  if (!r.ok) throw new Error('acknowledge');
  return r.complaint;
}

function step(c: Complaint, type: 'start' | 'wait_on_customer' | 'customer_replied' | 'resolve' | 'reopen' | 'acknowledge', actor = 'agent:li'): Complaint {
  const r = applyEvent(c, { type, actor }, t0, defaultConfig);
  if (!r.ok) throw new Error(type);
  return r.complaint;
}

describe('progress messages', () => {
  it('thank the customer for their reply instead of the generic "working on it", in both languages', () => {
    for (const [locale, subject, line, sms] of [
      ['en', 'Thank you, we have your reply (ref. REF123)', 'Thank you for the information about your complaint "Lost parcel".', 'thank you, we have your reply'],
      ['zh-CN', '已收到您的回复，我们继续处理（编号 REF123）', '谢谢您的回复。我们已收到您就投诉“Lost parcel”补充的信息，并已继续处理。', '已收到您的回复'],
    ] as const) {
      let c = step(step(acknowledged(make({ email: 'a@example.com', phone: '+12125550100', locale }, 'Lost parcel')), 'wait_on_customer'), 'customer_replied', 'customer:email');
      const all = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };
      const [email, text] = renderProgress(c, c.timeline.length - 1, all) as [EmailMessage, SmsMessage];
      expect(email.subject).toBe(subject);
      expect(email.text).toContain(line);
      expect(text.text).toContain(sms);
      // An agent's start is still the plain "working on it".
      c = step(acknowledged(make({ email: 'a@example.com', locale }, 'Lost parcel')), 'start');
      const [plain] = renderProgress(c, c.timeline.length - 1, defaultConfig) as [EmailMessage];
      expect(plain.subject).not.toBe(subject);
    }
  });

  it('say that a reopened complaint is being handled again, not as if it were new', () => {
    for (const [locale, subject, line, sms] of [
      ['en', 'Your reopened complaint is being handled again (ref. REF123)', 'has taken up your reopened complaint "Lost parcel" again.', 'is being handled again'],
      ['zh-CN', '重新打开的投诉已有专人跟进（编号 REF123）', '已接手您重新打开的投诉“Lost parcel”，并安排专人重新跟进。', '重新打开的投诉'],
    ] as const) {
      const first = acknowledged(make({ email: 'a@example.com', phone: '+12125550100', locale }, 'Lost parcel'));
      const all = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };
      const [firstEmail] = renderProgress(first, 1, all) as [EmailMessage];
      expect(firstEmail.subject).not.toBe(subject);
      const again = step(step(step(step(first, 'start'), 'resolve'), 'reopen', 'customer:email'), 'acknowledge');
      const [email, text] = renderProgress(again, again.timeline.length - 1, all) as [EmailMessage, SmsMessage];
      expect(email.subject).toBe(subject);
      expect(email.text).toContain(line);
      expect(text.text).toContain(sms);
    }
  });

  it('speak Chinese by default with the reference and what happens next', () => {
    const [email] = renderProgress(make({ email: 'a@example.com', name: '陈女士' }), 0, defaultConfig) as [EmailMessage];
    expect(email).toMatchObject({ id: 'REF123:t0:progress:email', kind: 'progress', channel: 'email', to: 'a@example.com', complaintId: 'REF123' });
    expect(email.subject).toBe('我们已收到您的投诉（编号 REF123）');
    expect(email.text).toContain('您好：');
    expect(email.text).toContain('我们已收到您的投诉，编号 REF123。');
    expect(email.text).toContain('它已转交物流配送部处理（类别：物流延迟）。');
    expect(email.text).toContain('我们会在 24 小时内、即 2026-11-17 10:00（北京时间）前联系您。');
  });

  it('speak English to an English-speaking customer', () => {
    const [email] = renderProgress(make({ email: 'a@example.com', locale: 'en' }, 'Lost parcel'), 0, defaultConfig) as [EmailMessage];
    expect(email.subject).toBe('We received your complaint (ref. REF123)');
    expect(email.text).toContain('It is with our Logistics & Delivery team (category: Logistics delay).');
    expect(email.text).toContain('The YouXuan Mall customer care team');
    expect(email.text).not.toMatch(/\p{Script=Han}/u);
    expect(email.html).toContain('<html lang="en">');
  });

  it('give due times in the customer\'s time zone, else the company\'s', () => {
    const [ny] = renderProgress(make({ email: 'a@example.com', locale: 'en', timeZone: 'America/New_York' }, 'Lost parcel'), 0, defaultConfig) as [EmailMessage];
    expect(ny.text).toContain('We will get back to you within 24 hours, by 2026-11-16 21:00 (Eastern Standard Time).');
    const [sms] = renderProgress(make({ phone: '+12125550100', locale: 'en', timeZone: 'America/New_York' }, 'Lost parcel'), 0, defaultConfig) as [SmsMessage];
    expect(sms.text).toContain('16 Nov 21:00 GMT-5');
  });

  it('say how long until then too, which reads the same in any time zone (the company\'s zone when the customer gave none)', () => {
    // Friday 17:00 in Shanghai: the first response is due after the weekend.
    const friday = createComplaint({ channel: 'app', customer: { id: 'c9', email: 'a@example.com', locale: 'en' }, title: 'A question', description: 'Who can I talk to?' }, defaultConfig, new Date('2026-11-20T09:00:00Z'), 'REF124');
    if (!friday.ok) throw new Error('fixture');
    const [email] = renderProgress(friday.complaint, 0, defaultConfig) as [EmailMessage];
    const due = Date.parse(friday.complaint.firstResponseDueAt) - Date.parse('2026-11-20T09:00:00Z');
    expect(due).toBeGreaterThan(48 * 3_600_000);
    expect(email.text).toMatch(/We will get back to you within \d days, by 2026-11-2\d \d\d:\d\d \(China Standard Time\)\./);
    expect(email.text).toContain(`within ${Math.ceil(due / 86_400_000)} days,`);
    let c = make({ email: 'a@example.com', locale: 'en' }, 'Lost parcel');
    const acknowledged = applyEvent(c, { type: 'acknowledge', actor: 'agent:li' }, t0, defaultConfig);
    if (!acknowledged.ok) throw new Error('acknowledge');
    c = acknowledged.complaint;
    const [ack] = renderProgress(c, c.timeline.length - 1, defaultConfig) as [EmailMessage];
    expect(ack.text).toMatch(/We aim to resolve it within \d+ (hours|days), by .+ \(China Standard Time\)\./);
    // The SMS keeps to its segment budget: the due time only.
    const [sms] = renderProgress(make({ phone: '+12125550100', locale: 'en' }, 'Lost parcel'), 0, defaultConfig) as [SmsMessage];
    expect(sms.text).not.toContain('within');
  });

  it.each([
    ['wait_on_customer', 'Please send a photo of the return receipt.'],
    ['resolve', 'Refund of $49.99 issued to your card.'],
    ['acknowledge', 'I am on it and will call you this afternoon.'],
  ] as const)('carry the agent\'s public note on %s, in the email and the SMS', (type, note) => {
    let c = make({ email: 'a@example.com', phone: '+12125550100', locale: 'en' }, 'Lost parcel');
    for (const step of type === 'acknowledge' ? [] : (['acknowledge', 'start'] as const)) {
      const r = applyEvent(c, { type: step, actor: 'agent:li' }, t0, defaultConfig);
      if (!r.ok) throw new Error(step);
      c = r.complaint;
    }
    const r = applyEvent(c, { type, actor: 'agent:li', note }, t0, defaultConfig);
    if (!r.ok) throw new Error(type);
    const all = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };
    const [email, sms] = renderProgress(r.complaint, r.complaint.timeline.length - 1, all) as [EmailMessage, SmsMessage];
    expect(email.text).toContain(note);
    expect(email.html).toContain(`<bdi>${note.replace('$', '$')}</bdi>`);
    expect(sms.text).toContain(note);
  });

  it('quote nothing the sender wrote in the receipt, which anyone can send to any address', () => {
    const lure = 'Your account is locked: call +1 555 0100 now';
    for (const locale of ['en', 'zh-CN']) {
      const messages = renderProgress(make({ email: 'a@example.com', phone: '+12125550100', name: 'Visit evil.example to verify', locale }, lure), 0, {
        ...defaultConfig,
        customerNotifications: { channels: 'all' as const },
      });
      expect(messages).toHaveLength(2);
      for (const m of messages) {
        const text = m.channel === 'email' ? `${m.subject}\n${m.text}\n${m.html}` : m.text;
        expect(text).not.toContain('evil.example');
        expect(text).not.toContain('locked');
      }
    }
    // Once an agent has taken it on, the messages name the customer and their title again.
    const c = acknowledged(make({ email: 'a@example.com', name: 'Ms Chen', locale: 'en' }, 'Lost parcel'));
    const [ack] = renderProgress(c, 1, defaultConfig) as [EmailMessage];
    expect(ack.text).toContain('Dear Ms Chen,');
    expect(ack.text).toContain('"Lost parcel"');
  });

  it('take bidirectional controls out of what the customer typed', () => {
    const [email] = renderProgress(acknowledged(make({ email: 'a@example.com', locale: 'en' }, 'Invoice \u202Efdp.exe')), 1, defaultConfig) as [EmailMessage];
    expect(email.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(email.html).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(email.html).toContain('<bdi>Invoice fdp.exe</bdi>');
  });

  it('escape what the customer typed in the HTML email', () => {
    const [email] = renderProgress(acknowledged(make({ email: 'a@example.com' }, '<script>alert("x")</script>')), 1, defaultConfig) as [EmailMessage];
    expect(email.html).not.toMatch(/<script|<b>/);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('go by SMS when there is only a phone, and by email only when both are given (preferred channel)', () => {
    const sms = renderProgress(make({ phone: '+8613700000000' }), 0, defaultConfig) as [SmsMessage];
    expect(sms.map((m) => [m.channel, m.to, m.id])).toEqual([['sms', '+8613700000000', 'REF123:t0:progress:sms']]);
    expect(sms[0].text).toContain('编号 REF123，');
    const both = make({ phone: '+8613700000000', email: 'a@example.com' });
    expect(renderProgress(both, 0, defaultConfig).map((m) => m.channel)).toEqual(['email']);
    const all = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };
    expect(renderProgress(both, 0, all).map((m) => m.channel)).toEqual(['email', 'sms']);
  });

  it('never carry internal notes, and carry public ones', () => {
    const c = make({ email: 'a@example.com' });
    const internal = applyEvent(c, { type: 'update', actor: 'a', note: 'possible fraud ring', internal: true }, t0, defaultConfig);
    const visible = applyEvent(c, { type: 'update', actor: 'a', note: 'The courier found your parcel.' }, t0, defaultConfig);
    if (!internal.ok || !visible.ok) throw new Error('fixture');
    expect(renderProgress(internal.complaint, 1, defaultConfig)).toEqual([]);
    const [email] = renderProgress(visible.complaint, 1, defaultConfig) as [EmailMessage];
    expect(email.text).toContain('The courier found your parcel.');
  });

  it('tell the customer about a step whose note is internal, without the note', () => {
    const c = make({ email: 'a@example.com' });
    const note = 'Customer sounds drunk, low priority';
    const quiet = applyEvent(c, { type: 'acknowledge', actor: 'agent:li', note, internal: true }, t0, defaultConfig);
    const spoken = applyEvent(c, { type: 'acknowledge', actor: 'agent:li', note }, t0, defaultConfig);
    if (!quiet.ok || !spoken.ok) throw new Error('fixture');
    expect(quiet.complaint.timeline[1]).toMatchObject({ event: 'acknowledge', note, noteInternal: true });
    const [email, ...rest] = renderProgress(quiet.complaint, 1, defaultConfig) as [EmailMessage];
    expect(rest).toEqual([]);
    expect(email.text).not.toContain(note);
    expect(email.html).not.toContain('drunk');
    // The same step without the flag carries the note: the difference is the flag.
    expect((renderProgress(spoken.complaint, 1, defaultConfig)[0] as EmailMessage).text).toContain(note);
  });
});

describe('progress recipients', () => {
  const all = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };
  it.each([
    ['email and phone, preferred channel', { email: 'a@example.com', phone: '+12125550100' }, defaultConfig, [['email', 'a@example.com']]],
    ['email and phone, both channels', { email: 'a@example.com', phone: '+12125550100' }, all, [['email', 'a@example.com'], ['sms', '+12125550100']]],
    ['phone only', { phone: '+12125550100' }, defaultConfig, [['sms', '+12125550100']]],
    ['no contact', {}, all, []],
  ] as const)('%s: the channels renderProgress sends on', (_name, customer, config, expected) => {
    const c = make({ ...customer });
    expect(progressRecipients(c, 0, config).map((r) => [r.channel, r.to])).toEqual(expected);
    expect(renderProgress(c, 0, config).map((m) => [m.channel, 'to' in m ? m.to : undefined])).toEqual(expected);
  });

  it('none for an internal note', () => {
    const r = applyEvent(make({ email: 'a@example.com' }), { type: 'update', actor: 'agent:li', note: 'called the courier', internal: true }, t0, defaultConfig);
    if (!r.ok) throw new Error('update');
    expect(progressRecipients(r.complaint, 1, defaultConfig)).toEqual([]);
    expect(progressRecipients(r.complaint, 5, defaultConfig)).toEqual([]);
  });
});

describe('complaint events', () => {
  it('publish received, each status change and the resolution, with deterministic ids', () => {
    let c = make({ email: 'a@example.com' });
    for (const type of ['acknowledge', 'start', 'resolve'] as const) {
      const r = applyEvent(c, { type, actor: 'a' }, t0, defaultConfig);
      if (!r.ok) throw new Error(type);
      c = r.complaint;
    }
    const events = complaintEvents(c, 0);
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['complaint.received', 'REF123:t0:received'],
      ['complaint.status_changed', 'REF123:t1:status'],
      ['complaint.status_changed', 'REF123:t2:status'],
      ['complaint.status_changed', 'REF123:t3:status'],
      ['complaint.resolved', 'REF123:t3:resolved'],
    ]);
    expect(events[1]!.detail).toMatchObject({ from: 'received', to: 'acknowledged', event: 'acknowledge' });
    expect(complaintEvents(c, 3).map((e) => e.type)).toEqual(['complaint.status_changed', 'complaint.resolved']);
  });
});

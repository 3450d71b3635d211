import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http.ts';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';
import { sendSmtp } from '../support/smtp.ts';
import { defaultConfig } from '../fixtures/config.ts';

const TOKEN = 'email-e2e-token';
const DOMAIN = 'youxuan-mall.example.com';
const CUSTOMER = 'wang.e2e@example.com';
let app: LocalProcess;
let smtpPort: number;
const api = client(() => app.url, TOKEN);

beforeAll(async () => {
  app = await startLocalProcess({ AGENT_TOKEN: TOKEN });
  smtpPort = Number(/smtp:\/\/127\.0\.0\.1:(\d+)/.exec(app.output())?.[1]);
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

function mime(headers: Record<string, string>, body: string): string {
  return [...Object.entries({ From: `Wang Fang <${CUSTOMER}>`, Date: 'Mon, 23 Nov 2026 09:15:00 +0800', 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=UTF-8', ...headers }).map(([k, v]) => `${k}: ${v}`), '', body].join('\n');
}

const event = (id: string, body: Record<string, unknown>) => api.call('POST', `/complaints/${id}/events`, { actor: 'agent:li.ming', ...body });
const latestEmailTo = async (complaintId: string) => {
  await api.settle();
  const mine = (await api.outbox()).filter((m) => m.complaintId === complaintId && m.channel === 'email' && m.to === CUSTOMER);
  return mine.at(-1)!;
};

describe('two-way email over the local SMTP port', () => {
  it('prints the SMTP port it listens on', () => {
    expect(smtpPort).toBeGreaterThan(0);
  });

  it('refuses mail for addresses that are not ours', async () => {
    const sent = await sendSmtp(smtpPort, { from: CUSTOMER, to: [`sales@${DOMAIN}`] }, mime({ Subject: 'hi' }, 'hello'));
    expect(sent.codes).toContain(550);
    expect(sent.last).toBe('');
  });

  it('new complaint, reply to a wait_on_customer message, reply to a resolved complaint', async () => {
    // 1. A complaint by email.
    const first = await sendSmtp(
      smtpPort,
      { from: CUSTOMER, to: [`complaints@${DOMAIN}`] },
      mime({ To: `complaints@${DOMAIN}`, Subject: 'Parcel <b>never</b> arrived', 'Message-ID': '<e2e-new-1@example.com>' }, 'My parcel for order 8812 has not arrived after ten days.\n\n-- \nWang Fang'),
    );
    expect(first.last).toMatch(/^250 /);
    await api.settle();
    const receipt = (await api.outbox()).find((m) => m.to === CUSTOMER && m.kind === 'progress')!;
    const id = receipt.complaintId as string;
    const created = (await api.call('GET', `/complaints/${id}`)).body;
    expect(created).toMatchObject({ channel: 'email', title: 'Parcel <b>never</b> arrived', description: 'My parcel for order 8812 has not arrived after ten days.', customer: { email: CUSTOMER, name: 'Wang Fang' } });
    expect(receipt.headers['Reply-To']).toMatch(new RegExp(`^complaints\\+[a-z2-7][0-9a-z]{43}@${DOMAIN.replace(/\./g, '\\.')}$`));
    expect(receipt.headers.References).toBe(`<complaint.${id}@${DOMAIN}>`);
    // The receipt quotes nothing the sender wrote (anyone can write any From); later messages do, escaped.
    expect(receipt.html).not.toContain('never');

    // 2. The agent asks for information; the customer replies to that email, quoting it.
    expect((await event(id, { type: 'acknowledge' })).status).toBe(200);
    const waiting = (await event(id, { type: 'wait_on_customer', note: 'Please send us the tracking number.' })).body;
    expect(waiting.sla.pausedAt).toBeDefined();
    const ask = await latestEmailTo(id);
    expect(ask.body).toContain('Please send us the tracking number.');
    expect(ask.html).toContain('&lt;b&gt;never&lt;/b&gt;');
    const quoted = ask.body.split('\n').map((l: string) => `> ${l}`).join('\n');
    const reply = await sendSmtp(
      smtpPort,
      { from: CUSTOMER, to: [ask.headers['Reply-To']] },
      mime(
        { To: ask.headers['Reply-To'], Subject: `Re: ${ask.subject}`, 'Message-ID': '<e2e-reply-1@example.com>', References: ask.headers.References },
        `The tracking number is SF1234567890.\n\nOn Mon, 23 Nov 2026 at 10:00, YouXuan Care <care@${DOMAIN}> wrote:\n${quoted}`,
      ),
    );
    expect(reply.last).toMatch(/^250 /);
    const replied = (await api.call('GET', `/complaints/${id}`)).body;
    expect(replied.status).toBe('in_progress');
    expect(replied.sla.pausedAt).toBeUndefined();
    expect(replied.timeline.at(-1)).toMatchObject({ event: 'customer_replied', actor: 'customer:email', note: 'The tracking number is SF1234567890.' });
    await api.settle();
    expect((await latestEmailTo(id)).subject).toMatch(/^Thank you, we have your reply \(ref\. /);

    // An out-of-office answer to the same address is taken in and ignored: no entry, no message back.
    const toCustomer = async () => (await api.outbox()).filter((m) => m.to === CUSTOMER).length;
    await api.settle();
    const before = await toCustomer();
    const ooo = await sendSmtp(
      smtpPort,
      { from: CUSTOMER, to: [ask.headers['Reply-To']] },
      mime({ To: ask.headers['Reply-To'], Subject: 'Automatic reply', 'Auto-Submitted': 'auto-replied', 'Message-ID': '<e2e-ooo-1@example.com>' }, 'Out of office.'),
    );
    expect(ooo.last).toMatch(/^250 /);
    await api.settle();
    const afterOoo = (await api.call('GET', `/complaints/${id}`)).body;
    expect(afterOoo.timeline.filter((e: { actor: string }) => e.actor === 'customer:email')).toHaveLength(1);
    expect(afterOoo.status).toBe('in_progress');
    expect(await toCustomer()).toBe(before);

    // 3. Resolved; the customer answers the resolution email: the complaint reopens.
    expect((await event(id, { type: 'resolve' })).body.status).toBe('resolved');
    const resolvedMail = await latestEmailTo(id);
    // The resolution email itself (its reply address is signed for the same complaint and address,
    // so on the same day it may read as the earlier one's).
    expect(resolvedMail.id).not.toBe(ask.id);
    const again = await sendSmtp(
      smtpPort,
      { from: CUSTOMER, to: [resolvedMail.headers['Reply-To']] },
      mime({ To: resolvedMail.headers['Reply-To'], Subject: `Re: ${resolvedMail.subject}`, 'Message-ID': '<e2e-reply-2@example.com>' }, 'It arrived broken, please reopen.\n\nSent from my iPhone'),
    );
    expect(again.last).toMatch(/^250 /);
    const reopened = (await api.call('GET', `/complaints/${id}`)).body;
    expect(reopened).toMatchObject({ status: 'reopened', reopenCount: 1 });
    expect(reopened.timeline.at(-1)).toMatchObject({ event: 'reopen', actor: 'customer:email', note: 'It arrived broken, please reopen.' });
    // The department head hears of it at once, with the customer's words and the console link.
    await api.settle();
    const notices = (await api.outbox()).filter((m) => m.complaintId === id && m.kind === 'customer_reopened');
    const head = defaultConfig.departments.find((d) => d.id === reopened.department)!.head;
    expect(notices.map((m) => [m.channel, m.to])).toEqual([['email', head.email]]);
    expect(notices[0]!.body).toContain('It arrived broken, please reopen.');
    expect(notices[0]!.body).toContain(`/console/complaints/${id}`);
  });

  it('takes in mail from a sender the complaint schema refuses (250) and files nothing: listings stay readable', async () => {
    const sent = await sendSmtp(
      smtpPort,
      { from: 'x@example.com', to: [`complaints@${DOMAIN}`] },
      'From: a@b@c, z@q.com\nSubject: multi from\nMessage-ID: <e2e-unusable-1@example.com>\n\nrefund multi\n',
    );
    expect(sent.last).toMatch(/^250 /);
    await api.settle();
    const listed = await api.call('GET', '/complaints?status=received&limit=100');
    expect(listed.status).toBe(200);
    expect(listed.body.items.some((c: { title?: string }) => c.title === 'multi from')).toBe(false);
    expect((await api.outbox()).some((m) => m.subject?.includes('multi from') || m.to === 'a@b@c')).toBe(false);
  });

  it('threads a reply to the plain address by References only when the sender is authenticated (X-Local-Verdicts stands in for SES)', async () => {
    await api.settle();
    const seen = new Set((await api.outbox()).map((m) => m.complaintId));
    const first = await sendSmtp(
      smtpPort,
      { from: CUSTOMER, to: [`complaints@${DOMAIN}`] },
      mime({ To: `complaints@${DOMAIN}`, Subject: 'Wrong size delivered', 'Message-ID': '<e2e-auth-1@example.com>' }, 'I ordered size 42 and got 38, order 7731.'),
    );
    expect(first.last).toMatch(/^250 /);
    await api.settle();
    const id = (await api.outbox()).find((m) => m.to === CUSTOMER && m.kind === 'progress' && !seen.has(m.complaintId))?.complaintId as string;
    expect(id).toBeDefined();
    const reference = `<complaint.${id}@${DOMAIN}>`;
    const entries = async () => (await api.call('GET', `/complaints/${id}`)).body.timeline.filter((e: { actor: string }) => e.actor === 'customer:email').length;

    const forged = await sendSmtp(
      smtpPort,
      { from: 'mallory@example.net', to: [`complaints@${DOMAIN}`] },
      mime({ To: `complaints@${DOMAIN}`, Subject: 'Re: Wrong size delivered', 'Message-ID': '<e2e-auth-forged@example.com>', References: reference, 'X-Local-Verdicts': 'dmarc=FAIL spf=FAIL dkim=FAIL' }, 'Forged: cancel my complaint.'),
    );
    expect(forged.last).toMatch(/^250 /);
    await api.settle();
    expect(await entries()).toBe(0);

    const genuine = await sendSmtp(
      smtpPort,
      { from: CUSTOMER, to: [`complaints@${DOMAIN}`] },
      mime({ To: `complaints@${DOMAIN}`, Subject: 'Re: Wrong size delivered', 'Message-ID': '<e2e-auth-genuine@example.com>', References: reference }, 'Photo of the label follows.'),
    );
    expect(genuine.last).toMatch(/^250 /);
    await api.settle();
    expect(await entries()).toBe(1);
  });
});

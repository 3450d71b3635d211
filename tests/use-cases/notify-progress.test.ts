import { describe, expect, it } from 'vitest';
import { MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { notifyProgress, type NotifyProgressDeps } from '../../functions/use-cases/notify-progress.ts';
import { defaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');

function deps(): NotifyProgressDeps & { minted: string[]; notifier: MemoryNotifier } {
  const minted: string[] = [];
  return {
    minted,
    config: defaultConfig,
    clock: new SimulatedClock(t0),
    notifier: new MemoryNotifier(),
    ledger: new MemoryMessageLedger(120),
    events: { publish: async () => undefined },
    optOuts: {
      isOptedOut: async () => false,
      optOut: async () => undefined,
      issueUnsubscribeLink: async () => (minted.push('unsubscribe'), `u${minted.length}`),
      findUnsubscribeLink: async () => undefined,
    },
    replyTokens: { issue: async () => (minted.push('reply'), `r${minted.length}`), find: async () => undefined },
    replyLinks: { issue: async (complaintId) => (minted.push(`link:${complaintId}`), `l${minted.length}`), find: async () => undefined },
    publicBaseUrl: () => 'https://complaints.example',
  };
}

describe('progress messages and the links minted for them', () => {
  const built = createComplaint({ channel: 'web', customer: { id: 'c-1', email: 'jane@example.com', phone: '+12125550100', locale: 'en' }, description: 'My parcel never arrived' }, defaultConfig, t0, '01K0000000000000000000000A');
  if (!built.ok) throw new Error('fixture');

  it('mints the unsubscribe link and the reply address for the email it sends, and nothing on a redelivery', async () => {
    const d = deps();
    expect(await notifyProgress(built.complaint, undefined, d)).toBe(1);
    expect(d.minted).toEqual(['unsubscribe', 'reply']);
    const email = d.notifier.messages[0];
    if (email?.channel !== 'email') throw new Error('no email');
    expect(email.text).toContain('https://complaints.example/u/u1');
    expect(email.replyTo).toMatch(/^complaints\+r2@/);
    // The stream delivers the record again: the message is claimed as sent, so no link is minted.
    expect(await notifyProgress(built.complaint, undefined, d)).toBe(0);
    expect(d.minted).toEqual(['unsubscribe', 'reply']);
  });

  it('asks about each recipient, and keeps only opted-out ones from steps the law does not require', async () => {
    const config = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };
    const asked: string[] = [];
    const d = { ...deps(), config };
    d.optOuts = { ...d.optOuts, isOptedOut: async (customerId, r) => (asked.push(`${customerId} ${r.channel}:${r.to}`), r.channel === 'email') };
    expect(await notifyProgress(built.complaint, undefined, d)).toBe(2);
    const acknowledged = applyEvent(built.complaint, { type: 'acknowledge', actor: 'agent:a' }, t0, config);
    if (!acknowledged.ok) throw new Error('fixture');
    expect(await notifyProgress(acknowledged.complaint, built.complaint, d)).toBe(1);
    expect(d.notifier.messages.map((m) => m.id.split(':').slice(1).join(':'))).toEqual(['t0:progress:email', 't0:progress:sms', 't1:progress:sms']);
    expect(asked).toEqual(['c-1 email:jane@example.com', 'c-1 sms:+12125550100']);
  });

  it('mints a reply link for the "waiting on you" SMS once it is claimed, and none for other steps, emails or a redelivery', async () => {
    const phoneOnly = createComplaint({ channel: 'phone', customer: { id: 'c-2', phone: '+12125550100', locale: 'en' }, description: 'My parcel never arrived' }, defaultConfig, t0, '01K0000000000000000000000B');
    if (!phoneOnly.ok) throw new Error('fixture');
    const d = deps();
    let c = phoneOnly.complaint;
    expect(await notifyProgress(c, undefined, d)).toBe(1);
    for (const e of [{ type: 'acknowledge' }, { type: 'wait_on_customer', note: 'Please send the tracking number.' }] as const) {
      const next = applyEvent(c, { ...e, actor: 'agent:a' }, t0, defaultConfig);
      if (!next.ok) throw new Error('fixture');
      expect(await notifyProgress(next.complaint, c, d)).toBe(1);
      c = next.complaint;
    }
    expect(d.minted).toEqual([`link:${c.id}`]);
    const sms = d.notifier.messages.at(-1);
    expect(sms?.channel === 'sms' && sms.text).toBe('YouXuan Mall: ref 01K0000000000000000000000B needs information from you. Note: Please send the tracking number. Answer here: https://complaints.example/r/l1 Reply STOP to opt out');
    // Redelivered: the SMS is claimed as sent, so no second link is minted.
    const before = applyEvent(phoneOnly.complaint, { type: 'acknowledge', actor: 'agent:a' }, t0, defaultConfig);
    if (!before.ok) throw new Error('fixture');
    expect(await notifyProgress(c, before.complaint, d)).toBe(0);
    expect(d.minted).toEqual([`link:${c.id}`]);
  });

  it('sends the "waiting on you" SMS without a link where no public URL is known', async () => {
    const phoneOnly = createComplaint({ channel: 'phone', customer: { id: 'c-3', phone: '+12125550100', locale: 'en' }, description: 'My parcel never arrived' }, defaultConfig, t0, '01K0000000000000000000000C');
    if (!phoneOnly.ok) throw new Error('fixture');
    const d = { ...deps(), publicBaseUrl: () => undefined };
    const acknowledged = applyEvent(phoneOnly.complaint, { type: 'acknowledge', actor: 'agent:a' }, t0, defaultConfig);
    if (!acknowledged.ok) throw new Error('fixture');
    const waiting = applyEvent(acknowledged.complaint, { type: 'wait_on_customer', actor: 'agent:a' }, t0, defaultConfig);
    if (!waiting.ok) throw new Error('fixture');
    expect(await notifyProgress(waiting.complaint, acknowledged.complaint, d)).toBe(1);
    expect(d.minted).toEqual([]);
    expect(d.notifier.messages.at(-1)).toMatchObject({ channel: 'sms', text: expect.not.stringContaining('/r/') });
  });
});

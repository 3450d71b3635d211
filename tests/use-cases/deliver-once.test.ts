import { describe, expect, it } from 'vitest';
import { MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import type { OutboundMessage } from '../../functions/domain/messages.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { deliverOnce, MessageInProgressError } from '../../functions/use-cases/deliver-once.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');
const message = (id: string): OutboundMessage => ({ id, kind: 'progress', channel: 'sms', to: '+8613700000000', text: id });

describe('deliverOnce with the in-memory ledger', () => {
  it('sends once, skips what was sent, and sends again after a failed send gave the claim back', async () => {
    const clock = new SimulatedClock(t0);
    const ledger = new MemoryMessageLedger(120);
    const notifier = new MemoryNotifier();
    let fail = true;
    const flaky = { send: async (m: OutboundMessage) => (fail ? ((fail = false), Promise.reject(new Error('SNS throttled'))) : notifier.send(m)) };
    await expect(deliverOnce([message('a')], { notifier: flaky, ledger, clock })).rejects.toThrow('SNS throttled');
    expect(await deliverOnce([message('a'), message('b')], { notifier: flaky, ledger, clock })).toBe(2);
    expect(await deliverOnce([message('a'), message('b')], { notifier: flaky, ledger, clock })).toBe(0);
    expect(notifier.messages.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('leaves a live claim alone (sending the rest, then reporting it) and takes over one whose lease ran out', async () => {
    const clock = new SimulatedClock(t0);
    const ledger = new MemoryMessageLedger(120);
    const notifier = new MemoryNotifier();
    // A delivery that claimed 'a' and died before sending.
    expect((await ledger.claim('a', clock.now())).kind).toBe('claimed');
    clock.set(new Date(t0.getTime() + 119_000));
    const held = deliverOnce([message('a'), message('b')], { notifier, ledger, clock });
    await expect(held).rejects.toThrow(MessageInProgressError);
    await expect(held).rejects.toMatchObject({ messageIds: ['a'], leaseUntil: '2026-11-16T02:02:00.000Z' });
    expect(notifier.messages.map((m) => m.id)).toEqual(['b']);
    clock.set(new Date(t0.getTime() + 120_000));
    expect(await deliverOnce([message('a'), message('b')], { notifier, ledger, clock })).toBe(1);
    expect(notifier.messages.map((m) => m.id)).toEqual(['b', 'a']);
  });
});

describe('finishing a claimed message', () => {
  it('finishes only the messages it claims, and gives the claim back when finishing fails', async () => {
    const clock = new SimulatedClock(t0);
    const ledger = new MemoryMessageLedger(120);
    const notifier = new MemoryNotifier();
    const finished: string[] = [];
    const finish = async (m: OutboundMessage): Promise<OutboundMessage> => {
      finished.push(m.id);
      return { ...m, text: `${m.id} with link` } as OutboundMessage;
    };
    expect(await deliverOnce([message('a')], { notifier, ledger, clock }, finish)).toBe(1);
    expect(notifier.messages.map((m) => (m.channel === 'sms' ? m.text : ''))).toEqual(['a with link']);
    // A replay: already sent, so nothing is finished (no link minted) and nothing sent.
    expect(await deliverOnce([message('a')], { notifier, ledger, clock }, finish)).toBe(0);
    expect(finished).toEqual(['a']);
    await expect(deliverOnce([message('b')], { notifier, ledger, clock }, async () => Promise.reject(new Error('link store down')))).rejects.toThrow('link store down');
    expect(await deliverOnce([message('b')], { notifier, ledger, clock }, finish)).toBe(1);
    expect(finished).toEqual(['a', 'b']);
  });
});

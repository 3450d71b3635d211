import { describe, expect, it } from 'vitest';
import { HELD_CLAIM_SAFETY_MARGIN_MS, waitingOutHeldClaims, type InvocationTime } from '../../functions/adapters/held-claim-wait.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { MessageInProgressError } from '../../functions/use-cases/deliver-once.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');

/** A claim held until `leaseUntil`: attempts throw until the clock reaches it, then succeed. */
function setup(leaseUntilMs: number, timeoutMs = 60_000) {
  const clock = new SimulatedClock(t0);
  const slept: number[] = [];
  let attempts = 0;
  const attempt = async (): Promise<string> => {
    attempts += 1;
    if (clock.now().getTime() < leaseUntilMs) throw new MessageInProgressError(['m-1'], new Date(leaseUntilMs).toISOString());
    return 'sent';
  };
  const deadline = t0.getTime() + timeoutMs;
  const context: InvocationTime = { getRemainingTimeInMillis: () => deadline - clock.now().getTime() };
  const options = {
    clock: () => clock,
    sleep: async (ms: number) => {
      slept.push(ms);
      clock.set(new Date(clock.now().getTime() + ms));
    },
  };
  return { clock, slept, attempt, context, options, attempts: () => attempts };
}

describe('waitingOutHeldClaims', () => {
  it('waits out a lease that ends within the invocation and runs the attempt again', async () => {
    const s = setup(t0.getTime() + 30_000);
    await expect(waitingOutHeldClaims(s.attempt, s.context, s.options)).resolves.toBe('sent');
    expect(s.slept).toEqual([30_000]);
    expect(s.attempts()).toBe(2);
  });

  it('waits what the invocation allows, less the margin, then rethrows when the lease ends later', async () => {
    const s = setup(t0.getTime() + 64_000);
    await expect(waitingOutHeldClaims(s.attempt, s.context, s.options)).rejects.toThrow(MessageInProgressError);
    expect(s.slept).toEqual([60_000 - HELD_CLAIM_SAFETY_MARGIN_MS]);
    expect(s.attempts()).toBe(1);
  });

  it('does not wait without an invocation context, nor for other errors', async () => {
    const s = setup(t0.getTime() + 10_000);
    await expect(waitingOutHeldClaims(s.attempt, undefined, s.options)).rejects.toThrow(MessageInProgressError);
    await expect(waitingOutHeldClaims(async () => Promise.reject(new Error('SES throttled')), s.context, s.options)).rejects.toThrow('SES throttled');
    expect(s.slept).toEqual([]);
  });

  it("sleeps on the invocation's own clock when its context offers a sleep (the local poller's, on the simulated clock)", async () => {
    const s = setup(t0.getTime() + 30_000);
    const context: InvocationTime = {
      ...s.context,
      sleep: (ms) => s.clock.sleepUntil(new Date(s.clock.now().getTime() + ms)),
    };
    let outcome: string | undefined;
    const waiting = waitingOutHeldClaims(s.attempt, context, { clock: s.options.clock }).then((r) => {
      outcome = r;
    });
    await new Promise((r) => setImmediate(r));
    s.clock.set(new Date(t0.getTime() + 29_999));
    await new Promise((r) => setImmediate(r));
    expect([outcome, s.attempts()]).toEqual([undefined, 1]);
    // POST /local/clock moves it past the lease in one step: the wait ends there, and the attempt runs again.
    s.clock.set(new Date(t0.getTime() + 120_000));
    await waiting;
    expect([outcome, s.attempts()]).toEqual(['sent', 2]);
  });

  it('does not wait when the invocation has no time left beyond the margin', async () => {
    const s = setup(t0.getTime() + 1_000, HELD_CLAIM_SAFETY_MARGIN_MS);
    await expect(waitingOutHeldClaims(s.attempt, s.context, s.options)).rejects.toThrow(MessageInProgressError);
    expect(s.slept).toEqual([]);
  });
});

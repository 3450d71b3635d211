import { describe, expect, it } from 'vitest';
import { ClockRewindError, SimulatedClock } from '../../functions/local/simulated-clock.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

/** Lets every settled promise's callbacks run, without any time passing on any clock. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Records the moment (the clock's reading) each sleeper woke, by name. */
function sleepers(clock: SimulatedClock, untils: Record<string, number>) {
  const woke: Record<string, number> = {};
  for (const [name, ms] of Object.entries(untils)) {
    void clock.sleepUntil(at(ms)).then(() => {
      woke[name] = clock.now().getTime() - t0.getTime();
    });
  }
  return woke;
}

describe('SimulatedClock.sleepUntil', () => {
  it('resolves when the clock is moved to or past the time, not before', async () => {
    const clock = new SimulatedClock(t0);
    const woke = sleepers(clock, { lease: 65_000 });
    clock.set(at(64_999));
    await flush();
    expect(woke).toEqual({});
    clock.set(at(10 * 60_000));
    await flush();
    expect(woke).toEqual({ lease: 10 * 60_000 });
  });

  it('resolves at the first step at or past the time when the clock follows real time in 250 ms steps', async () => {
    const clock = new SimulatedClock(t0);
    const woke = sleepers(clock, { lease: 1_100 });
    for (let ms = 250; ms <= 2_000; ms += 250) {
      clock.set(at(ms));
      await flush();
    }
    expect(woke).toEqual({ lease: 1_250 });
  });

  it('wakes several sleepers, each once the clock reaches its own time', async () => {
    const clock = new SimulatedClock(t0);
    const woke = sleepers(clock, { a: 1_000, b: 5_000, c: 5_000, d: 60_000 });
    clock.set(at(5_000));
    await flush();
    expect(woke).toEqual({ a: 5_000, b: 5_000, c: 5_000 });
    clock.set(at(70_000));
    await flush();
    expect(woke).toEqual({ a: 5_000, b: 5_000, c: 5_000, d: 70_000 });
  });

  it('resolves at once for a time the clock has reached', async () => {
    const clock = new SimulatedClock(t0);
    const woke = sleepers(clock, { now: 0, past: -1_000 });
    await flush();
    expect(woke).toEqual({ now: 0, past: 0 });
  });

  it('keeps sleeping through a refused move backwards, and wakes on the next move forwards', async () => {
    const clock = new SimulatedClock(at(10_000));
    const woke = sleepers(clock, { lease: 20_000 });
    expect(() => clock.set(at(9_999))).toThrow(ClockRewindError);
    await flush();
    expect(woke).toEqual({});
    clock.set(at(10_000));
    await flush();
    expect(woke).toEqual({});
    clock.set(at(25_000));
    await flush();
    expect(woke).toEqual({ lease: 25_000 });
  });

  it('rejects with the reason when its signal aborts first, and is then forgotten', async () => {
    const clock = new SimulatedClock(t0);
    const stop = new AbortController();
    const sleeping = clock.sleepUntil(at(60_000), { signal: stop.signal });
    stop.abort(new Error('stopping'));
    await expect(sleeping).rejects.toThrow('stopping');
    await expect(clock.sleepUntil(at(1), { signal: stop.signal })).rejects.toThrow('stopping');
  });
});

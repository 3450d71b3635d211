import type { Clock } from '../ports/clock.ts';

/** Thrown when asked to move the simulated clock backwards. */
export class ClockRewindError extends Error {
  override readonly name = 'ClockRewindError';
}

interface Sleeper {
  readonly until: number;
  readonly wake: () => void;
}

/**
 * The local runtime's clock: starts at the real time (or a given one) and only moves when told,
 * so a week of schedules can pass in a second.
 */
export class SimulatedClock implements Clock {
  #now: number;
  readonly #sleepers = new Set<Sleeper>();
  readonly #onSet: ((now: Date) => void) | undefined;
  /** @param options.onSet told every new time (the local runtime saves it in the persist folder) */
  constructor(start: Date = new Date(), options: { readonly onSet?: (now: Date) => void } = {}) {
    this.#now = start.getTime();
    this.#onSet = options.onSet;
  }
  now(): Date {
    return new Date(this.#now);
  }
  /** @throws ClockRewindError when `t` is before the current simulated time */
  set(t: Date): void {
    if (t.getTime() < this.#now) {
      throw new ClockRewindError(`the clock never moves backwards: ${t.toISOString()} is before ${new Date(this.#now).toISOString()}`);
    }
    const changed = t.getTime() !== this.#now;
    this.#now = t.getTime();
    if (changed) this.#onSet?.(t);
    for (const sleeper of this.#sleepers) {
      if (sleeper.until <= this.#now) sleeper.wake();
    }
  }
  /**
   * Resolves once the clock reads `t` or later, however it gets there: following real time (the
   * local runtime moves it every 250 ms) or moved ahead by `POST /local/clock`. A wait on this clock
   * is what lets a stream consumer sleep through a lease that the simulated clock decides.
   * @throws the signal's reason when `signal` aborts first (the sleeper is forgotten)
   */
  sleepUntil(t: Date, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (t.getTime() <= this.#now) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#sleepers.delete(sleeper);
        reject(signal?.reason as Error);
      };
      const sleeper: Sleeper = {
        until: t.getTime(),
        wake: () => {
          this.#sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#sleepers.add(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

import type { Clock } from '../ports/clock.ts';

/** Thrown when asked to move the simulated clock backwards. */
export class ClockRewindError extends Error {
  override readonly name = 'ClockRewindError';
}

/**
 * The local runtime's clock: starts at the real time (or a given one) and only moves when told,
 * so a week of schedules can pass in a second.
 */
export class SimulatedClock implements Clock {
  #now: number;
  constructor(start: Date = new Date()) {
    this.#now = start.getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  /** @throws ClockRewindError when `t` is before the current simulated time */
  set(t: Date): void {
    if (t.getTime() < this.#now) {
      throw new ClockRewindError(`the clock never moves backwards: ${t.toISOString()} is before ${new Date(this.#now).toISOString()}`);
    }
    this.#now = t.getTime();
  }
}

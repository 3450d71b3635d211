import type { PollerTimer } from '../../functions/local/stream-poller.ts';

/**
 * A clock that moves only when a test says so, with timers that fire as it passes them: tests
 * drive the stream poller's naps, batching window and backoffs turn by turn instead of waiting.
 */
export class ManualTimer implements PollerTimer {
  #now: number;
  #seq = 0;
  readonly #pending = new Map<number, { readonly at: number; readonly callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 5, 9)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#pending.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** When the earliest waiting timer fires, or `undefined` when none waits. */
  get nextAt(): number | undefined {
    let at: number | undefined;
    for (const entry of this.#pending.values()) if (at === undefined || entry.at < at) at = entry.at;
    return at;
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way, in time order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#pending) if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.#pending.delete(next[0]);
      this.#now = next[1].at;
      next[1].callback();
    }
    this.#now = target;
  }

  /** Resolves once some code waits on a timer (the poller has finished its turn and naps). */
  async waitForTimer(): Promise<void> {
    while (this.#pending.size === 0) await new Promise((r) => setImmediate(r));
  }
}

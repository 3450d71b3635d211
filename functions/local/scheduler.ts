import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { SimulatedClock } from './simulated-clock.ts';
import { nextFireAfter, parseScheduleExpression, type Schedule } from './schedule-expression.ts';

/** Thrown for a second schedule with a name already in use. */
export class DuplicateScheduleError extends Error {
  override readonly name = 'DuplicateScheduleError';
}

/** What a scheduled function is invoked with, exactly as an EventBridge rule delivers it. */
export type LocalScheduledEvent = ScheduledEvent<Record<string, never>>;

export type ScheduledRun = (event: LocalScheduledEvent) => Promise<unknown>;

/**
 * What a function behind an EventBridge Scheduler schedule (one with a time zone) is invoked with:
 * the input the stack gives its target, the schedule's ARN and the time it was due.
 */
export interface ZonedScheduledEvent {
  readonly scheduleArn: string;
  readonly scheduledTime: string;
}

export type ZonedScheduledRun = (event: ZonedScheduledEvent) => Promise<unknown>;

/** One schedule firing during `advanceTo`. */
export interface FiredRun {
  readonly name: string;
  /** The simulated time the schedule fired at (the clock's value while it ran). */
  readonly time: Date;
  readonly event: LocalScheduledEvent | ZonedScheduledEvent;
  readonly outcome: { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: unknown };
}

export interface LocalSchedulerOptions {
  /** @default 'local' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly account?: string;
  /**
   * Awaited after every run, before the clock moves on: the local runtime passes "wait until
   * the stream pollers are idle" so effects of one run are handled at the time they happened.
   * @default none
   */
  readonly settle?: () => Promise<void>;
}

type Entry = { readonly name: string; readonly schedule: Schedule; next: Date } & (
  | { readonly timeZone?: undefined; readonly run: ScheduledRun }
  | { readonly timeZone: string; readonly run: ZonedScheduledRun }
);

/**
 * Fires EventBridge schedule expressions against a simulated clock: nothing happens until
 * `advanceTo` moves time forward, then every schedule that came due fires in time order with
 * the clock set to its fire time, so a week of schedules can pass in a second.
 */
export class LocalScheduler {
  readonly #clock: SimulatedClock;
  readonly #options: LocalSchedulerOptions;
  readonly #entries: Entry[] = [];
  // advanceTo calls (e.g. two HTTP requests) queue instead of interleaving on one clock.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(clock: SimulatedClock, options: LocalSchedulerOptions = {}) {
    this.#clock = clock;
    this.#options = options;
  }

  /**
   * Registers a schedule. A rate counts from now (the clock's current time); a cron fires at its
   * next matching minute.
   * @throws ScheduleExpressionError for an invalid expression
   * @throws DuplicateScheduleError when the name is taken
   */
  add(name: string, expression: string, run: ScheduledRun): void {
    if (this.#entries.some((e) => e.name === name)) throw new DuplicateScheduleError(`a schedule named "${name}" already exists`);
    const schedule = parseScheduleExpression(expression);
    this.#entries.push({ name, schedule, run, next: nextFireAfter(schedule, this.#clock.now()) });
  }

  /**
   * Registers an EventBridge Scheduler schedule whose cron reads the wall clock of `timeZone`
   * (`ScheduleExpressionTimezone`), e.g. Monday 09:00 in the company's zone.
   * @throws ScheduleExpressionError for an invalid expression
   * @throws DuplicateScheduleError when the name is taken
   */
  addZoned(name: string, expression: string, timeZone: string, run: ZonedScheduledRun): void {
    if (this.#entries.some((e) => e.name === name)) throw new DuplicateScheduleError(`a schedule named "${name}" already exists`);
    const schedule = parseScheduleExpression(expression);
    this.#entries.push({ name, schedule, timeZone, run, next: nextFireAfter(schedule, this.#clock.now(), timeZone) });
  }

  /** Each schedule's expression and next fire time, soonest first. */
  upcoming(): { name: string; expression: string; next: Date }[] {
    return this.#entries
      .map((e) => ({ name: e.name, expression: e.schedule.expression, next: new Date(e.next) }))
      .sort((a, b) => a.next.getTime() - b.next.getTime());
  }

  /**
   * Moves the clock to `t`, firing every schedule due on the way in time order (ties in the
   * order they were added), each with the clock set to its fire time. A run that throws is
   * recorded in its outcome and the walk goes on, as a failed invocation does not stop a rule.
   * @throws ClockRewindError when `t` is before the clock's current time
   */
  advanceTo(t: Date): Promise<FiredRun[]> {
    const result = this.#queue.then(() => this.#advance(t));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #advance(t: Date): Promise<FiredRun[]> {
    // Refuse a rewind before firing anything rather than halfway through.
    if (t.getTime() < this.#clock.now().getTime()) this.#clock.set(t);
    const fired: FiredRun[] = [];
    for (let entry = this.#nextDue(t); entry !== undefined; entry = this.#nextDue(t)) {
      // When something else moved the clock past a fire time, the schedule fires once, now.
      const time = new Date(Math.max(entry.next.getTime(), this.#clock.now().getTime()));
      this.#clock.set(time);
      const event = entry.timeZone === undefined ? this.#event(entry.name, time) : this.#zonedEvent(entry.name, entry.next);
      let outcome: FiredRun['outcome'];
      try {
        outcome = { ok: true, result: entry.timeZone === undefined ? await entry.run(event as LocalScheduledEvent) : await entry.run(event as ZonedScheduledEvent) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      entry.next = nextFireAfter(entry.schedule, time, entry.timeZone);
      fired.push({ name: entry.name, time, event, outcome });
      await this.#options.settle?.();
    }
    this.#clock.set(t);
    return fired;
  }

  /** The earliest schedule due at or before `t`; on a tie, the one added first. */
  #nextDue(t: Date): Entry | undefined {
    let due: Entry | undefined;
    for (const entry of this.#entries) {
      if (entry.next.getTime() <= t.getTime() && (due === undefined || entry.next.getTime() < due.next.getTime())) due = entry;
    }
    return due;
  }

  /** EventBridge Scheduler's context: the time the schedule was due, to the second, even when it fires late. */
  #zonedEvent(name: string, due: Date): ZonedScheduledEvent {
    const region = this.#options.region ?? 'local';
    const account = this.#options.account ?? '000000000000';
    return {
      scheduleArn: `arn:aws:scheduler:${region}:${account}:schedule/default/${name}`,
      scheduledTime: new Date(Math.floor(due.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    };
  }

  #event(name: string, time: Date): LocalScheduledEvent {
    const region = this.#options.region ?? 'local';
    const account = this.#options.account ?? '000000000000';
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account,
      // EventBridge stamps whole seconds: 2026-11-22T08:00:00Z.
      time: new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      region,
      resources: [`arn:aws:events:${region}:${account}:rule/${name}`],
      detail: {},
    };
  }
}

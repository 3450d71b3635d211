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
 * A scheduled function's own answer to "when could a run of mine next find work?": the earliest
 * due time among what it would read (the same index keys its runs query), a time at or before now
 * when work is due, `undefined` when nothing is pending at all (only a write can create work).
 */
export type NextWork = () => Promise<Date | undefined>;

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
  /**
   * How many writes the data has seen so far (any table, counted when a write is sent and again when
   * it completes). A schedule added with `nextWork` skips the runs before its next work only while
   * this count has not moved since it asked; any write makes it ask again before its next run.
   * @default none: every run fires
   */
  readonly writes?: () => number;
}

/** How many runs of one schedule fired, and how many were skipped as idle (see `add`'s `nextWork`). */
export interface ScheduleStats {
  readonly name: string;
  readonly expression: string;
  readonly next: Date;
  readonly runs: number;
  readonly skippedIdle: number;
}

type Entry = {
  readonly name: string;
  readonly schedule: Schedule;
  next: Date;
  runs: number;
  skippedIdle: number;
  readonly nextWork?: NextWork;
  /** The last answer of `nextWork` and the write count when it was asked; none: ask before the next run. */
  wake?: { readonly at: Date | undefined; readonly writes: number };
} & (
  | { readonly timeZone?: undefined; readonly run: ScheduledRun }
  | { readonly timeZone: string; readonly run: ZonedScheduledRun }
);

/**
 * Fires EventBridge schedule expressions against a simulated clock: nothing happens until
 * `advanceTo` moves time forward, then every schedule that came due fires in time order with
 * the clock set to its fire time, so a week of schedules can pass in a second.
 *
 * A schedule added with `nextWork` (and a scheduler given `writes`) does not invoke its function
 * for a run that would find nothing to do: nothing it reads is due before that run's time and
 * nothing was written since it last asked. Such a run is counted as skipped; in AWS it would have
 * read the same keys, found them not due and written nothing. A week without complaints to sweep
 * then costs one question instead of two thousand runs.
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
  add(name: string, expression: string, run: ScheduledRun, nextWork?: NextWork): void {
    if (this.#entries.some((e) => e.name === name)) throw new DuplicateScheduleError(`a schedule named "${name}" already exists`);
    const schedule = parseScheduleExpression(expression);
    this.#entries.push({ name, schedule, run, next: nextFireAfter(schedule, this.#clock.now()), runs: 0, skippedIdle: 0, ...(nextWork && { nextWork }) });
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
    this.#entries.push({ name, schedule, timeZone, run, next: nextFireAfter(schedule, this.#clock.now(), timeZone), runs: 0, skippedIdle: 0 });
  }

  /** Each schedule's expression, next fire time and runs so far (fired and skipped as idle), soonest first. */
  upcoming(): ScheduleStats[] {
    return this.#entries
      .map((e) => ({ name: e.name, expression: e.schedule.expression, next: new Date(e.next), runs: e.runs, skippedIdle: e.skippedIdle }))
      .sort((a, b) => a.next.getTime() - b.next.getTime());
  }

  /**
   * Forgets every schedule's answer to `nextWork`, so each asks again before its next run: for
   * writes the scheduler cannot count (another client on the same tables).
   */
  forgetNextWork(): void {
    for (const entry of this.#entries) delete entry.wake;
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
      if (await this.#idle(entry, time)) {
        entry.next = nextFireAfter(entry.schedule, time, entry.timeZone);
        entry.skippedIdle += 1;
        continue;
      }
      const event = entry.timeZone === undefined ? this.#event(entry.name, time) : this.#zonedEvent(entry.name, entry.next);
      let outcome: FiredRun['outcome'];
      try {
        outcome = { ok: true, result: entry.timeZone === undefined ? await entry.run(event as LocalScheduledEvent) : await entry.run(event as ZonedScheduledEvent) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      entry.next = nextFireAfter(entry.schedule, time, entry.timeZone);
      entry.runs += 1;
      fired.push({ name: entry.name, time, event, outcome });
      await this.#options.settle?.();
    }
    this.#clock.set(t);
    return fired;
  }

  /**
   * Whether the run of `entry` at `time` would find nothing to do: its last answer to `nextWork`
   * still holds (no write since) and names no time at or before `time`. Asks again when a write
   * came in between; a write while it asks, or a failure to answer, makes the run fire.
   */
  async #idle(entry: Entry, time: Date): Promise<boolean> {
    const writes = this.#options.writes;
    if (entry.nextWork === undefined || writes === undefined) return false;
    if (entry.wake === undefined || entry.wake.writes !== writes()) {
      const before = writes();
      let at: Date | undefined;
      try {
        at = await entry.nextWork();
      } catch {
        // The run itself will meet the same trouble and record it in its outcome.
        delete entry.wake;
        return false;
      }
      if (writes() !== before) {
        delete entry.wake;
        return false;
      }
      entry.wake = { at, writes: before };
    }
    return entry.wake.at === undefined || entry.wake.at.getTime() > time.getTime();
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

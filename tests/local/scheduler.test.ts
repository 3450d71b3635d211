import { describe, expect, it } from 'vitest';
import { ScheduleExpressionError } from '../../functions/local/schedule-expression.ts';
import { DuplicateScheduleError, LocalScheduler, type LocalScheduledEvent } from '../../functions/local/scheduler.ts';
import { ClockRewindError, SimulatedClock } from '../../functions/local/simulated-clock.ts';

const START = new Date('2026-03-02T07:58:30.000Z');

/** A run that records the event and what the clock said while it ran. */
function recorder(clock: SimulatedClock) {
  const calls: { event: LocalScheduledEvent; clockAt: string }[] = [];
  const run = async (event: LocalScheduledEvent) => {
    calls.push({ event, clockAt: clock.now().toISOString() });
    return 'done';
  };
  return { calls, run };
}

describe('LocalScheduler', () => {
  it('fires every due schedule in time order with the clock at each fire time, then sets the clock to the target', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    const order: string[] = [];
    scheduler.add('hourly', 'cron(0 * * * ? *)', async () => {
      order.push(`hourly@${clock.now().toISOString()}`);
    });
    scheduler.add('sweeper', 'rate(30 minutes)', async () => {
      order.push(`sweeper@${clock.now().toISOString()}`);
    });

    const fired = await scheduler.advanceTo(new Date('2026-03-02T09:30:00.000Z'));

    expect(order).toEqual([
      'hourly@2026-03-02T08:00:00.000Z',
      'sweeper@2026-03-02T08:28:30.000Z',
      'sweeper@2026-03-02T08:58:30.000Z',
      'hourly@2026-03-02T09:00:00.000Z',
      'sweeper@2026-03-02T09:28:30.000Z',
    ]);
    expect(fired.map((r) => [r.name, r.time.toISOString()])).toEqual([
      ['hourly', '2026-03-02T08:00:00.000Z'],
      ['sweeper', '2026-03-02T08:28:30.000Z'],
      ['sweeper', '2026-03-02T08:58:30.000Z'],
      ['hourly', '2026-03-02T09:00:00.000Z'],
      ['sweeper', '2026-03-02T09:28:30.000Z'],
    ]);
    expect(clock.now().toISOString()).toBe('2026-03-02T09:30:00.000Z');
  });

  it('fires a zoned schedule on the zone\'s wall clock with EventBridge Scheduler\'s context', async () => {
    const clock = new SimulatedClock(new Date('2026-11-29T12:00:00.000Z'));
    const scheduler = new LocalScheduler(clock, { region: 'ap-southeast-1', account: '123456789012' });
    const calls: Array<{ event: unknown; clockAt: string }> = [];
    scheduler.addZoned('weeklyDigest', 'cron(0 9 ? * MON *)', 'Asia/Shanghai', async (event) => {
      calls.push({ event, clockAt: clock.now().toISOString() });
    });
    expect(scheduler.upcoming()).toEqual([{ name: 'weeklyDigest', expression: 'cron(0 9 ? * MON *)', next: new Date('2026-11-30T01:00:00.000Z'), runs: 0, skippedIdle: 0 }]);

    await scheduler.advanceTo(new Date('2026-12-07T01:00:00.000Z'));

    expect(calls).toEqual([
      { event: { scheduleArn: 'arn:aws:scheduler:ap-southeast-1:123456789012:schedule/default/weeklyDigest', scheduledTime: '2026-11-30T01:00:00Z' }, clockAt: '2026-11-30T01:00:00.000Z' },
      { event: { scheduleArn: 'arn:aws:scheduler:ap-southeast-1:123456789012:schedule/default/weeklyDigest', scheduledTime: '2026-12-07T01:00:00Z' }, clockAt: '2026-12-07T01:00:00.000Z' },
    ]);
    expect(() => scheduler.addZoned('weeklyDigest', 'cron(0 9 ? * MON *)', 'Asia/Shanghai', async () => undefined)).toThrow(DuplicateScheduleError);
  });

  it('hands the run an event shaped like the one EventBridge delivers', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock, { region: 'eu-west-1', account: '123456789012' });
    const { calls, run } = recorder(clock);
    scheduler.add('kpiReport', 'cron(0 8 * * ? *)', run);

    const [fired] = await scheduler.advanceTo(new Date('2026-03-02T08:00:00.000Z'));

    expect(calls).toHaveLength(1);
    const event = calls[0]?.event;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-03-02T08:00:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:123456789012:rule/kpiReport'],
      detail: {},
    });
    expect(calls[0]?.clockAt).toBe('2026-03-02T08:00:00.000Z');
    expect(fired?.outcome).toEqual({ ok: true, result: 'done' });
  });

  it('fires nothing before a schedule is due and keeps counting a rate from when it was added', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    const { calls, run } = recorder(clock);
    await scheduler.advanceTo(new Date('2026-03-02T08:10:00.000Z'));
    scheduler.add('every-hour', 'rate(1 hour)', run);

    expect(await scheduler.advanceTo(new Date('2026-03-02T09:09:59.000Z'))).toEqual([]);
    await scheduler.advanceTo(new Date('2026-03-02T11:10:00.000Z'));

    expect(calls.map((c) => c.clockAt)).toEqual(['2026-03-02T09:10:00.000Z', '2026-03-02T10:10:00.000Z', '2026-03-02T11:10:00.000Z']);
    expect(scheduler.upcoming()).toEqual([{ name: 'every-hour', expression: 'rate(1 hour)', next: new Date('2026-03-02T12:10:00.000Z'), runs: 3, skippedIdle: 0 }]);
  });

  it('lets a week pass: a daily cron fires seven times', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    const { calls, run } = recorder(clock);
    scheduler.add('daily', 'cron(0 8 * * ? *)', run);

    await scheduler.advanceTo(new Date('2026-03-09T07:59:00.000Z'));

    expect(calls.map((c) => c.event.time)).toEqual([
      '2026-03-02T08:00:00Z',
      '2026-03-03T08:00:00Z',
      '2026-03-04T08:00:00Z',
      '2026-03-05T08:00:00Z',
      '2026-03-06T08:00:00Z',
      '2026-03-07T08:00:00Z',
      '2026-03-08T08:00:00Z',
    ]);
  });

  it('fires schedules due at the same time in the order they were added', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    scheduler.add('b', 'cron(0 8 * * ? *)', async () => 'b');
    scheduler.add('a', 'cron(0 8 * * ? *)', async () => 'a');

    const fired = await scheduler.advanceTo(new Date('2026-03-02T08:00:00.000Z'));

    expect(fired.map((r) => r.name)).toEqual(['b', 'a']);
  });

  it('records a failing run and carries on', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    const boom = new Error('boom');
    scheduler.add('fails', 'rate(1 minute)', async () => {
      throw boom;
    });

    const fired = await scheduler.advanceTo(new Date('2026-03-02T08:00:30.000Z'));

    expect(fired.map((r) => r.outcome)).toEqual([
      { ok: false, error: boom },
      { ok: false, error: boom },
    ]);
    expect(clock.now().toISOString()).toBe('2026-03-02T08:00:30.000Z');
  });

  it('settles after every run, before the clock moves on', async () => {
    const clock = new SimulatedClock(START);
    const settledAt: string[] = [];
    const scheduler = new LocalScheduler(clock, {
      settle: async () => {
        settledAt.push(clock.now().toISOString());
      },
    });
    scheduler.add('every-minute', 'cron(* * * * ? *)', async () => undefined);

    await scheduler.advanceTo(new Date('2026-03-02T08:00:00.000Z'));

    expect(settledAt).toEqual(['2026-03-02T07:59:00.000Z', '2026-03-02T08:00:00.000Z']);
  });

  it('runs overlapping advanceTo calls one after the other', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    const { calls, run } = recorder(clock);
    scheduler.add('every-minute', 'cron(* * * * ? *)', run);

    const [first, second] = await Promise.all([
      scheduler.advanceTo(new Date('2026-03-02T08:00:00.000Z')),
      scheduler.advanceTo(new Date('2026-03-02T08:02:00.000Z')),
    ]);

    expect(first?.map((r) => r.time.toISOString())).toEqual(['2026-03-02T07:59:00.000Z', '2026-03-02T08:00:00.000Z']);
    expect(second?.map((r) => r.time.toISOString())).toEqual(['2026-03-02T08:01:00.000Z', '2026-03-02T08:02:00.000Z']);
    expect(calls).toHaveLength(4);
  });

  it('refuses to move the clock backwards without firing anything', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    const { calls, run } = recorder(clock);
    scheduler.add('every-minute', 'cron(* * * * ? *)', run);

    await expect(scheduler.advanceTo(new Date('2026-03-01T00:00:00.000Z'))).rejects.toThrow(ClockRewindError);
    expect(calls).toEqual([]);
    expect(clock.now()).toEqual(START);
  });

  it('refuses an invalid expression and a duplicate name', () => {
    const scheduler = new LocalScheduler(new SimulatedClock(START));
    expect(() => scheduler.add('bad', 'rate(5 minute)', async () => undefined)).toThrow(ScheduleExpressionError);
    scheduler.add('once', 'rate(5 minutes)', async () => undefined);
    expect(() => scheduler.add('once', 'rate(5 minutes)', async () => undefined)).toThrow(DuplicateScheduleError);
  });

  it('fires a schedule overtaken by a clock moved elsewhere once, at the current time', async () => {
    const clock = new SimulatedClock(START);
    const scheduler = new LocalScheduler(clock);
    const { calls, run } = recorder(clock);
    scheduler.add('every-5', 'rate(5 minutes)', run);
    clock.set(new Date('2026-03-02T09:00:00.000Z'));

    await scheduler.advanceTo(new Date('2026-03-02T09:04:00.000Z'));

    expect(calls.map((c) => c.clockAt)).toEqual(['2026-03-02T09:00:00.000Z']);
    expect(scheduler.upcoming()[0]?.next.toISOString()).toBe('2026-03-02T09:05:00.000Z');
  });

  describe('skipping runs that would find nothing (nextWork)', () => {
    /** A scheduler whose write count the test moves, and a schedule every 5 minutes that records its runs and questions. */
    function skipping(answer: () => Date | undefined | Promise<Date | undefined>) {
      const clock = new SimulatedClock(new Date('2026-03-02T08:00:00.000Z'));
      let writes = 0;
      const scheduler = new LocalScheduler(clock, { writes: () => writes });
      const { calls, run } = recorder(clock);
      const asked: string[] = [];
      scheduler.add('sweeper', 'rate(5 minutes)', run, async () => {
        asked.push(clock.now().toISOString());
        return answer();
      });
      return { clock, scheduler, calls, asked, write: () => (writes += 1) };
    }

    it('asks once and skips every run before the next work, then fires from it on', async () => {
      const t = skipping(() => new Date('2026-03-02T09:02:00.000Z'));

      await t.scheduler.advanceTo(new Date('2026-03-02T09:20:00.000Z'));

      // 08:05 … 09:00 skipped (12 runs); 09:05 is past the work's time, and every run after it fires.
      expect(t.calls.map((c) => c.clockAt)).toEqual(['2026-03-02T09:05:00.000Z', '2026-03-02T09:10:00.000Z', '2026-03-02T09:15:00.000Z', '2026-03-02T09:20:00.000Z']);
      expect(t.asked).toEqual(['2026-03-02T08:05:00.000Z']);
      expect(t.scheduler.upcoming()[0]).toMatchObject({ runs: 4, skippedIdle: 12 });
      expect(t.clock.now().toISOString()).toBe('2026-03-02T09:20:00.000Z');
    });

    it('skips a whole week when nothing is pending, asking once', async () => {
      const t = skipping(() => undefined);

      await t.scheduler.advanceTo(new Date('2026-03-09T08:00:00.000Z'));

      expect(t.calls).toEqual([]);
      expect(t.asked).toHaveLength(1);
      expect(t.scheduler.upcoming()[0]).toMatchObject({ runs: 0, skippedIdle: 7 * 288, next: new Date('2026-03-09T08:05:00.000Z') });
    });

    it('asks again after a write, and fires the run the write made due', async () => {
      let work: Date | undefined;
      const t = skipping(() => work);
      await t.scheduler.advanceTo(new Date('2026-03-02T08:30:00.000Z'));
      expect(t.calls).toEqual([]);

      // Say an intake wrote a complaint whose next action is at 08:41.
      work = new Date('2026-03-02T08:41:00.000Z');
      t.write();
      await t.scheduler.advanceTo(new Date('2026-03-02T08:45:00.000Z'));

      expect(t.calls.map((c) => c.clockAt)).toEqual(['2026-03-02T08:45:00.000Z']);
      expect(t.asked).toEqual(['2026-03-02T08:05:00.000Z', '2026-03-02T08:35:00.000Z']);
    });

    it('does not trust an answer given while a write came in: the run fires', async () => {
      const t = skipping(() => {
        t.write();
        return undefined;
      });

      await t.scheduler.advanceTo(new Date('2026-03-02T08:10:00.000Z'));

      expect(t.calls.map((c) => c.clockAt)).toEqual(['2026-03-02T08:05:00.000Z', '2026-03-02T08:10:00.000Z']);
    });

    it('fires the run when the question fails: the run meets the trouble and records it', async () => {
      const t = skipping(() => Promise.reject(new Error('table is gone')));

      const fired = await t.scheduler.advanceTo(new Date('2026-03-02T08:05:00.000Z'));

      expect(fired.map((f) => f.outcome)).toEqual([{ ok: true, result: 'done' }]);
    });

    it('asks again after forgetNextWork (writes it cannot count)', async () => {
      let work: Date | undefined;
      const t = skipping(() => work);
      await t.scheduler.advanceTo(new Date('2026-03-02T08:10:00.000Z'));
      work = new Date('2026-03-02T08:00:00.000Z');

      await t.scheduler.advanceTo(new Date('2026-03-02T08:15:00.000Z'));
      expect(t.calls).toEqual([]);
      t.scheduler.forgetNextWork();
      await t.scheduler.advanceTo(new Date('2026-03-02T08:20:00.000Z'));

      expect(t.calls.map((c) => c.clockAt)).toEqual(['2026-03-02T08:20:00.000Z']);
    });

    it('fires every run without a write count, and every run of a schedule that gives no nextWork', async () => {
      const clock = new SimulatedClock(new Date('2026-03-02T08:00:00.000Z'));
      const uncounted = new LocalScheduler(clock);
      const a = recorder(clock);
      uncounted.add('a', 'rate(5 minutes)', a.run, async () => undefined);
      await uncounted.advanceTo(new Date('2026-03-02T08:15:00.000Z'));
      expect(a.calls).toHaveLength(3);

      const counted = new LocalScheduler(clock, { writes: () => 0 });
      const b = recorder(clock);
      counted.add('b', 'rate(5 minutes)', b.run);
      await counted.advanceTo(new Date('2026-03-02T08:30:00.000Z'));
      expect(b.calls).toHaveLength(3);
    });
  });
});

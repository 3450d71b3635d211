import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../fixtures/config.ts';
import { nextFireAfter, parseScheduleExpression, ScheduleExpressionError } from '../../functions/local/schedule-expression.ts';
import { functions } from '../../functions/pipeline.ts';

describe('nextFireAfter', () => {
  it.each([
    // Rates count from the time given.
    ['rate(1 minute)', '2026-03-01T10:00:30.000Z', '2026-03-01T10:01:30.000Z'],
    ['rate(5 minutes)', '2026-03-01T10:00:00.000Z', '2026-03-01T10:05:00.000Z'],
    ['rate(1 hour)', '2026-03-01T10:20:00.000Z', '2026-03-01T11:20:00.000Z'],
    ['rate(12 hours)', '2026-03-01T10:00:00.000Z', '2026-03-01T22:00:00.000Z'],
    ['rate(1 day)', '2026-03-31T10:00:00.000Z', '2026-04-01T10:00:00.000Z'],
    ['rate(7 days)', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
    // Cron: always strictly after, on whole minutes, UTC.
    ['cron(0/15 * * * ? *)', '2026-03-01T10:07:30.000Z', '2026-03-01T10:15:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-03-01T10:15:00.000Z', '2026-03-01T10:30:00.000Z'],
    ['cron(*/20 * * * ? *)', '2026-03-01T10:45:00.000Z', '2026-03-01T11:00:00.000Z'],
    ['cron(* * * * ? *)', '2026-03-01T10:15:59.999Z', '2026-03-01T10:16:00.000Z'],
    ['cron(0 8 * * ? *)', '2026-03-01T08:00:00.000Z', '2026-03-02T08:00:00.000Z'],
    ['cron(0 8 * * ? *)', '2026-03-01T07:59:59.000Z', '2026-03-01T08:00:00.000Z'],
    ['cron(5,35 14 * * ? *)', '2026-03-01T14:06:00.000Z', '2026-03-01T14:35:00.000Z'],
    ['cron(0 9-17/4 * * ? *)', '2026-03-01T13:00:00.000Z', '2026-03-01T17:00:00.000Z'],
    ['cron(0 9-17/4 * * ? *)', '2026-03-01T17:00:00.000Z', '2026-03-02T09:00:00.000Z'],
    // 2026-03-06 is a Friday: weekdays only skips to Monday.
    ['cron(30 9 ? * MON-FRI *)', '2026-03-06T10:00:00.000Z', '2026-03-09T09:30:00.000Z'],
    ['cron(30 9 ? * 2-6 *)', '2026-03-06T10:00:00.000Z', '2026-03-09T09:30:00.000Z'],
    // Day-of-week 1 is Sunday, 7 Saturday; 2026-03-01 is a Sunday.
    ['cron(0 10 ? * SUN *)', '2026-02-27T00:00:00.000Z', '2026-03-01T10:00:00.000Z'],
    ['cron(0 10 ? * 1,7 *)', '2026-03-02T00:00:00.000Z', '2026-03-07T10:00:00.000Z'],
    ['cron(0 10 ? * mon *)', '2026-03-01T00:00:00.000Z', '2026-03-02T10:00:00.000Z'],
    ['cron(0 0 1 * ? *)', '2026-01-31T12:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ['cron(0 0 1 JAN,JUL ? *)', '2026-02-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ['cron(59 23 31 12 ? *)', '2026-12-31T23:59:00.000Z', '2027-12-31T23:59:00.000Z'],
    ['cron(0 0 1 1 ? 2028)', '2026-05-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z'],
    ['cron(0 12 31 * ? *)', '2026-04-01T00:00:00.000Z', '2026-05-31T12:00:00.000Z'],
    // L, W and #.
    ['cron(0 0 L * ? *)', '2026-02-01T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
    ['cron(0 0 L * ? *)', '2028-02-01T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['cron(0 9 15W * ? *)', '2026-08-01T00:00:00.000Z', '2026-08-14T09:00:00.000Z'],
    ['cron(0 9 15W * ? *)', '2026-11-01T00:00:00.000Z', '2026-11-16T09:00:00.000Z'],
    ['cron(0 9 1W * ? *)', '2026-07-31T00:00:00.000Z', '2026-08-03T09:00:00.000Z'],
    ['cron(0 9 LW * ? *)', '2026-05-01T00:00:00.000Z', '2026-05-29T09:00:00.000Z'],
    ['cron(0 12 ? * 6#3 *)', '2026-03-01T00:00:00.000Z', '2026-03-20T12:00:00.000Z'],
    ['cron(0 12 ? * 2L *)', '2026-03-01T00:00:00.000Z', '2026-03-30T12:00:00.000Z'],
    ['cron(0 0 ? * L *)', '2026-03-01T00:00:00.000Z', '2026-03-07T00:00:00.000Z'],
  ])('%s after %s is %s', (expression, after, expected) => {
    expect(nextFireAfter(expression, new Date(after)).toISOString()).toBe(expected);
  });

  it.each([
    // Monday 09:00 in Shanghai is 01:00 UTC; from just before and just after it.
    ['cron(0 9 ? * MON *)', 'Asia/Shanghai', '2026-11-30T00:59:00.000Z', '2026-11-30T01:00:00.000Z'],
    ['cron(0 9 ? * MON *)', 'Asia/Shanghai', '2026-11-30T01:00:00.000Z', '2026-12-07T01:00:00.000Z'],
    // Sunday 20:00 UTC is already Monday 04:00 in Shanghai: the next Monday 09:00 local is 5 hours on.
    ['cron(0 9 ? * MON *)', 'Asia/Shanghai', '2026-11-29T20:00:00.000Z', '2026-11-30T01:00:00.000Z'],
    // New York keeps 09:00 local across the DST end on 1 Nov 2026: 13:00 UTC before, 14:00 UTC after.
    ['cron(0 9 ? * MON *)', 'America/New_York', '2026-10-25T00:00:00.000Z', '2026-10-26T13:00:00.000Z'],
    ['cron(0 9 ? * MON *)', 'America/New_York', '2026-10-27T00:00:00.000Z', '2026-11-02T14:00:00.000Z'],
    // 02:30 does not exist in New York on 8 Mar 2026 (spring forward): it fires when the gap ends, 03:00 EDT.
    ['cron(30 2 ? * SUN *)', 'America/New_York', '2026-03-07T12:00:00.000Z', '2026-03-08T07:00:00.000Z'],
    // 01:30 happens twice on 1 Nov 2026: it fires once, at the first (EDT).
    ['cron(30 1 ? * SUN *)', 'America/New_York', '2026-10-31T12:00:00.000Z', '2026-11-01T05:30:00.000Z'],
    ['cron(30 1 ? * SUN *)', 'America/New_York', '2026-11-01T05:30:00.000Z', '2026-11-08T06:30:00.000Z'],
    ['rate(1 hour)', 'Asia/Shanghai', '2026-11-30T00:59:00.000Z', '2026-11-30T01:59:00.000Z'],
  ])('%s in %s after %s is %s', (expression, timeZone, after, expected) => {
    expect(nextFireAfter(expression, new Date(after), timeZone).toISOString()).toBe(expected);
  });

  it('accepts a parsed schedule', () => {
    const schedule = parseScheduleExpression('rate(10 minutes)');
    expect(nextFireAfter(schedule, new Date('2026-03-01T10:00:00.000Z')).toISOString()).toBe('2026-03-01T10:10:00.000Z');
  });

  it('refuses a cron that never fires again, naming it', () => {
    expect(() => nextFireAfter('cron(0 0 30 2 ? *)', new Date('2026-01-01T00:00:00.000Z'))).toThrow(
      /cron\(0 0 30 2 \? \*\).*never fires/,
    );
    expect(() => nextFireAfter('cron(0 0 1 1 ? 2025)', new Date('2026-01-01T00:00:00.000Z'))).toThrow(ScheduleExpressionError);
  });
});

describe('parseScheduleExpression', () => {
  it.each([
    'every day',
    'rate(5)',
    'rate(0 minutes)',
    'rate(5 minute)',
    'rate(1 minutes)',
    'rate(5 weeks)',
    'rate(five minutes)',
    'rate(-5 minutes)',
    'cron(0 8 * * ?)',
    'cron(0 8 * * * *)',
    'cron(0 8 ? * ? *)',
    'cron(60 8 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 8 0 * ? *)',
    'cron(0 8 32 * ? *)',
    'cron(0 8 * 13 ? *)',
    'cron(0 8 ? * 8 *)',
    'cron(0 8 ? * FOO *)',
    'cron(0 8 5-1 * ? *)',
    'cron(0 8 * * ? 2300)',
    'cron(0/0 8 * * ? *)',
    'cron(1,,2 8 * * ? *)',
    'cron(0 8 ? * 2#6 *)',
  ])('refuses %s, naming it', (expression) => {
    let error: unknown;
    try {
      parseScheduleExpression(expression);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScheduleExpressionError);
    expect((error as Error).message).toContain(`"${expression}"`);
  });

  it('accepts every schedule in the pipeline description', () => {
    for (const { trigger } of Object.values(functions)) {
      if (trigger.kind === 'schedule') expect(() => parseScheduleExpression(trigger.expression)).not.toThrow();
      if (trigger.kind === 'companySchedule') expect(() => parseScheduleExpression(trigger.expression(defaultConfig))).not.toThrow();
    }
  });
});

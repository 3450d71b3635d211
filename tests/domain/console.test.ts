import { describe, expect, it } from 'vitest';
import { lineChart, niceTicks, xLabelIndexes } from '../../functions/domain/console/charts.ts';
import { html } from '../../functions/domain/console/html.ts';
import { reportsCsv } from '../../functions/domain/console/reports.ts';
import { matchesWords, searchKey, searchWords } from '../../functions/domain/console/search.ts';
import { formatDuration } from '../../functions/domain/console/text.ts';

describe('html template', () => {
  it('escapes interpolated text and keeps nested templates', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p>${name}</p>${html`<b>${'&'}</b>`}`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p><b>&amp;</b>');
  });
});

describe('search box', () => {
  it.each([
    ['01KAB3Z5G7Q1W2E3R4T5Y6V7J8', 'id'],
    ['yx-4k7m-9qd2', 'ref'],
    ['Li.Na@Example.com', 'email'],
    ['+86 139 0000 0001', 'phone'],
    ['13900000001', 'phone'],
    ['cust-42', 'customer'],
    ['refund never arrived', undefined],
  ])('%s is a %s lookup', (q, kind) => {
    expect(searchKey(q)?.kind).toBe(kind);
  });
  it('normalises emails and phones the way the indexes store them', () => {
    expect(searchKey('Li.Na@Example.com')).toEqual({ kind: 'email', value: 'li.na@example.com' });
    expect(searchKey('86 139-0000-0001')).toEqual({ kind: 'phone', value: '+8613900000001' });
  });
  it('matches every word, case-insensitively, in title or description', () => {
    const c = { title: 'Parcel stuck', description: '快递延误 in Hangzhou' };
    expect(matchesWords(c, searchWords('parcel HANGZHOU'))).toBe(true);
    expect(matchesWords(c, searchWords('快递'))).toBe(true);
    expect(matchesWords(c, searchWords('parcel refund'))).toBe(false);
  });
});

describe('charts', () => {
  it.each([
    [0, [0, 1]],
    [7, [0, 2, 4, 6, 8]],
    [10, [0, 2, 4, 6, 8, 10]],
    [93, [0, 20, 40, 60, 80, 100]],
    [1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
  ])('nice ticks up to %d', (max, ticks) => {
    expect(niceTicks(max)).toEqual(ticks);
  });
  it('prints at most about 8 x labels however many points (years of weeks)', () => {
    expect(xLabelIndexes(5)).toEqual([0, 1, 2, 3, 4]);
    const years = xLabelIndexes(156);
    expect(years.length).toBeLessThanOrEqual(9);
    expect(years[0]).toBe(0);
    expect(years.at(-1)).toBe(155);
  });
  it('labels axes, names the chart and lists every series in the legend; text is escaped', () => {
    const svg = lineChart({ id: 'x', title: 'Per <week>', xLabel: 'Week', yLabel: 'Complaints', xPoints: ['a', 'b'], series: [{ name: 'Finance & Refunds', values: [1, null] }], shaded: [{ from: 0, to: 0 }], shadedLabel: 'Incident' }).value;
    expect(svg).toContain('<title id="chart-x-t">Per &lt;week&gt;</title>');
    expect(svg).toContain('>Week</text>');
    expect(svg).toContain('>Complaints</text>');
    expect(svg).toContain('Finance &amp; Refunds</li>');
    expect(svg).toContain('Incident</li>');
  });
});

describe('SLA clock durations', () => {
  it.each([
    [12 * 60_000, 'en', '12 min'],
    [(3 * 60 + 20) * 60_000, 'en', '3 h 20 min'],
    [(2 * 1440 + 3 * 60) * 60_000, 'zh-CN', '2 天 3 小时'],
  ] as const)('%d ms in %s', (ms, locale, text) => {
    expect(formatDuration(ms, locale)).toBe(text);
  });
});

describe('report CSV', () => {
  it('writes one row per week and group and defuses spreadsheet formulas', () => {
    const empty = { total: { received: 0 }, byDepartment: {}, byCategory: {} };
    const kpis = { ...empty, byDepartment: { finance: { received: 3, firstResponseMedianMinutes: 12, firstResponseOnTimeRate: 0.5, resolved: 1, resolutionOnTimeRate: 1, firstContactResolutionRate: null, escalationRate: 0, repeatRate: 0 } } };
    const csv = reportsCsv(
      { from: new Date('2026-11-02'), to: new Date('2026-11-16'), departments: ['finance', '=cmd'], total: {} as never, perWeek: [{ start: '2026-11-02', kpis: kpis as never, csat: empty as never }] },
      'department',
      [],
    );
    expect(csv.split('\r\n')).toEqual([
      'week_start,group,received,first_response_median_minutes,first_response_on_time_rate,resolved,resolution_on_time_rate,first_contact_resolution_rate,escalation_rate,repeat_rate,surveys_sent,surveys_answered,csat,survey_response_rate',
      '2026-11-02,finance,3,12,0.5,1,1,,0,0,0,0,,',
      "2026-11-02,'=cmd,0,,,0,,,,,0,0,,",
      '',
    ]);
  });
});

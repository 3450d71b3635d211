/**
 * The weekly digest over two synthetic weeks (Asia/Shanghai, run Monday 30 Nov 2026 09:00 local):
 * every figure and every change checked against values worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../functions/domain/config.ts';
import { digestFigures, digestSurveyReadFrom, digestWeeks } from '../../functions/domain/digest.ts';
import { digestChartSpec, digestFormat, digestMessageId, digestRecipients, renderDigest, weekLabel, type PoorAnswerRef } from '../../functions/domain/digest-message.ts';
import { config, h, now, sources } from '../fixtures/digest-weeks.ts';

describe('digestWeeks', () => {
  it.each([
    ['Monday 09:00 local', '2026-11-30T01:00:00.000Z', '2026-11-23', '2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z', '2026-11-16', '2026-11-15T16:00:00.000Z'],
    ['Sunday 23:59 local (still the week of 23 Nov)', '2026-11-29T15:59:00.000Z', '2026-11-16', '2026-11-15T16:00:00.000Z', '2026-11-22T16:00:00.000Z', '2026-11-09', '2026-11-08T16:00:00.000Z'],
    ['Monday 00:00 local exactly', '2026-11-29T16:00:00.000Z', '2026-11-23', '2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z', '2026-11-16', '2026-11-15T16:00:00.000Z'],
  ])('%s', (_name, at, first, from, to, previousFirst, previousFrom) => {
    const w = digestWeeks(new Date(at), 'Asia/Shanghai');
    expect([w.current.firstDay, w.current.from.toISOString(), w.current.to.toISOString()]).toEqual([first, from, to]);
    expect([w.previous.firstDay, w.previous.from.toISOString(), w.previous.to.toISOString()]).toEqual([previousFirst, previousFrom, from]);
    expect(w.current.lastDay).toBe(new Date(Date.parse(`${first}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10));
  });

  it('follows the local calendar across a daylight-saving change (Berlin, 25 Oct 2026): that week has 169 hours', () => {
    const w = digestWeeks(new Date('2026-11-02T08:00:00.000Z'), 'Europe/Berlin');
    expect(w.current.from.toISOString()).toBe('2026-10-25T23:00:00.000Z'); // Monday 26 Oct 00:00 CET (+1)
    expect(w.previous.from.toISOString()).toBe('2026-10-18T22:00:00.000Z'); // Monday 19 Oct 00:00 CEST (+2)
    expect((w.previous.to.getTime() - w.previous.from.getTime()) / 3_600_000).toBe(169);
  });

  it('reads survey facts back far enough for answers to old surveys (link lifetime)', () => {
    const w = digestWeeks(now, 'Asia/Shanghai');
    expect(digestSurveyReadFrom(w, config).toISOString()).toBe(new Date(w.current.from.getTime() - config.survey.linkTtlDays * 86_400_000).toISOString());
  });
});

describe('digestFigures over two synthetic weeks', () => {
  const f = digestFigures(sources, now, config);

  it('complaint KPIs of each week, judged at the run (the KPI report formulas)', () => {
    // Week before: p1-p4. Responses on time: p1, p3, p4 of 4. Resolutions judged: p1, p2, p4 resolved and
    // p3 past due (25 Nov) = 4; on time p1, p4 = 2/4. FCR known: p1 yes, p2 no = 1/2. Escalated p2 = 1/4.
    // Repeat p3 = 1/4. Median first response (p1 60, p4 180, p3 180, p2 360 minutes) = 180.
    expect(f.previous.kpis).toEqual({
      received: 4,
      firstResponseMedianMinutes: 180,
      firstResponseOnTimeRate: 0.75,
      resolved: 3,
      resolutionOnTimeRate: 0.5,
      firstContactResolutionRate: 0.5,
      escalationRate: 0.25,
      repeatRate: 0.25,
    });
    // Last week: c1-c6. Responses judged: c1, c2, c3, c6 responded and c4 past due (c5 due after the run) = 5;
    // on time c1, c3, c6 = 3/5. Resolutions judged: c1, c2, c3, c6 (c4, c5 not yet due) = 4; late c3 = 3/4.
    // FCR: c1, c2, c6 of c1, c2, c3, c6 = 3/4. Escalated c3, c4 = 2/6. Repeat c3 = 1/6.
    // Median first response (c6 60, c1 120, c3 180, c2 300 minutes) = 150.
    expect(f.current.kpis).toEqual({
      received: 6,
      firstResponseMedianMinutes: 150,
      firstResponseOnTimeRate: 0.6,
      resolved: 4,
      resolutionOnTimeRate: 0.75,
      firstContactResolutionRate: 0.75,
      escalationRate: 0.3333,
      repeatRate: 0.1667,
    });
  });

  it('CSAT and response rate of the surveys sent in each week', () => {
    // Week before: s1-s4 sent, s1, s2, s4 answered, s1 rated 4-5.
    expect(f.previous.csat).toEqual({ sent: 4, answered: 3, satisfied: 1, reopened: 2, responseRate: 0.75, csat: 0.3333, reopenRate: 0.6667 });
    // Last week: s5-s9 sent, s5, s6, s8 answered, s5 and s8 rated 4-5.
    expect(f.current.csat).toEqual({ sent: 5, answered: 3, satisfied: 2, reopened: 1, responseRate: 0.6, csat: 0.6667, reopenRate: 0.3333 });
  });

  it('incidents raised in each week and how fast they were acknowledged', () => {
    expect(f.previous.incidents).toEqual({ raised: 2, acknowledged: 1, ackMedianMinutes: 30 });
    expect(f.current.incidents).toEqual({ raised: 3, acknowledged: 3, ackMedianMinutes: 40 });
  });

  it('every change from the week before', () => {
    expect(f.deltas).toEqual({
      received: 2,
      firstResponseOnTimeRate: -0.15,
      resolutionOnTimeRate: 0.25,
      firstContactResolutionRate: 0.25,
      escalationRate: 0.0833,
      repeatRate: -0.0833,
      csat: 0.3334,
      responseRate: -0.15,
      incidentsRaised: 1,
      ackMedianMinutes: 10,
    });
  });

  it('complaints per category (config order, zeros included) and the categories rising most', () => {
    expect(f.categories).toEqual([
      { category: 'logistics-delay', previous: 2, current: 1, delta: -1, relative: -0.5 },
      { category: 'product-quality', previous: 1, current: 0, delta: -1, relative: -1 },
      { category: 'after-sales', previous: 0, current: 2, delta: 2, relative: null },
      { category: 'refund', previous: 1, current: 3, delta: 2, relative: 2 },
      { category: 'account-security', previous: 0, current: 0, delta: 0, relative: null },
      { category: 'service-attitude', previous: 0, current: 0, delta: 0, relative: null },
      { category: 'other', previous: 0, current: 0, delta: 0, relative: null },
    ]);
    // Both +2; after-sales had none before (an unbounded rise) so it leads.
    expect(f.rising.map((c) => c.category)).toEqual(['after-sales', 'refund']);
    expect(digestFigures(sources, now, { ...config, digest: { ...config.digest, risingCategories: 1 } }).rising.map((c) => c.category)).toEqual(['after-sales']);
  });

  it('poor answers given last week, oldest first, whatever week their survey was sent', () => {
    expect(f.poorAnswers).toEqual([
      { surveyId: 's4-r0', department: 'finance', category: 'refund', answeredAt: h('11-23T03:00'), rating: 1, solved: false },
      { surveyId: 's0-r0', department: 'finance', category: 'refund', answeredAt: h('11-24T01:00'), rating: 2, solved: true },
      { surveyId: 's6-r0', department: 'customer-service', category: 'after-sales', answeredAt: h('11-26T06:00'), rating: 3, solved: false },
    ]);
  });

  it('has no figure, not NaN, where a week has no data', () => {
    const empty = digestFigures({ complaints: [], surveys: [], incidents: [] }, now, config);
    expect(empty.current.kpis.firstResponseOnTimeRate).toBeNull();
    expect(empty.current.csat.csat).toBeNull();
    expect(empty.current.incidents.ackMedianMinutes).toBeNull();
    expect(empty.deltas).toEqual({
      received: 0,
      firstResponseOnTimeRate: null,
      resolutionOnTimeRate: null,
      firstContactResolutionRate: null,
      escalationRate: null,
      repeatRate: null,
      csat: null,
      responseRate: null,
      incidentsRaised: 0,
      ackMedianMinutes: null,
    });
    expect(empty.rising).toEqual([]);
  });
});

describe('digest numbers as people read them', () => {
  it.each([
    ['en', 0.6, '60%', -0.15, '−15.0 pts', 0.0833, '+8.3 pts', 10, '+10 min'],
    ['zh-CN', 0.3333, '33.3%', 0.25, '+25.0 个百分点', -0.0833, '−8.3 个百分点', -90, '−1 小时 30 分钟'],
  ] as const)('%s', (locale, rate, rateText, d1, d1Text, d2, d2Text, minutes, minutesText) => {
    const n = digestFormat(locale);
    expect(n.percent(rate)).toBe(rateText);
    expect(n.points(d1)).toBe(d1Text);
    expect(n.points(d2)).toBe(d2Text);
    expect(n.minutesChange(minutes)).toBe(minutesText);
    expect([n.percent(null), n.points(null), n.minutes(null), n.minutesChange(null)]).toEqual(['—', '—', '—', '—']);
    expect(n.categoryChange({ delta: 2, relative: 2 })).toBe('+2 (+200%)');
    expect(n.categoryChange({ delta: 2, relative: null })).toBe('+2');
    expect(n.categoryChange({ delta: 0, relative: null })).toBe('0');
    expect(n.categoryChange({ delta: -1, relative: -0.5 })).toBe('−1 (−50%)');
  });

  it.each([
    [{ firstDay: '2026-11-23', lastDay: '2026-11-29' }, '23–29 Nov 2026', '2026年11月23日–29日'],
    [{ firstDay: '2026-11-30', lastDay: '2026-12-06' }, '30 Nov – 6 Dec 2026', '2026年11月30日–12月6日'],
    [{ firstDay: '2026-12-28', lastDay: '2027-01-03' }, '28 Dec 2026 – 3 Jan 2027', '2026年12月28日–2027年1月3日'],
  ])('week %o', (w, en, zh) => {
    expect(weekLabel(w, 'en')).toBe(en);
    expect(weekLabel(w, 'zh-CN')).toBe(zh);
  });
});

/** A 1200×640 PNG header is all `renderDigest` reads of the chart. */
function fakePng(width = 1200, height = 640): Uint8Array {
  const png = new Uint8Array(33);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(png.buffer).setUint32(16, width);
  new DataView(png.buffer).setUint32(20, height);
  return png;
}

describe('renderDigest', () => {
  const f = digestFigures(sources, now, config);
  const refs: PoorAnswerRef[] = f.poorAnswers.map((a, i) => ({ ...a, complaintId: a.surveyId.replace(/-r0$/, ''), reference: `YX-AAA${i}-BBB${i}` }));
  const BASE = 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com';
  const render = (locale: Locale, extra: Partial<Parameters<typeof renderDigest>[0]> = {}) =>
    renderDigest({ figures: f, recipient: { email: 'boss@example.com', name: locale === 'en' ? 'David Wong' : '赵敏', locale }, poorAnswers: refs, chart: fakePng(), base: BASE, config, ...extra });

  it('gives each recipient their language and one id per week and address', () => {
    expect(digestRecipients(config)).toEqual([
      { email: 'zhao.min@youxuan-mall.example.com', name: '赵敏', locale: 'zh-CN' },
      { email: 'david.wong@youxuan-mall.example.com', name: 'David Wong', locale: 'en' },
    ]);
    expect(digestMessageId(f.weeks.current, 'Boss@Example.com')).toBe('digest:2026-11-23:boss@example.com');
  });

  it('English: every headline row with both weeks and the change', () => {
    const m = render('en');
    expect(m.kind).toBe('digest');
    expect(m.subject).toBe('Weekly complaints digest: YouXuan Mall, 23–29 Nov 2026');
    for (const line of [
      '- Complaints received | 4 | 6 | +2',
      '- First responses on time | 75% | 60% | −15.0 pts',
      '- Resolutions on time | 50% | 75% | +25.0 pts',
      '- Solved at first contact | 50% | 75% | +25.0 pts',
      '- Escalated | 25% | 33.3% | +8.3 pts',
      '- Repeat complaints | 25% | 16.7% | −8.3 pts',
      '- Satisfied (rated 4–5) | 33.3% | 66.7% | +33.3 pts',
      '- Survey response rate | 75% | 60% | −15.0 pts',
      '- Alert incidents | 2 | 3 | +1',
      '- Time to acknowledge (median) | 30 min | 40 min | +10 min',
      '- Logistics delay | 2 | 1 | −1 (−50%)',
      '- After-sales service | 0 | 2 | +2',
      '- Refund | 1 | 3 | +2 (+200%)',
    ]) {
      expect(m.text).toContain(line);
    }
    expect(m.text).toContain('- Refund: 1 → 3, +2 (+200%)');
    expect(m.text).toContain('- After-sales service: 0 → 2, +2');
    expect(m.text).toContain('3 answers last week rated 1–2 or said the problem was not solved:');
    expect(m.html).toContain(`href="${BASE}/console/complaints/s4"`);
    expect(m.html).toContain(`href="${BASE}/console/reports?by=category"`);
    expect(m.html).toContain('src="cid:digest-chart@complaint-pipeline"');
    expect(m.html).toMatch(/width="600" height="320"/);
    expect(m.inlineImages).toEqual([expect.objectContaining({ contentId: 'digest-chart@complaint-pipeline', contentType: 'image/png' })]);
    expect(m.text).not.toMatch(/NaN|undefined|null/);
  });

  it('Chinese: the same figures in Chinese, names from the config', () => {
    const m = render('zh-CN');
    expect(m.subject).toBe('【每周投诉简报】优选商城 2026年11月23日–29日');
    expect(m.text).toContain('- 首次响应按时率 | 75% | 60% | −15.0 个百分点');
    expect(m.text).toContain('- 预警确认用时（中位数） | 30 分钟 | 40 分钟 | +10 分钟');
    expect(m.text).toContain('YX-AAA0-BBB0 · 退款 · 财务与退款部 · 评分 1/5 · 未解决 · 11月23日 11:00（北京时间）');
    expect(m.html.startsWith('<!doctype html><html lang="zh-CN">')).toBe(true);
  });

  it('lists at most the configured poor answers and says how many more', () => {
    const m = render('en', { poorAnswers: refs.slice(0, 1) });
    expect(m.text).toContain('2 more in the console.');
  });

  it('without a chart or a public URL: the tables alone, no links', () => {
    const m = render('en', { chart: undefined, base: undefined });
    expect(m.html).not.toContain('<img');
    expect(m.html).not.toContain('href=');
    expect(m.inlineImages).toBeUndefined();
  });

  it('a chart spec per language, both weeks per category, names not ids', () => {
    const spec = digestChartSpec(f, config, 'zh-CN');
    expect(spec.lang).toBe('zh-CN');
    expect(spec.categories).toContain('退款');
    expect(spec.categories).not.toContain('refund');
    expect(spec.series.map((s) => s.values)).toEqual([
      [2, 1, 0, 1, 0, 0, 0],
      [1, 0, 2, 3, 0, 0, 0],
    ]);
  });
});

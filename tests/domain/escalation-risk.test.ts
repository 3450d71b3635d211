import { describe, expect, it } from 'vitest';
import { createComplaint } from '../../functions/domain/complaint.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { assessEscalationRisk, lexiconNegativity, textLanguage } from '../../functions/domain/escalation-risk.ts';
import type { SlaStep } from '../../functions/domain/sla.ts';
import { groupSlaSteps, renderSlaGroup } from '../../functions/domain/sla-messages.ts';
import { alertLineText, parseLegacyAlertLine } from '../../functions/domain/templates/triage.ts';
import { alertComplaint } from '../../functions/domain/alert.ts';
import { defaultConfig } from '../fixtures/config.ts';

const settings = defaultConfig.escalationRisk!;
const NOW = new Date('2026-03-02T02:00:00Z');
const earlierOf = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `E${i}`, category: 'other', receivedAt: new Date(NOW.getTime() - (i + 1) * 86_400_000).toISOString() }));

describe('assessEscalationRisk (shipped lexicons, level 0.5)', () => {
  it.each([
    ['en threat to sue', 'I will sue you and call my lawyer', 0, true, ['threat']],
    ['zh 12315', '再不处理我就打12315', 0, true, ['threat']],
    ['zh media exposure', '我要找媒体曝光你们', 0, true, ['threat']],
    ['one negative word only', 'The service was terrible', 0, false, ['negative']],
    ['strong negative emotion and a repeat complaint', 'This is unacceptable, a total scam', 2, true, ['negative', 'repeat']],
    ['vulnerable customer, angry', '我家老人被你们骗了，气死了，太过分', 0, true, ['negative', 'vulnerable']],
    ['a plain complaint', 'The parcel is late', 0, false, []],
    ['a plain complaint from a customer complaining for the third time in the window', 'The parcel is late', 3, false, ['repeat']],
  ] as const)('%s', (_, text, earlier, marked, signals) => {
    const r = assessEscalationRisk(text, earlier, lexiconNegativity(text, settings), settings);
    expect(r.marked).toBe(marked);
    expect([...r.signals].sort()).toEqual([...signals].sort());
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
  });

  it('records the terms found and the sentiment source', () => {
    const r = assessEscalationRisk('Ridiculous. I am going to the regulator', 0, lexiconNegativity('Ridiculous. I am going to the regulator', settings), settings);
    expect(r).toMatchObject({ marked: true, sentiment: 'lexicon', terms: ['regulator', 'ridiculous'] });
  });

  it('uses a sentiment service score when given one', () => {
    const calm = assessEscalationRisk('The parcel is late', 1, { score: 0.1, source: 'comprehend' }, settings);
    const angry = assessEscalationRisk('The parcel is late', 1, { score: 0.99, source: 'comprehend' }, settings);
    expect(calm.marked).toBe(false);
    expect(angry).toMatchObject({ marked: true, sentiment: 'comprehend', signals: ['negative', 'repeat'] });
  });

  it('tells Chinese from English text', () => {
    expect(textLanguage('快递还没到 order 123')).toBe('zh');
    expect(textLanguage('My order 123 has not arrived')).toBe('en');
  });
});

describe('a marked complaint at intake', () => {
  it('is raised one severity step, with the reason recorded, on top of a repeat raise', () => {
    const base = createComplaint({ channel: 'web', customer: { id: 'c' }, description: 'The parcel is late' }, defaultConfig, NOW, 'A', []);
    const marked = createComplaint({ channel: 'web', customer: { id: 'c' }, description: 'The parcel is late. I will sue.' }, defaultConfig, NOW, 'B', []);
    const both = createComplaint(
      { channel: 'web', customer: { id: 'c' }, description: 'The parcel is late. I will sue.' },
      defaultConfig,
      NOW,
      'C',
      [{ id: 'E', category: 'logistics-delay', receivedAt: '2026-03-01T00:00:00Z' }],
    );
    if (!base.ok || !marked.ok || !both.ok) throw new Error('rejected');
    expect(base.complaint.severity).toBe('medium');
    expect(base.complaint.escalationRisk).toMatchObject({ marked: false });
    expect(base.complaint.severityRaisedBy).toBeUndefined();
    expect(marked.complaint).toMatchObject({ severity: 'high', severityRaisedBy: ['escalation_risk'], escalationRisk: { marked: true, signals: ['threat'] } });
    expect(both.complaint).toMatchObject({ severity: 'critical', severityRaisedBy: ['repeat', 'escalation_risk'], repeatOf: 'E' });
    // A marked complaint's SLA targets are those of its raised severity.
    expect(Date.parse(marked.complaint.firstResponseDueAt) - NOW.getTime()).toBe(defaultConfig.sla.high.firstResponseHours * 3_600_000);
  });

  it('is not scored when the config has no escalationRisk', () => {
    const config: PipelineConfig = { ...defaultConfig };
    delete config.escalationRisk;
    const r = createComplaint({ channel: 'web', customer: { id: 'c' }, description: 'I will sue.' }, config, NOW, 'A', []);
    if (!r.ok) throw new Error('rejected');
    expect(r.complaint.escalationRisk).toBeUndefined();
    expect(r.complaint.severity).toBe('medium');
  });

  it('counts the customer\'s earlier complaints of any category within the repeat window', () => {
    const text = 'Unacceptable service, a total scam';
    const r = createComplaint({ channel: 'web', customer: { id: 'c' }, description: text }, defaultConfig, NOW, 'A', earlierOf(2));
    if (!r.ok) throw new Error('rejected');
    expect(r.complaint.escalationRisk).toMatchObject({ marked: true, signals: ['negative', 'repeat'] });
  });
});

describe('the mark in what people read', () => {
  const made = (description: string, title?: string) => {
    const r = createComplaint({ channel: 'web', customer: { id: 'c' }, description, ...(title && { title }) }, defaultConfig, NOW, 'R1', []);
    if (!r.ok) throw new Error('rejected');
    return r.complaint;
  };

  it('an alert line leads with the mark and ends with how the category was sorted, in the reader language', () => {
    const marked = alertComplaint(made('快递一周没到，再不处理我就打12315', '快递丢了'));
    const plain = alertComplaint(made('The parcel tracking has not moved', 'Parcel late'));
    expect(alertLineText(marked, 'zh-CN')).toBe('⚠ 升级风险 · 快递丢了（按关键词归类）');
    expect(alertLineText(marked, 'en')).toBe('⚠ Escalation risk · 快递丢了 (sorted by keywords)');
    expect(alertLineText(plain, 'en')).toBe('Parcel late (sorted by keywords)');
    expect(alertLineText(plain, 'zh-CN')).toBe('Parcel late（按关键词归类）');
    expect(alertLineText({ ...plain, method: 'model', confidence: 0.934 }, 'en')).toBe('Parcel late (sorted by the model, 93% sure)');
    expect(alertLineText({ ...plain, method: 'explicit' }, 'zh-CN')).toBe('Parcel late（提交时已指定分类）');
    expect(alertLineText({ ...plain, method: 'fallback' }, 'en')).toBe('Parcel late (no match, default category)');
    expect(alertLineText({ title: 'stored before triage' }, 'en')).toBe('stored before triage');
  });

  it.each([
    ['⚠ 升级风险 · 快递丢了 (分类：关键词)', { title: '快递丢了', method: 'keywords', risk: true }],
    ['验证码收不到，账户被锁 5 (分类：关键词)', { title: '验证码收不到，账户被锁 5', method: 'keywords' }],
    ['Parcel late (category: model 93%)', { title: 'Parcel late', method: 'model', confidence: 0.93 }],
    ['Parcel late (category: given)', { title: 'Parcel late', method: 'explicit' }],
    ['⚠ Escalation risk · Card (category: fallback)', { title: 'Card', method: 'fallback', risk: true }],
    ['Broken (again) (x)', { title: 'Broken (again) (x)' }],
  ])('reads the line %s an incident stored before it kept the facts', (line, facts) => {
    expect(parseLegacyAlertLine(line)).toEqual(facts);
  });

  it('SLA warnings and escalations to the department mark a marked complaint on its line, and only it', () => {
    const marked = made('Refund still missing. This is a scam, I will contact my lawyer.');
    const plain = made('Refund still missing.');
    const department = defaultConfig.departments.find((d) => d.id === marked.department)!;
    const contact = department.escalationChain[0]!;
    const steps: SlaStep[] = [
      { kind: 'warning', phase: 'first_response', dueAt: marked.firstResponseDueAt },
      { kind: 'escalation', phase: 'first_response', level: 1, contact, dueAt: marked.firstResponseDueAt },
    ];
    const now = new Date(marked.firstResponseDueAt);
    const render = (c: typeof marked) =>
      groupSlaSteps([{ complaint: c, steps }], defaultConfig)
        .flatMap((g) => renderSlaGroup(g, 'sweep-1', { kind: 'none' }, defaultConfig, now))
        .filter((m) => m.channel === 'email');
    const emails = render(marked);
    expect(emails).toHaveLength(2);
    const mark = department.locale === 'en' ? '⚠ Escalation risk' : '⚠ 升级风险';
    for (const e of emails) expect(e.text).toContain(mark);
    for (const e of render(plain)) expect(e.text).not.toContain('⚠');
  });
});

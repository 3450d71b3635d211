/**
 * Grouped SLA messages that cover several departments: every department is named (with its count),
 * each line says its department, and every list link filters only when the list has one department.
 */
import { describe, expect, it } from 'vitest';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import type { Locale } from '../../functions/domain/config.ts';
import type { EmailMessage, SmsMessage } from '../../functions/domain/messages.ts';
import { groupSlaSteps, renderHeldSlaSummary, renderSlaGroup } from '../../functions/domain/sla-messages.ts';
import type { SlaStep } from '../../functions/domain/sla.ts';
import { hasCjk } from '../../functions/domain/text.ts';
import { defaultConfig as config } from '../fixtures/config.ts';

const BASE = 'https://console.example.com';
const t0 = new Date('2026-11-16T02:00:00.000Z');
const now = new Date('2026-11-17T02:00:00.000Z');
const DIRECTOR = 'huang.jing@youxuan-mall.example.com';

function complaint(n: number, category: string): Complaint {
  const r = createComplaint({ channel: 'web', customer: { id: `c${n}`, email: 'x@example.com' }, description: 'late', category }, config, t0, `01KAXYZ00000000000000000${String(n).padStart(2, '0')}`);
  if (!r.ok) throw new Error('fixture');
  return { ...r.complaint, ref: `YX-TEST-000${n}` };
}

/** Each complaint escalated to level 3 (the director) or warned (its head). */
function planned(categories: readonly string[], kind: 'escalation' | 'warning', cfg = config) {
  return categories.map((category, i) => {
    const c = complaint(i + (kind === 'warning' ? 50 : 0), category);
    const contact = cfg.departments.find((d) => d.id === c.department)!.escalationChain[2]!;
    const step: SlaStep = kind === 'escalation' ? { kind, phase: 'first_response', level: 3, contact, dueAt: t0.toISOString() } : { kind, phase: 'first_response', dueAt: now.toISOString() };
    return { complaint: c, steps: [step] };
  });
}

function directorEmail(categories: readonly string[], locale: Locale): { email: EmailMessage; sms: SmsMessage | undefined } {
  // Every department and the director (level 3 everywhere) speak `locale`.
  const localized = { ...config, departments: config.departments.map((d) => ({ ...d, locale, escalationChain: d.escalationChain.map((c, i) => (i === 2 ? { ...c, locale } : c)) })) };
  const group = groupSlaSteps(planned(categories, 'escalation', localized), localized).find((g) => g.email === DIRECTOR)!;
  const out = renderSlaGroup(group, 'sweep', { kind: 'send' }, localized, now, BASE);
  return { email: out.find((m): m is EmailMessage => m.channel === 'email')!, sms: out.find((m): m is SmsMessage => m.channel === 'sms') };
}

describe('an SLA message covering several departments', () => {
  it.each([
    {
      name: 'zh-CN, customer service and finance',
      locale: 'zh-CN' as const,
      categories: ['after-sales', 'refund'],
      subject: '【投诉升级 L3】2 起投诉已超时（客户服务中心、财务与退款部）',
      intro: '客户服务中心 1 起、财务与退款部 1 起，共 2 起投诉已超过时限，按升级链第 3 级通知您：',
      lines: ['客户服务中心 · ', '财务与退款部 · '],
      smsDepartments: '（客户服务中心、财务与退款部）',
    },
    {
      name: 'zh-CN, logistics twice and quality',
      locale: 'zh-CN' as const,
      categories: ['logistics-delay', 'product-quality', 'logistics-delay'],
      subject: '【投诉升级 L3】3 起投诉已超时（物流配送部、品质管理部）',
      intro: '物流配送部 2 起、品质管理部 1 起，共 3 起投诉已超过时限，按升级链第 3 级通知您：',
      lines: ['物流配送部 · ', '品质管理部 · ', '物流配送部 · '],
      smsDepartments: '（物流配送部、品质管理部）',
    },
    {
      name: 'en, customer service and finance',
      locale: 'en' as const,
      categories: ['after-sales', 'refund'],
      subject: '[Escalation L3] 2 complaints overdue (Customer Service, Finance & Refunds)',
      intro: 'These 2 complaints (Customer Service 1, Finance & Refunds 1) missed their targets and are escalated to you (level 3):',
      lines: ['Customer Service · ', 'Finance & Refunds · '],
      smsDepartments: 'overdue in Customer Service, Finance & Refunds.',
    },
  ])('$name: names every department and links to the unfiltered overdue list', ({ locale, categories, subject, intro, lines, smsDepartments }) => {
    const { email, sms } = directorEmail(categories, locale);
    expect(email.subject).toBe(subject);
    expect(email.text).toContain(intro);
    const listed = email.text.split('\n').filter((l) => lines.some((d) => l.includes(d)));
    expect(listed).toHaveLength(lines.length);
    expect(email.html).toContain(`href="${BASE}/console/inbox?overdue=1"`);
    expect(email.html).not.toContain('department=');
    expect(sms?.text).toContain(smsDepartments);
    expect(sms?.text).not.toContain('department=');
  });

  it.each([
    { locale: 'zh-CN' as const, intro: '物流配送部有 2 起投诉已超过时限，按升级链第 3 级通知您：', line: '物流配送部 · ' },
    { locale: 'en' as const, intro: 'These 2 Logistics & Delivery complaints missed their targets', line: 'Logistics & Delivery · ' },
  ])('$locale, one department: named once, lines without it, links filtered to it', ({ locale, intro, line }) => {
    const { email } = directorEmail(['logistics-delay', 'logistics-delay'], locale);
    expect(email.text).toContain(intro);
    expect(email.text).not.toContain(line);
    expect(email.html).toContain(`href="${BASE}/console/inbox?department=logistics&amp;overdue=1"`);
  });

  it('escalations in one department and warnings in another: each list links to its own department', () => {
    // Wang Lei is logistics' head (warnings) and level 2 of its chain; make him level 3 of quality's too.
    const head = config.departments.find((d) => d.id === 'logistics')!.head;
    const withHead = { ...config, departments: config.departments.map((d) => (d.id === 'quality' ? { ...d, escalationChain: d.escalationChain.map((c, i) => (i === 2 ? { ...c, ...head } : c)) } : d)) };
    const steps = [...planned(['product-quality'], 'escalation', withHead), ...planned(['logistics-delay', 'logistics-delay'], 'warning')];
    const group = groupSlaSteps(steps, withHead).find((g) => g.email === head.email)!;
    const email = renderSlaGroup(group, 'sweep', { kind: 'none' }, withHead, now, BASE)[0] as EmailMessage;
    expect(email.subject).toBe('【投诉升级与预警】1 起已超时，2 起即将超时（物流配送部、品质管理部）');
    expect(email.text).toContain('品质管理部有 1 起投诉已超过时限');
    expect(email.text).toContain('物流配送部有 2 起投诉即将超过时限');
    expect(email.html).toContain(`href="${BASE}/console/inbox?department=quality&amp;overdue=1"`);
  });
});

describe('the quiet-hours summary SMS', () => {
  it.each([
    { departments: ['logistics'], link: `${BASE}/console/inbox?department=logistics&overdue=1` },
    { departments: ['logistics', 'logistics'], link: `${BASE}/console/inbox?department=logistics&overdue=1` },
    { departments: ['logistics', 'quality'], link: `${BASE}/console/inbox?overdue=1` },
  ])('held for $departments links to $link', ({ departments, link }) => {
    const sms = renderHeldSlaSummary({ to: '+8613800138020', locale: 'zh-CN', departments, escalations: 3, sendAt: now.toISOString() }, config, BASE);
    expect(sms.channel === 'sms' && sms.text).toBe(`【投诉升级】免打扰时段内共有 3 起投诉超时升级至您，详情见邮件。查看：${link}`);
  });
});

describe("an SLA message is in the recipient's language, not their department's", () => {
  const render = (categories: readonly string[], cfg = config) => {
    const group = groupSlaSteps(planned(categories, 'escalation', cfg), cfg).find((g) => g.email === DIRECTOR)!;
    return renderSlaGroup(group, 'sweep', { kind: 'send' }, cfg, now, BASE);
  };
  const withoutHers = { ...config, departments: config.departments.map((d) => ({ ...d, escalationChain: d.escalationChain.map(({ locale: _, ...c }) => c) })) };

  it.each([
    { name: 'shipped config, a Finance complaint (Finance writes English)', categories: ['refund'], cfg: config, locale: 'zh-CN', subject: /^【投诉升级 L3】投诉 YX-TEST-0000 首次响应已超时$/ },
    { name: 'shipped config, Finance and Quality', categories: ['refund', 'product-quality'], cfg: config, locale: 'zh-CN', subject: /（品质管理部、财务与退款部）$/ },
    { name: 'shipped config, Quality and Finance', categories: ['product-quality', 'refund'], cfg: config, locale: 'zh-CN', subject: /（品质管理部、财务与退款部）$/ },
    { name: 'no locale of her own, a Finance complaint', categories: ['refund'], cfg: withoutHers, locale: 'en', subject: /^\[Escalation L3\] Complaint YX-TEST-0000 first response overdue$/ },
    { name: 'no locale of her own, Quality and Finance: her first department', categories: ['product-quality', 'refund'], cfg: withoutHers, locale: 'zh-CN', subject: /（品质管理部、财务与退款部）$/ },
  ])('$name: $locale', ({ categories, cfg, locale, subject }) => {
    const out = render(categories, cfg);
    const [email, sms] = out;
    expect(email?.channel === 'email' && /<html lang="([^"]+)"/.exec(email.html)?.[1]).toBe(locale);
    expect(email?.channel === 'email' && email.subject).toMatch(subject);
    expect(sms?.channel === 'sms' && hasCjk(sms.text)).toBe(locale === 'zh-CN');
  });
});


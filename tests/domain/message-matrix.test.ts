/**
 * Every message kind × locale, rendered with the longest realistic values: no raw enum value, no
 * bidirectional control, no CJK in an English SMS, every SMS within its segment budget, every HTML
 * part in the one email document with its `lang`.
 */
import { describe, expect, it } from 'vitest';
import { newIncident, renderAlertRaised, type AlertIncident } from '../../functions/domain/alert.ts';
import { ChannelSchema, ComplaintStatusSchema, createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { SeveritySchema, type Locale, type PipelineConfig } from '../../functions/domain/config.ts';
import { digestFigures } from '../../functions/domain/digest.ts';
import { renderDigest } from '../../functions/domain/digest-message.ts';
import { renderAllClear, renderEscalation, renderReminder, renderSurge } from '../../functions/domain/incident.ts';
import { applyEvent, type ComplaintEvent } from '../../functions/domain/lifecycle.ts';
import type { EmailMessage, MessageKind, OutboundMessage } from '../../functions/domain/messages.ts';
import { progressSmsBudget, renderProgress } from '../../functions/domain/progress.ts';
import { renderReopenNotice } from '../../functions/domain/reopen-notice.ts';
import { groupSlaSteps, renderHeldSlaSummary, renderSlaGroup } from '../../functions/domain/sla-messages.ts';
import { sweepSla } from '../../functions/domain/sla.ts';
import { smsSegments, SMS_BUDGET } from '../../functions/domain/sms.ts';
import { applySurveyAnswer, markSurveySent, renderSurveyFollowup, renderSurveyInvitation } from '../../functions/domain/survey.ts';
import { hasCjk } from '../../functions/domain/text.ts';
import { defaultConfig } from '../fixtures/config.ts';

const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
/** A deployed HTTP API URL is about this long. */
const BASE = 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com';
const t0 = new Date('2026-11-16T02:00:00.000Z');
const RLO = '\u202E';
/** A reply link as the progress notifier mints it: the API URL, `/r/` and 32 token characters. */
const REPLY_URL = `${BASE}/r/${'r'.repeat(32)}`;

/** Raw values no person should read. */
const ENUMS = [
  ...SeveritySchema.options,
  ...ComplaintStatusSchema.options,
  ...ChannelSchema.options,
  'first_response',
  'resolution',
  'static',
  'adaptive',
  'both',
  'open',
  'acknowledged',
  'resolved',
  'sla_warning',
  'escalate',
  'wait_on_customer',
];
const RAW_ROLES = [...new Set(defaultConfig.departments.flatMap((d) => d.escalationChain.map((c) => c.role)))];

/** The config with every department and person speaking `locale`, so staff messages of every kind exist in both. */
function speaking(locale: Locale): PipelineConfig {
  return { ...defaultConfig, departments: defaultConfig.departments.map((d) => ({ ...d, locale, head: { ...d.head, locale }, escalationChain: d.escalationChain.map((c) => ({ ...c, locale })) })) };
}

function customerComplaint(locale: Locale, channel: 'email' | 'sms'): Complaint {
  const r = createComplaint(
    {
      channel: 'app',
      customer: {
        id: 'matrix',
        name: locale === 'en' ? 'Alexandra Montgomery-Richardson' : '欧阳娜娜',
        ...(channel === 'email' ? { email: 'alexandra.montgomery@example.com' } : { phone: '+12125550100' }),
        locale,
        timeZone: locale === 'en' ? 'America/Los_Angeles' : 'Asia/Shanghai',
      },
      // The title is the customer's own text; a bidi override in it must not survive.
      title: locale === 'en' ? `Refund for order 88812345 never arrived ${RLO}gnp.exe` : `退款申请提交两周了一直没有到账 ${RLO}gnp.exe`,
      description: 'Long story',
      category: 'product-quality',
      severity: 'critical',
    },
    defaultConfig,
    t0,
    '01KAXYZ0000000000000000000',
  );
  if (!r.ok) throw new Error('fixture');
  return { ...r.complaint, ref: 'YX-4K7M-9QD2' };
}

const LONG_NOTE_EN = 'Please send a photo of the return receipt and the courier label so that we can claim the refund from the courier on your behalf today.';
const LONG_NOTE_ZH = '请您拍一张退货回执和快递面单的照片发给我们，我们今天就会代您向快递公司申请赔付，预计三个工作日内到账。';

/** Every customer-visible progress step of one complaint, with the agent's public note on each. */
function progressMessages(locale: Locale, channel: 'email' | 'sms'): OutboundMessage[] {
  const config = { ...defaultConfig, customerNotifications: { channels: 'all' as const } };
  let c = customerComplaint(locale, channel);
  const note = locale === 'en' ? LONG_NOTE_EN : LONG_NOTE_ZH;
  // Every step is given the reply link; only the "waiting on you" SMS carries it.
  const links = { unsubscribeUrl: `${BASE}/u/${'t'.repeat(32)}`, replyUrl: REPLY_URL };
  const out = renderProgress(c, 0, config, links);
  const walk: ComplaintEvent['type'][] = ['acknowledge', 'start', 'wait_on_customer', 'customer_replied', 'update', 'resolve', 'reopen', 'acknowledge'];
  for (const type of walk) {
    const r = applyEvent(c, { type, actor: 'agent:li', note } as ComplaintEvent, t0, config);
    if (!r.ok) throw new Error(`${type}: ${JSON.stringify(r)}`);
    c = r.complaint;
    out.push(...renderProgress(c, c.timeline.length - 1, config, links));
  }
  return out;
}

function surveyMessages(locale: Locale, config: PipelineConfig): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  for (const channel of ['email', 'sms'] as const) {
    let c = customerComplaint(locale, channel);
    for (const type of ['acknowledge', 'start', 'resolve'] as const) {
      const r = applyEvent(c, { type, actor: 'agent:li' }, t0, config);
      if (!r.ok) throw new Error(type);
      c = r.complaint;
    }
    out.push(...renderSurveyInvitation(c, `${c.id}-r0`, { survey: `${BASE}/s/${'s'.repeat(32)}`, unsubscribe: `${BASE}/u/${'u'.repeat(32)}` }, config));
    const answered = applySurveyAnswer(markSurveySent(c, t0), `${c.id}-r0`, { rating: 1, solved: false, comment: `Nobody called me back ${RLO}evol` }, t0, config).complaint;
    out.push(...renderSurveyFollowup({ ...answered, department: 'quality' }, answered.surveyAnswer!, config, BASE));
    // The customer reopens it themself by replying to the resolved email.
    const reopened = applyEvent(c, { type: 'reopen', actor: 'customer:email', note: `Still broken, nobody called ${RLO}evol ${'and more '.repeat(80)}` }, t0, config);
    if (!reopened.ok) throw new Error('reopen');
    out.push(...renderReopenNotice(reopened.complaint, reopened.complaint.timeline.length - 1, config, BASE));
  }
  return out;
}

function slaMessages(config: PipelineConfig, locale: Locale): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  const many = Array.from({ length: 12 }, (_, i) => ({ ...customerComplaint('en', 'email'), id: `01KAXYZ00000000000000000${String(i).padStart(2, '0')}`, severity: 'medium' as const, ...(() => {
    const r = createComplaint({ channel: 'web', customer: { id: `m${i}`, email: 'x@example.com' }, description: 'late', category: 'product-quality', severity: 'medium' }, config, t0, `M${i}`);
    if (!r.ok) throw new Error('fixture');
    return { sla: r.complaint.sla, escalationLevel: 0, firstResponseDueAt: r.complaint.firstResponseDueAt, resolutionDueAt: r.complaint.resolutionDueAt };
  })() }));
  for (const [hours, group] of [[18.5, many.slice(0, 1)], [18.5, many], [26, many.slice(0, 1)], [40, many]] as const) {
    const now = new Date(t0.getTime() + hours * 3600_000);
    const planned = group.map((c) => ({ complaint: c, steps: sweepSla(c, config, now).steps }));
    for (const g of groupSlaSteps(planned, config)) {
      out.push(...renderSlaGroup(g, 'sweep', { kind: 'send' }, config, now, BASE));
      out.push(...renderSlaGroup(g, 'sweep', { kind: 'held', until: now }, config, now, BASE));
      out.push(...renderSlaGroup(g, 'sweep', { kind: 'over_quota', perHour: 4 }, config, now, BASE));
    }
  }
  out.push(renderHeldSlaSummary({ to: '+8613800138011', locale, departments: ['customer-service', 'finance', 'logistics'], escalations: 137, sendAt: t0.toISOString() }, config, BASE));
  return out;
}

function alertMessages(config: PipelineConfig): OutboundMessage[] {
  const category = config.categories.find((c) => c.id === 'service-attitude')!;
  const department = config.departments.find((d) => d.id === category.department)!;
  const links = { email: `${BASE}/a/${'E'.repeat(32)}`, sms: `${BASE}/a/${'S'.repeat(22)}` };
  const incident: AlertIncident = {
    ...newIncident(category, 1234, [{ title: `Rude agent hung up on me twice ${RLO}txt.exe` }, { title: '客服态度恶劣，挂了我两次电话' }], t0, {
      detector: 'both',
      expected: 12.5,
      bound: 40,
      topTerms: [{ term: 'rude', count: 30 }, { term: '态度', count: 22 }],
      trend: [3, 4, 5, 3, 2, 80, 1234].map((count, i) => ({ day: `2026-11-${10 + i}`, count })),
    }),
  };
  const ctx = { category, department, timeZone: config.company.timeZone, base: BASE };
  const chain = department.escalationChain;
  const acknowledged = { ...incident, state: 'acknowledged' as const, acknowledgedBy: `L1:${chain[0]!.role} ${chain[0]!.name}` };
  return [
    ...renderAlertRaised(incident, category, department, config.company.timeZone, links),
    ...renderReminder(incident, 12, ctx, links),
    ...chain.flatMap((_, i) => renderEscalation(incident, i + 1, new Date(t0.getTime() + 90 * 60_000), ctx, links)),
    ...renderAllClear({ ...incident, escalationLevel: chain.length, state: 'resolved' }, config.alerting, ctx),
    ...renderSurge(incident, 3, ctx, links),
    ...renderSurge(acknowledged, 4, ctx, undefined, chain[0]),
  ];
}

/** The weekly digest: a busy week with every figure, and an empty one (every figure "no data"). */
function digestMessages(config: PipelineConfig, locale: Locale): OutboundMessage[] {
  const now = new Date('2026-11-30T01:00:00.000Z');
  const complaints = config.categories.flatMap((c, i) =>
    Array.from({ length: 1 + i }, (_, k) => ({
      id: `D${i}${k}`,
      department: c.department,
      category: c.id,
      receivedAt: new Date(Date.UTC(2026, 10, 16 + ((i + k) % 14), 2)).toISOString(),
      firstResponseDueAt: new Date(Date.UTC(2026, 10, 16 + ((i + k) % 14), 6)).toISOString(),
      resolutionDueAt: new Date(Date.UTC(2026, 10, 18 + ((i + k) % 14), 2)).toISOString(),
      ...(k % 2 === 0 && { firstRespondedAt: new Date(Date.UTC(2026, 10, 16 + ((i + k) % 14), 3)).toISOString(), resolvedAt: new Date(Date.UTC(2026, 10, 17 + ((i + k) % 14), 2)).toISOString(), firstContactResolution: k % 4 === 0 }),
      escalationLevel: k % 3,
      ...(k === 1 && { repeatOf: `D${i}0` }),
    })),
  );
  const surveys = config.categories.map((c, i) => ({ surveyId: `${c.id}-s${i}-r0`, department: c.department, category: c.id, sentAt: '2026-11-24T03:00:00.000Z', answeredAt: '2026-11-25T03:00:00.000Z', rating: 1 + (i % 5), solved: i % 2 === 0 }));
  const incidents = config.categories.map((c, i) => ({ ...newIncident(c, 99, [], new Date(Date.UTC(2026, 10, 17 + i, 2))), ...(i % 2 === 0 && { acknowledgedAt: new Date(Date.UTC(2026, 10, 17 + i, 3, 25)).toISOString() }) }));
  const busy = digestFigures({ complaints, surveys, incidents }, now, config);
  const poorAnswers = busy.poorAnswers.map((a, i) => ({ ...a, complaintId: `01KAXDIGEST00000000000000${i}`, reference: `YX-7KQM-${String(i).padStart(4, '0')}` }));
  const recipient = { email: 'management.board.weekly.digest@youxuan-mall.example.com', name: locale === 'en' ? 'Alexandra Montgomery-Richardson' : '欧阳娜娜', locale };
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 4, 0xb0, 0, 0, 2, 0x80]);
  return [
    renderDigest({ figures: busy, recipient, poorAnswers, chart: png, base: BASE, config }),
    renderDigest({ figures: digestFigures({ complaints: [], surveys: [], incidents: [] }, now, config), recipient, poorAnswers: [], base: BASE, config }),
  ];
}

function all(locale: Locale): OutboundMessage[] {
  const config = speaking(locale);
  return [...progressMessages(locale, 'email'), ...progressMessages(locale, 'sms'), ...surveyMessages(locale, config), ...slaMessages(config, locale), ...alertMessages(config), ...digestMessages(config, locale)];
}

const KINDS: readonly MessageKind[] = ['alert', 'alert_escalation', 'alert_resolved', 'progress', 'sla_warning', 'escalation', 'survey', 'survey_followup', 'customer_reopened', 'digest'];

function budget(m: OutboundMessage, locale: Locale): number {
  if (m.kind === 'progress') return progressSmsBudget(locale, m.channel !== 'email' && m.text.includes(REPLY_URL));
  if (m.kind === 'survey') return SMS_BUDGET.survey;
  return SMS_BUDGET.staff;
}

const words = (text: string) => text.replace(/https?:\/\/\S+/g, ' ');
const personNames = [...new Set(defaultConfig.departments.flatMap((d) => [d.head.name, ...d.escalationChain.map((c) => c.name)]))];

describe.each(LOCALES)('every message kind in %s', (locale) => {
  const messages = all(locale);

  it('covers every kind on every channel it uses', () => {
    expect(new Set(messages.map((m) => m.kind))).toEqual(new Set(KINDS));
    for (const kind of KINDS) expect(messages.some((m) => m.kind === kind && m.channel === 'email'), kind).toBe(true);
  });

  it.each(KINDS)('%s: no raw enum value, no raw role, no bidirectional control', (kind) => {
    for (const m of messages.filter((x) => x.kind === kind)) {
      const texts = m.channel === 'email' ? [m.subject, m.text, m.html] : m.channel === 'topic' ? [m.subject, m.text] : [m.text];
      for (const text of texts) {
        expect(text, m.id).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
        const plain = words(text);
        for (const value of ENUMS) {
          // Chinese text has no business with any English enum word; English text must not show the raw form.
          const raw = locale === 'zh-CN' ? new RegExp(`(?<![A-Za-z_-])${value}(?![A-Za-z_-])`) : new RegExp(`(?<![A-Za-z_-])${value}(?![A-Za-z-])`);
          if (locale === 'zh-CN' || value.includes('_')) expect(plain, `${m.id}: ${value}`).not.toMatch(raw);
        }
        if (locale === 'zh-CN') for (const role of RAW_ROLES) expect(plain, `${m.id}: ${role}`).not.toContain(role);
        if (locale === 'en') expect(plain, m.id).not.toMatch(/(?:severity|Status:?) (?:low|medium|high|critical|received|in_progress|reopened)\b/);
      }
    }
  });

  it('digest: every figure is a number or the no-data mark, never NaN', () => {
    const digests = messages.filter((m): m is EmailMessage => m.kind === 'digest' && m.channel === 'email');
    expect(digests).toHaveLength(2);
    for (const m of digests) expect(`${m.subject}${m.text}${m.html}`).not.toMatch(/NaN|undefined|null|Infinity/);
    expect(digests[1]!.text).toContain('| — | — | —');
  });

  it.each(KINDS)('%s: every SMS within its segment budget', (kind) => {
    for (const m of messages.filter((x) => x.kind === kind && x.channel !== 'email')) {
      const text = m.channel === 'email' ? '' : m.text;
      expect(smsSegments(text), `${m.id} (${text.length} chars): ${text}`).toBeLessThanOrEqual(budget(m, locale));
    }
  });

  it('progress: the "waiting on you" and "resolved" SMS carry the reply link whole, within their own budget; no other message carries it', () => {
    const linked = messages.filter((m) => m.kind === 'progress' && m.channel === 'sms' && m.text.includes('/r/'));
    // The walk: receive t0, acknowledge t1, start t2, wait_on_customer t3, customer_replied t4, update t5, resolve t6.
    expect(linked.map((m) => m.id.replace(/^.*:(t\d+):.*$/, '$1'))).toEqual(['t3', 't6']);
    for (const m of linked) {
      const text = m.channel === 'sms' ? m.text : '';
      expect(text).toContain(`${REPLY_URL} `);
      expect(smsSegments(text)).toBeLessThanOrEqual(locale === 'en' ? SMS_BUDGET.progressReplyLinkEn : SMS_BUDGET.progressReplyLinkZh);
      // The agent's note is in it, shortened or whole.
      expect(text).toContain(locale === 'en' ? 'Note: Please send a photo' : '留言：请您拍一张');
    }
    expect(messages.filter((m) => m.channel === 'email' && m.kind === 'progress' && m.text.includes('/r/'))).toEqual([]);
  });

  it.each(KINDS)('%s: HTML is the one document with lang, real links', (kind) => {
    for (const m of messages.filter((x): x is EmailMessage => x.kind === kind && x.channel === 'email')) {
      expect(m.html.startsWith(`<!doctype html><html lang="${locale}">`), m.id).toBe(true);
      expect(m.html).toContain('name="viewport"');
      for (const href of m.html.matchAll(/https?:\/\/[^\s"<]+/g)) expect(m.html, m.id).toContain(`href="${href[0]}`.slice(0, 6));
    }
  });

  if (locale === 'en') {
    it.each(KINDS)('%s: no Chinese in an English SMS, nor in an English email outside names', (kind) => {
      for (const m of messages.filter((x) => x.kind === kind)) {
        if (m.channel !== 'email') expect(hasCjk(m.text), `${m.id}: ${m.text}`).toBe(false);
        else {
          let text = `${m.subject}\n${m.text}`;
          for (const name of personNames) text = text.replaceAll(name, '');
          // Customer-written text (titles, frequent words) may be Chinese; it is quoted, not ours.
          text = text.replace(/退款申请提交两周了一直没有到账|客服态度恶劣，挂了我两次电话|态度/g, '');
          expect(hasCjk(text), `${m.id}: ${text}`).toBe(false);
        }
      }
    });
  }
});

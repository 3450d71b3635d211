import { describe, expect, it } from 'vitest';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { parseConfig, type PipelineConfig } from '../../functions/domain/config.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import type { EmailMessage, SmsMessage } from '../../functions/domain/messages.ts';
import { renderProgress } from '../../functions/domain/progress.ts';
import { surveyFormPage, thankYouPage } from '../../functions/domain/survey-pages.ts';
import {
  applySurveyAnswer,
  csatReport,
  decideSurvey,
  isWellFormedToken,
  markSurveySending,
  markSurveySent,
  monthsBetween,
  parseSurveyForm,
  renderSurveyFollowup,
  renderSurveyInvitation,
  surveyLinkState,
  type SurveyFact,
  type SurveyLink,
} from '../../functions/domain/survey.ts';
import { defaultConfig, rawDefaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z'); // Monday 10:00 in Shanghai
const DAY = 86_400_000;
const HOSTILE = '</textarea><script>alert("x")</script><img src=x onerror=alert(1)>';

function at(iso: string): Date {
  return new Date(iso);
}

/** A complaint walked to `resolved` at t0 (survey due seven days later). */
function resolved(customer: Record<string, string> = { email: 'c@example.com' }, title = 'Parcel late', config: PipelineConfig = defaultConfig): Complaint {
  const created = createComplaint({ channel: 'web', customer: { id: 'cust-1', ...customer }, title, description: '快递延迟很久', category: 'logistics-delay' }, config, t0, 'C1');
  if (!created.ok) throw new Error('fixture');
  let c = created.complaint;
  for (const type of ['acknowledge', 'start', 'resolve'] as const) {
    const r = applyEvent(c, { type, actor: 'agent:a' }, t0, config);
    if (!r.ok) throw new Error(`fixture: ${type}`);
    c = r.complaint;
  }
  return c;
}

const noFacts = { optedOut: false };

describe('survey due time (lifecycle)', () => {
  it('is set on resolution, cleared on reopen and set again, with a new id, on the next resolution', () => {
    const c = resolved();
    expect(c.survey).toEqual({ id: 'C1-r0', dueAt: new Date(t0.getTime() + 7 * DAY).toISOString() });
    const reopened = applyEvent(c, { type: 'reopen', actor: 'agent:a' }, at('2026-11-18T02:00:00Z'), defaultConfig);
    if (!reopened.ok) throw new Error('fixture');
    expect(reopened.complaint.survey).toBeUndefined();
    let again = reopened.complaint;
    for (const type of ['acknowledge', 'start', 'resolve'] as const) {
      const r = applyEvent(again, { type, actor: 'agent:a' }, at('2026-11-19T02:00:00Z'), defaultConfig);
      if (!r.ok) throw new Error(type);
      again = r.complaint;
    }
    expect(again.survey).toEqual({ id: 'C1-r1', dueAt: '2026-11-26T02:00:00.000Z' });
  });

  it('follows the configured delay', () => {
    const raw = rawDefaultConfig();
    raw.survey = { delayDays: 3 };
    const config = parseConfig(raw, 'test');
    expect(config.survey).toMatchObject({ delayDays: 3, throttleDays: 30, linkTtlDays: 14, quietHours: { start: '21:00', end: '09:00' } });
    expect(resolved({ email: 'c@example.com' }, 'x', config).survey?.dueAt).toBe(new Date(t0.getTime() + 3 * DAY).toISOString());
  });
});

describe('dispatch decisions', () => {
  const due = at('2026-11-23T02:00:00Z'); // Monday 10:00 Shanghai, exactly due

  it('waits until due and sends once due', () => {
    const c = resolved();
    expect(decideSurvey(c, noFacts, new Date(due.getTime() - 1), defaultConfig)).toEqual({ kind: 'wait' });
    expect(decideSurvey(c, noFacts, due, defaultConfig)).toEqual({ kind: 'send' });
  });

  it('never sends a survey twice for one resolution', () => {
    const sent = markSurveySent(resolved(), due);
    expect(sent.survey?.sentAt).toBe(due.toISOString());
    expect(decideSurvey(sent, noFacts, new Date(due.getTime() + DAY), defaultConfig)).toEqual({ kind: 'wait' });
  });

  it('leaves a survey another run is sending until its claim runs out, then resumes it (unless the customer opted out)', () => {
    const sending = markSurveySending(resolved(), due, new Date(due.getTime() + 120_000));
    expect(sending.survey?.sending).toEqual({ since: due.toISOString(), until: '2026-11-23T02:02:00.000Z' });
    expect(decideSurvey(sending, noFacts, new Date(due.getTime() + 119_999), defaultConfig)).toEqual({ kind: 'wait' });
    expect(decideSurvey(sending, noFacts, new Date(due.getTime() + 120_000), defaultConfig)).toEqual({ kind: 'resume' });
    expect(decideSurvey(sending, { optedOut: true }, new Date(due.getTime() + 120_000), defaultConfig)).toEqual({ kind: 'skip', reason: 'opted_out' });
    // A resumed claim keeps its first time; sent means sent at that time, and the claim is gone.
    const resumed = markSurveySending(sending, new Date(due.getTime() + 300_000), new Date(due.getTime() + 420_000));
    expect(resumed.survey?.sending).toEqual({ since: due.toISOString(), until: '2026-11-23T02:07:00.000Z' });
    const sent = markSurveySent(resumed, new Date(due.getTime() + 301_000));
    expect(sent.survey).toEqual({ id: 'C1-r0', dueAt: due.toISOString(), sentAt: due.toISOString() });
  });

  it('does not survey a complaint reopened before the survey was due', () => {
    const reopened = applyEvent(resolved(), { type: 'reopen', actor: 'customer' }, at('2026-11-20T02:00:00Z'), defaultConfig);
    if (!reopened.ok) throw new Error('fixture');
    expect(decideSurvey(reopened.complaint, noFacts, due, defaultConfig)).toEqual({ kind: 'wait' });
    // A stale read (survey still on it, status moved on) is skipped for good, not sent.
    expect(decideSurvey({ ...resolved(), status: 'reopened' }, noFacts, due, defaultConfig)).toEqual({ kind: 'skip', reason: 'not_resolved' });
  });

  it('still surveys a closed complaint', () => {
    const closed = applyEvent(resolved(), { type: 'close', actor: 'agent:a' }, at('2026-11-17T02:00:00Z'), defaultConfig);
    if (!closed.ok) throw new Error('fixture');
    expect(decideSurvey(closed.complaint, noFacts, due, defaultConfig)).toEqual({ kind: 'send' });
  });

  it('skips a customer who opted out, and one without an address or phone', () => {
    expect(decideSurvey(resolved(), { optedOut: true }, due, defaultConfig)).toEqual({ kind: 'skip', reason: 'opted_out' });
    expect(decideSurvey(resolved({}), noFacts, due, defaultConfig)).toEqual({ kind: 'skip', reason: 'no_contact' });
  });

  it.each([
    ['surveyed 1 day ago', 1, { kind: 'skip', reason: 'throttled' }],
    ['surveyed 29.9 days ago', 29.9, { kind: 'skip', reason: 'throttled' }],
    ['surveyed exactly 30 days ago', 30, { kind: 'send' }],
    ['surveyed 45 days ago', 45, { kind: 'send' }],
  ])('throttles per customer: %s', (_name, daysAgo, expected) => {
    const lastSurveyedAt = new Date(due.getTime() - daysAgo * DAY).toISOString();
    expect(decideSurvey(resolved(), { optedOut: false, lastSurveyedAt }, due, defaultConfig)).toEqual(expected);
  });

  it('does not throttle when throttleDays is 0', () => {
    const config = parseConfig({ ...rawDefaultConfig(), survey: { throttleDays: 0 } }, 'test');
    expect(decideSurvey(resolved({ email: 'c@example.com' }, 'x', config), { optedOut: false, lastSurveyedAt: due.toISOString() }, due, config)).toEqual({ kind: 'send' });
  });

  it.each([
    // [customer time zone, now (UTC), decision]
    ['company zone (Asia/Shanghai) 10:00', undefined, '2026-11-23T02:00:00Z', { kind: 'send' }],
    ['Asia/Shanghai 20:59', 'Asia/Shanghai', '2026-11-23T12:59:00Z', { kind: 'send' }],
    ['Asia/Shanghai 21:00 waits for 09:00 next day', 'Asia/Shanghai', '2026-11-23T13:00:00Z', { kind: 'postpone', until: '2026-11-24T01:00:00.000Z' }],
    ['Asia/Shanghai 03:00 waits for 09:00 the same day', 'Asia/Shanghai', '2026-11-23T19:00:00Z', { kind: 'postpone', until: '2026-11-24T01:00:00.000Z' }],
    ['America/New_York 21:00 (EST) while Shanghai is at 10:00', 'America/New_York', '2026-11-24T02:00:00Z', { kind: 'postpone', until: '2026-11-24T14:00:00.000Z' }],
    ['Europe/London 09:00 sharp', 'Europe/London', '2026-11-24T09:00:00Z', { kind: 'send' }],
    ['Australia/Sydney 13:00 (AEDT) while London sleeps', 'Australia/Sydney', '2026-11-24T02:00:00Z', { kind: 'send' }],
    ['America/New_York on the spring-forward night (01:30 EST) waits for 09:00 EDT', 'America/New_York', '2027-03-14T06:30:00Z', { kind: 'postpone', until: '2027-03-14T13:00:00.000Z' }],
  ])('respects quiet hours in the customer time zone: %s', (_name, timeZone, now, expected) => {
    const c = resolved({ email: 'c@example.com', ...(timeZone && { timeZone }) });
    expect(decideSurvey(c, noFacts, at(now), defaultConfig)).toEqual(expected);
  });

  it('checks opt-out and throttle before quiet hours (they skip for good)', () => {
    const night = at('2026-11-23T15:00:00Z'); // 23:00 Shanghai
    expect(decideSurvey(resolved(), { optedOut: true }, night, defaultConfig)).toEqual({ kind: 'skip', reason: 'opted_out' });
  });
});

describe('survey links', () => {
  const link: SurveyLink = {
    surveyId: 'C1-r0',
    complaintId: 'C1',
    customerId: 'cust-1',
    locale: 'en',
    department: 'logistics',
    category: 'logistics-delay',
    title: 'Parcel late',
    sentAt: '2026-11-23T02:00:00.000Z',
    linkExpiresAt: '2026-12-07T02:00:00.000Z',
  };

  it('are open until they expire, and expired from the expiry instant', () => {
    expect(surveyLinkState(link, at('2026-12-07T01:59:59.999Z'))).toBe('open');
    expect(surveyLinkState(link, at('2026-12-07T02:00:00.000Z'))).toBe('expired');
  });

  it('answer once: an answered link says so, even after it expired', () => {
    const answered = { ...link, answeredAt: '2026-11-24T02:00:00.000Z' };
    expect(surveyLinkState(answered, at('2026-11-25T00:00:00Z'))).toBe('answered');
    expect(surveyLinkState(answered, at('2027-01-01T00:00:00Z'))).toBe('answered');
  });

  it('are not found when unknown or tampered', () => {
    expect(surveyLinkState(undefined, at('2026-11-25T00:00:00Z'))).toBe('not_found');
    const token = 'A'.repeat(31) + 'b';
    expect(isWellFormedToken(token)).toBe(true);
    for (const tampered of [token.slice(1), `${token}x`, `${token.slice(0, 31)}+`, `${token.slice(0, 30)}%2F`, '../../etc/passwd', '']) {
      expect(isWellFormedToken(tampered), tampered).toBe(false);
    }
  });
});

describe('the survey form', () => {
  const form = (fields: Record<string, string>) => parseSurveyForm(new URLSearchParams(fields));

  it('takes a rating 1-5, solved yes/no and an optional comment', () => {
    expect(form({ rating: '2', solved: 'no', comment: '  still broken  ' })).toEqual({ ok: true, answer: { rating: 2, solved: false, comment: 'still broken' } });
    expect(form({ rating: '5', solved: 'yes', comment: '' })).toEqual({ ok: true, answer: { rating: 5, solved: true } });
  });

  it('names every missing or invalid field', () => {
    expect(form({})).toEqual({ ok: false, errors: ['rating', 'solved'] });
    expect(form({ rating: '6', solved: 'maybe' })).toEqual({ ok: false, errors: ['rating', 'solved'] });
    expect(form({ rating: '3', solved: 'yes', comment: 'x'.repeat(2001) })).toEqual({ ok: false, errors: ['comment'] });
  });

  it('counts a CRLF line break as one character, as maxlength does', () => {
    const comment = `${'x'.repeat(999)}\r\n${'y'.repeat(1000)}`;
    expect(form({ rating: '3', solved: 'yes', comment })).toMatchObject({ ok: true, answer: { comment: `${'x'.repeat(999)}\n${'y'.repeat(1000)}` } });
  });
});

describe('what an answer does', () => {
  const now = at('2026-11-24T02:00:00Z');
  const sent = () => markSurveySent(resolved(), at('2026-11-23T02:00:00Z'));

  it.each([
    [1, true],
    [2, true],
    [4, false],
    [5, false],
  ] as const)('rating %i, solved %s: reopens the complaint with a new SLA and quotes the answer', (rating, solved) => {
    const { complaint, outcome } = applySurveyAnswer(sent(), 'C1-r0', { rating, solved, comment: 'box arrived crushed' }, now, defaultConfig);
    expect(outcome).toBe('reopened');
    expect(complaint).toMatchObject({ status: 'reopened', reopenCount: 1, sla: { phase: 'first_response', warned: false }, surveyAnswer: { surveyId: 'C1-r0', rating, solved, outcome: 'reopened' } });
    expect(complaint.survey).toBeUndefined();
    expect(Date.parse(complaint.firstResponseDueAt)).toBeGreaterThan(now.getTime());
    expect(complaint.timeline.at(-1)).toMatchObject({ actor: 'survey', event: 'reopen', note: `Survey: rating ${rating}/5, ${solved ? 'solved' : 'not solved'}, comment: "box arrived crushed"` });
  });

  it('closes a still-resolved complaint on 4-5 and solved', () => {
    const { complaint, outcome } = applySurveyAnswer(sent(), 'C1-r0', { rating: 4, solved: true }, now, defaultConfig);
    expect([outcome, complaint.status, complaint.closedAt]).toEqual(['closed', 'closed', now.toISOString()]);
  });

  it('only notes a neutral answer, or one about an earlier resolution', () => {
    const neutral = applySurveyAnswer(sent(), 'C1-r0', { rating: 3, solved: true }, now, defaultConfig);
    expect([neutral.outcome, neutral.complaint.status, neutral.complaint.timeline.at(-1)?.event]).toEqual(['none', 'resolved', 'survey_answered']);
    const old = applySurveyAnswer(sent(), 'C1-r7', { rating: 1, solved: false }, now, defaultConfig);
    expect([old.outcome, old.complaint.status]).toEqual(['none', 'resolved']);
    expect(old.complaint.version).toBe(sent().version + 1);
  });
});

describe('escaping what the customer typed', () => {
  it('in the survey page: title and re-shown comment', () => {
    const page = surveyFormPage({ token: 'A'.repeat(32), locale: 'en', reference: 'C1', title: HOSTILE, errors: ['rating'], entered: { comment: HOSTILE, solved: '"><script>' } }, defaultConfig);
    expect(page.status).toBe(400);
    expect(page.html).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    expect(page.html).toContain('&lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</textarea>');
  });

  it('in the invitation email and the department follow-up email', () => {
    const c = resolved({ email: 'c@example.com' }, HOSTILE);
    const [email] = renderSurveyInvitation(c, 'C1-r0', { survey: 'https://x.example/s/abc', unsubscribe: 'https://x.example/u/def' }, defaultConfig) as [EmailMessage];
    expect(email.html).not.toMatch(/<script|<img/);
    const { complaint } = applySurveyAnswer(markSurveySent(c, t0), 'C1-r0', { rating: 1, solved: false, comment: HOSTILE }, at('2026-11-24T02:00:00Z'), defaultConfig);
    const [followup] = renderSurveyFollowup(complaint, complaint.surveyAnswer!, defaultConfig, 'https://x.example') as [EmailMessage];
    expect(followup.html).not.toMatch(/<script|<img|<\/textarea/);
    expect(followup.html).toContain('<bdi>');
    expect(followup.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(followup.text).toContain(HOSTILE);
  });
});

describe('messages', () => {
  it('invite by email in the customer language with the link, the unsubscribe link and List-Unsubscribe headers', () => {
    const [email] = renderSurveyInvitation(resolved({ email: 'c@example.com', locale: 'en', name: 'Ann' }), 'C1-r0', { survey: 'https://x.example/s/abc', unsubscribe: 'https://x.example/u/def' }, defaultConfig) as [EmailMessage];
    expect(email).toMatchObject({ id: 'C1-r0:survey:email', kind: 'survey', to: 'c@example.com', subject: 'How did we do? (ref. C1)' });
    expect(email.text).toContain('Answer the survey: https://x.example/s/abc');
    expect(email.text).toContain('Unsubscribe https://x.example/u/def');
    expect(email.html).toContain('<html lang="en">');
    expect(email.headers).toEqual({ 'List-Unsubscribe': '<https://x.example/u/def>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it('invite by SMS with STOP wording when there is only a phone', () => {
    const [zh] = renderSurveyInvitation(resolved({ phone: '+8613700000000' }), 'C1-r0', { survey: 'https://x.example/s/abc' }, defaultConfig) as [SmsMessage];
    expect(zh).toMatchObject({ id: 'C1-r0:survey:sms', channel: 'sms', to: '+8613700000000' });
    expect(zh.text).toMatch(/https:\/\/x\.example\/s\/abc 回复TD退订$/);
    const [en] = renderSurveyInvitation(resolved({ phone: '+8613700000000', locale: 'en' }), 'C1-r0', { survey: 'https://x.example/s/abc' }, defaultConfig) as [SmsMessage];
    expect(en.text).toMatch(/Reply STOP to opt out$/);
  });

  it('carry the opt-out on every progress email and SMS', () => {
    const c = resolved({ email: 'c@example.com' });
    const [email] = renderProgress(c, 0, defaultConfig, { unsubscribeUrl: 'https://x.example/u/tok' }) as [EmailMessage];
    expect(email.text).toContain('退订 https://x.example/u/tok');
    expect(email.html).toMatch(/<a href="https:\/\/x\.example\/u\/tok"[^>]*>退订<\/a>/);
    expect(email.headers?.['List-Unsubscribe']).toBe('<https://x.example/u/tok>');
    const [sms] = renderProgress(resolved({ phone: '+8613700000000' }), 0, defaultConfig) as [SmsMessage];
    expect(sms.text.endsWith('回复TD退订')).toBe(true);
  });

  it('tell the department head about a poor answer by email and SMS, with the link to the complaint', () => {
    const c = markSurveySent(resolved(), t0);
    const poor = applySurveyAnswer(c, 'C1-r0', { rating: 2, solved: false, comment: '还是没到' }, at('2026-11-24T02:00:00Z'), defaultConfig).complaint;
    const day = renderSurveyFollowup(poor, poor.surveyAnswer!, defaultConfig, 'https://x.example');
    expect(day.map((m) => [m.kind, m.channel, (m as EmailMessage | SmsMessage).to])).toEqual([
      ['survey_followup', 'email', 'wang.lei@youxuan-mall.example.com'],
      ['survey_followup', 'sms', '+8613800138001'],
    ]);
    expect((day[0] as EmailMessage).text).toContain('评分 2/5，问题未解决');
    expect((day[0] as EmailMessage).text).toContain('客户意见：还是没到');
    expect((day[0] as EmailMessage).html).toContain('href="https://x.example/console/complaints/C1"');
    expect((day[1] as SmsMessage).text).toContain('https://x.example/console/complaints/C1');
    const good = applySurveyAnswer(c, 'C1-r0', { rating: 5, solved: true }, at('2026-11-24T02:00:00Z'), defaultConfig).complaint;
    expect(renderSurveyFollowup(good, good.surveyAnswer!, defaultConfig)).toEqual([]);
  });

  it('thank in the chosen language with the outcome', () => {
    expect(thankYouPage('zh-CN', 'reopened', defaultConfig).html).toContain('我们已重新处理您的投诉');
    expect(thankYouPage('en', 'closed', defaultConfig).html).toContain('We are glad it is solved.');
  });
});

describe('CSAT figures', () => {
  const fact = (sentAt: string, department: string, category: string, answer?: { rating: number; solved: boolean; reopened: boolean }): SurveyFact => ({
    surveyId: `${sentAt}-${department}`,
    department,
    category,
    sentAt,
    ...(answer && { answeredAt: sentAt, ...answer }),
  });
  const facts = [
    fact('2026-11-02T00:00:00.000Z', 'logistics', 'logistics-delay', { rating: 5, solved: true, reopened: false }),
    fact('2026-11-03T00:00:00.000Z', 'logistics', 'logistics-delay', { rating: 4, solved: true, reopened: false }),
    fact('2026-11-04T00:00:00.000Z', 'logistics', 'logistics-delay', { rating: 2, solved: false, reopened: true }),
    fact('2026-11-05T00:00:00.000Z', 'logistics', 'logistics-delay'),
    fact('2026-11-06T00:00:00.000Z', 'quality', 'product-quality', { rating: 3, solved: true, reopened: false }),
    fact('2026-12-01T00:00:00.000Z', 'quality', 'product-quality'), // outside the range
  ];

  it('computes CSAT (share of 4-5), response rate and reopen-after-survey rate per department and category', () => {
    const report = csatReport(facts, at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'));
    expect(report.total).toEqual({ sent: 5, answered: 4, satisfied: 2, reopened: 1, responseRate: 0.8, csat: 0.5, reopenRate: 0.25 });
    expect(report.byDepartment.logistics).toEqual({ sent: 4, answered: 3, satisfied: 2, reopened: 1, responseRate: 0.75, csat: 0.6667, reopenRate: 0.3333 });
    expect(report.byCategory['product-quality']).toEqual({ sent: 1, answered: 1, satisfied: 0, reopened: 0, responseRate: 1, csat: 0, reopenRate: 0 });
    expect(csatReport([], at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z')).total).toMatchObject({ responseRate: null, csat: null, reopenRate: null });
  });

  it('reads exactly the months a range touches', () => {
    expect(monthsBetween(at('2026-11-15T00:00:00Z'), at('2027-02-01T00:00:00Z'))).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(monthsBetween(at('2026-12-31T23:00:00Z'), at('2027-01-01T00:00:00.001Z'))).toEqual(['2026-12', '2027-01']);
    expect(monthsBetween(at('2026-11-01T00:00:00Z'), at('2026-11-01T00:00:00Z'))).toEqual([]);
  });
});

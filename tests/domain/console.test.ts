import { describe, expect, it } from 'vitest';
import { lineChart, niceTicks, xLabelIndexes } from '../../functions/domain/console/charts.ts';
import { html } from '../../functions/domain/console/html.ts';
import { reportsCsv } from '../../functions/domain/console/reports.ts';
import { matchesWords, searchKey, searchWords } from '../../functions/domain/console/search.ts';
import { complaintBody, eventsBody, fileSize, inboxBody, LOCAL_PAGE_LIMIT, outboxBody } from '../../functions/domain/console/pages.ts';
import { CONSOLE_TEXT, formatDuration } from '../../functions/domain/console/text.ts';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { applyCustomerEmail } from '../../functions/domain/inbound-mail.ts';
import { ComplaintEventTypeSchema } from '../../functions/domain/complaint-event.ts';
import { RECEIPT_WITHHELD_EVENT, withholdReceipts } from '../../functions/domain/receipt-cap.ts';
import { sweepSla } from '../../functions/domain/sla.ts';
import { formatLocalTime } from '../../functions/domain/time.ts';
import { applyEvent } from '../../functions/domain/lifecycle.ts';
import { applyWebReply } from '../../functions/domain/web-reply.ts';
import { defaultConfig } from '../fixtures/config.ts';

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
  it.each([
    ['yx-4k7m-9qd2', 'YX-4K7M-9QD2'],
    ['YX 4K7M 9QD2', 'YX-4K7M-9QD2'],
    ['yx4k7m9qd2', 'YX-4K7M-9QD2'],
    [' yx - 4k7m - 9qdl ', 'YX-4K7M-9QD1'],
    ['C-OOOO-IIII', 'C-0000-1111'],
  ])('reads the reference %s as %s', (q, ref) => {
    expect(searchKey(q)).toEqual({ kind: 'ref', value: ref });
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

describe('the complaint page timeline', () => {
  const at = new Date('2026-11-23T04:00:00Z');
  const built = createComplaint({ channel: 'email', customer: { id: 'email:abc', email: 'jane@example.com', locale: 'en' }, title: 'Blender broken', description: 'The jar is cracked.' }, defaultConfig, at, '01K0000000000000000000000A');
  if (!built.ok) throw new Error('fixture');
  const withFiles = applyCustomerEmail(
    built.complaint,
    {
      event: 'customer_email',
      text: '',
      messageKey: 'm-1',
      attachments: [
        { name: 'jar <img src=x onerror=alert(1)>.png', contentType: 'image/png', size: 2_621_440, key: 'attachments/01K0000000000000000000000A/0123456789abcdef/1-jar-img-src-x.png' },
        { name: 'setup.exe', contentType: 'application/x-msdownload', size: 900, notKept: 'type_not_allowed' },
      ],
    },
    new Date(at.getTime() + 60_000),
    defaultConfig,
  );
  if (!withFiles.ok) throw new Error('fixture');
  const render = (locale: 'en' | 'zh-CN') =>
    complaintBody({ locale, config: defaultConfig, principal: { id: 'agent:li', kind: 'person', admin: true, departments: [] } as never, csrf: 'c', now: at }, { complaint: withFiles.complaint, repeatedBy: [], allowed: [], formVersion: withFiles.complaint.version }).value;

  it('lists the files a customer emailed, escaped, with type, size and whether each was kept', () => {
    const page = render('en');
    expect(page).toContain('<strong>Email from the customer</strong>');
    // A kept file links to its download, numbered as /console/attachments/<id>/<n> counts kept files.
    // A kept photo is shown too (linked to itself at full size), its name as the picture's text, escaped.
    const src = '/console/attachments/01K0000000000000000000000A/0?view=inline';
    expect(page).toContain(
      `Attachments:<ul class="files"><li><a href="/console/attachments/01K0000000000000000000000A/0" download>jar &lt;img src=x onerror=alert(1)&gt;.png</a> <span class="muted">· image/png · 2.5 MB · stored</span><a href="${src}" target="_blank" rel="noopener"><img class="thumb" src="${src}" alt="jar &lt;img src=x onerror=alert(1)&gt;.png" loading="lazy"></a></li>`,
    );
    // A file not stored is neither linked nor shown.
    expect(page).toContain('<li>setup.exe <span class="muted">· application/x-msdownload · 900 B · not stored: file type not allowed</span></li>');
    expect(page.match(/<img/g)).toHaveLength(1);
    // The storage key is for the store, not for the page.
    expect(page).not.toContain('0123456789abcdef');
    const zh = render('zh-CN');
    expect(zh).toContain('<strong>客户来信</strong>');
    expect(zh).toContain('附件：<ul class="files">');
    expect(zh).toContain('未保存：文件类型不在允许范围内');
  });

  it('names every event a timeline can hold in both languages, never the raw value', () => {
    const events = [...ComplaintEventTypeSchema.options, 'receive', 'customer_replied', 'customer_email', 'sla_warning', 'escalate', 'survey_answered', 'survey_send_failed', RECEIPT_WITHHELD_EVENT];
    for (const locale of ['en', 'zh-CN'] as const) for (const e of events) expect(CONSOLE_TEXT[locale].events[e], `${locale} ${e}`).toBeTruthy();
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(fileSize(bytes)).toBe(text);
  });
});

describe('SLA entries on the complaint page', () => {
  const at = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
  const built = createComplaint({ channel: 'web', customer: { id: 'c-9', email: 'wang@example.com', locale: 'zh-CN' }, title: '快递丢失', description: '快递一直没有到，物流延迟很久' }, defaultConfig, at, '01K0000000000000000000000B');
  if (!built.ok) throw new Error('fixture');
  // Long past the first-response target: every escalation level has come.
  const swept = sweepSla(built.complaint, defaultConfig, new Date(Date.parse(built.complaint.firstResponseDueAt) + 30 * 86_400_000)).complaint;
  const render = (locale: 'en' | 'zh-CN') =>
    complaintBody({ locale, config: defaultConfig, principal: { id: 'agent:li', kind: 'person', admin: true, departments: [] } as never, csrf: 'c', now: at }, { complaint: swept, repeatedBy: [], allowed: [], formVersion: swept.version }).value;

  it('writes each escalation in the reader language, with the contact role as the department names it, marked internal', () => {
    const escalations = swept.timeline.filter((e) => e.event === 'escalate');
    expect(escalations.length).toBeGreaterThan(0);
    const first = escalations[0]!;
    expect(first.sla).toMatchObject({ phase: 'first_response', level: 1, dueAt: built.complaint.firstResponseDueAt });
    const chain = defaultConfig.departments.find((d) => d.id === swept.department)!.escalationChain;
    const zh = render('zh-CN');
    expect(zh).toContain(`首次响应已于 ${formatLocalTime(new Date(first.sla!.dueAt), defaultConfig.company.timeZone, 'zh-CN').replace(/ \(.*\)$/, '')} 超时：升级至第 1 级，${chain[0]!.roleNames!['zh-CN']} ${chain[0]!.name}`);
    expect(zh).not.toContain('first_response');
    expect(zh).not.toContain('对客户可见');
    const en = render('en');
    expect(en).toContain(`First response overdue since`);
    expect(en).toContain(`level 1, ${chain[0]!.roleNames!.en} ${chain[0]!.name} <span class="muted">(internal)</span>`);
  });
});

describe('withheld receipts on the complaint page', () => {
  it('says why in the reader language', () => {
    const at = new Date('2026-11-23T02:00:00Z');
    const built = createComplaint({ channel: 'web', customer: { id: 'c-8', email: 'li@example.com', phone: '+8613900000000', locale: 'zh-CN' }, description: '退款一直没有到账' }, defaultConfig, at, '01K0000000000000000000000C');
    if (!built.ok) throw new Error('fixture');
    const complaint = withholdReceipts(built.complaint, [{ channel: 'sms', reason: 'sms_budget' }, { channel: 'email', reason: 'recipient_cap' }], { perRecipient: 3, smsPerHour: 500, emailsPerHour: null });
    const render = (locale: 'en' | 'zh-CN') =>
      complaintBody({ locale, config: defaultConfig, principal: { id: 'agent:li', kind: 'person', admin: true, departments: [] } as never, csrf: 'c', now: at }, { complaint, repeatedBy: [], allowed: [], formVersion: complaint.version }).value;
    const zh = render('zh-CN');
    expect(zh).toContain('<strong>未发送回执</strong>');
    expect(zh).toContain('短信回执未发送：本小时全公司 500 条回执短信的额度已用完（protection.receiptSmsPerHour）。投诉已照常保存和计数。 <span class="muted">(内部)</span>');
    expect(zh).toContain('邮件回执未发送：该邮箱在过去一小时内已收到 3 条回执');
    expect(zh).not.toContain('Receipt by');
    const en = render('en');
    expect(en).toContain('Receipt by email not sent: this address already had 3 receipts within the last hour');
  });
});

describe('who a note on the complaint page is from and for', () => {
  it('tells agent notes to the customer apart from internal ones, the customer own words and survey answers', () => {
    const at = new Date('2026-11-23T02:00:00Z');
    const built = createComplaint({ channel: 'web', customer: { id: 'c-7', email: 'zhao@example.com', locale: 'zh-CN' }, description: '退款一直没有到账' }, defaultConfig, at, '01K0000000000000000000000D');
    if (!built.ok) throw new Error('fixture');
    const entry = (actor: string, event: string, note: string, internal?: boolean) => ({ at: at.toISOString(), actor, event, status: built.complaint.status, note, ...(internal && { internal }) });
    const complaint = {
      ...built.complaint,
      timeline: [
        ...built.complaint.timeline,
        entry('customer:email', 'customer_replied', '单号是 SF123'),
        entry('survey', 'survey_answered', '评分 2/5'),
        entry('agent:li', 'update', '我们明天致电您'),
        entry('agent:li', 'update', '客户情绪激动', true),
      ],
    };
    const page = complaintBody({ locale: 'zh-CN', config: defaultConfig, principal: { id: 'agent:li', kind: 'person', admin: true, departments: [] } as never, csrf: 'c', now: at }, { complaint, repeatedBy: [], allowed: [], formVersion: complaint.version }).value;
    expect(page).toContain('单号是 SF123 <span class="muted">(客户原话)</span>');
    expect(page).toContain('评分 2/5 <span class="muted">(来自满意度调查)</span>');
    expect(page).toContain('我们明天致电您 <span class="muted">(对客户可见)</span>');
    expect(page).toContain('客户情绪激动 <span class="muted">(内部)</span>');
  });
});

describe("the customer's local time on the complaint page", () => {
  const at = new Date('2026-11-23T04:40:00Z'); // 12:40 in Shanghai, 23:40 the evening before in New York
  const page = (timeZone: string | undefined) => {
    const built = createComplaint({ channel: 'email', customer: { id: 'email:x', email: 'jane@example.com', locale: 'en', ...(timeZone && { timeZone }) }, description: 'The jar is cracked.' }, defaultConfig, at, '01K0000000000000000000000E');
    if (!built.ok) throw new Error('fixture');
    return complaintBody({ locale: 'en', config: defaultConfig, principal: { id: 'agent:li', kind: 'person', admin: true, departments: [] } as never, csrf: 'c', now: at }, { complaint: built.complaint, repeatedBy: [], allowed: [], formVersion: 1 }).value;
  };

  it('shows it where their clock differs from the company one', () => {
    expect(page('Etc/GMT+5')).toContain("<dt>Customer&#39;s local time</dt><dd>2026-11-22 23:40 (GMT-5)</dd>");
    expect(page('America/New_York')).toContain("<dt>Customer&#39;s local time</dt><dd>2026-11-22 23:40 (America/New_York)</dd>");
  });

  it('leaves it out when it is the company time or unknown', () => {
    expect(page('Etc/GMT-8')).not.toContain('local time');
    expect(page('Asia/Hong_Kong')).not.toContain('local time');
    expect(page(undefined)).not.toContain('local time');
  });
});

describe('the inbox marks complaints the customer answered', () => {
  const t0 = new Date('2026-11-23T02:00:00.000Z');
  const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const created = createComplaint({ channel: 'phone', customer: { id: 'c-mark', phone: '+8613900000009' }, description: '包裹破损' }, defaultConfig, t0, '01K0000000000000000000000M');
  if (!created.ok) throw new Error('fixture');
  const step = (c: typeof created.complaint, type: 'acknowledge' | 'wait_on_customer' | 'update' | 'resolve', minutes: number) => {
    const r = applyEvent(c, { type, actor: 'agent:li', ...(type !== 'acknowledge' && { note: 'Please send a photo.' }) }, later(minutes), defaultConfig);
    if (!r.ok) throw new Error(type);
    return r.complaint;
  };
  const waiting = step(step(created.complaint, 'acknowledge', 1), 'wait_on_customer', 2);
  const replied = applyWebReply(waiting, { text: 'Photo attached', messageId: 'web:abc' }, later(30), defaultConfig);
  if (!replied.ok) throw new Error('reply');
  const statusOf = (c: typeof created.complaint, locale: 'en' | 'zh-CN' = 'en') => {
    const page = inboxBody({ locale, config: defaultConfig, principal: { id: 'agent:li', kind: 'person', admin: true, departments: [] } as never, csrf: 'c', now: later(60) }, { filters: {}, items: [c] }).value;
    return /<td data-label="(?:Status|状态)">(.*?)<\/td>/.exec(page)?.[1];
  };

  it('after a reply by the customer, until a person acts; entries the system writes in between do not count as an answer', () => {
    expect(statusOf(waiting)).toBe('Waiting on customer');
    expect(statusOf(replied.complaint)).toBe('In progress<br><strong>Customer replied</strong>');
    expect(statusOf(replied.complaint, 'zh-CN')).toBe('处理中<br><strong>客户已回复</strong>');
    const withSystemEntry = { ...replied.complaint, timeline: [...replied.complaint.timeline, { at: later(40).toISOString(), actor: 'system:sla', event: 'sla_warning', status: replied.complaint.status, internal: true }] };
    expect(statusOf(withSystemEntry)).toBe('In progress<br><strong>Customer replied</strong>');
    expect(statusOf(step(replied.complaint, 'update', 45))).toBe('In progress');
  });

  it('not on a new complaint, nor on one resolved after the reply', () => {
    expect(statusOf(created.complaint)).toBe('Received');
    expect(statusOf(step(replied.complaint, 'resolve', 50))).toBe('Resolved');
  });
});

describe('the local outbox and events pages', () => {
  const ctxOf = (locale: 'zh-CN' | 'en') => ({ locale, config: defaultConfig, principal: { id: 'agent:li', kind: 'person', admin: true, departments: [] } as never, csrf: 'c', now: new Date('2026-12-04T02:00:00Z') });
  const messages = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `msg-${i}`, channel: 'email' as const, to: `c${i}@example.com`, subject: `Subject ${i}`, body: `Body ${i}`, kind: 'progress', at: new Date(Date.UTC(2026, 11, 4, 0, i)).toISOString() }));

  it.each(['zh-CN', 'en'] as const)('show the newest %s messages and events first, at most LOCAL_PAGE_LIMIT, saying how many there are', (locale) => {
    const all = outboxBody(ctxOf(locale), messages(LOCAL_PAGE_LIMIT + 7)).value;
    expect(all.match(/<article /g)).toHaveLength(LOCAL_PAGE_LIMIT);
    expect(all.indexOf(`c${LOCAL_PAGE_LIMIT + 6}@example.com`)).toBeLessThan(all.indexOf(`c${LOCAL_PAGE_LIMIT + 5}@example.com`));
    expect(all).not.toContain('c6@example.com<');
    expect(all).toContain(CONSOLE_TEXT[locale].outbox.newest(LOCAL_PAGE_LIMIT, LOCAL_PAGE_LIMIT + 7));
    const few = outboxBody(ctxOf(locale), messages(3)).value;
    expect(few.match(/<article /g)).toHaveLength(3);
    expect(few).not.toContain('GET /local/outbox');
    const events = Array.from({ length: LOCAL_PAGE_LIMIT + 1 }, (_, i) => ({ detailType: `complaint.received`, time: new Date(Date.UTC(2026, 11, 4, 0, i)).toISOString(), detail: { complaintId: `c-${i}` } }));
    const eventsPage = eventsBody(ctxOf(locale), events).value;
    expect(eventsPage.match(/<article /g)).toHaveLength(LOCAL_PAGE_LIMIT);
    expect(eventsPage).toContain(`c-${LOCAL_PAGE_LIMIT}<`);
    expect(eventsPage).not.toContain('>c-0<');
    expect(eventsPage).toContain(CONSOLE_TEXT[locale].domainEvents.newest(LOCAL_PAGE_LIMIT, LOCAL_PAGE_LIMIT + 1));
  });
});

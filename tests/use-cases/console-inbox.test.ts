import { describe, expect, it } from 'vitest';
import { createComplaint, customerSpokeLast, type Complaint, type TimelineEntry } from '../../functions/domain/complaint.ts';
import { inboxBody } from '../../functions/domain/console/pages.ts';
import { SEARCH_MAX_PER_DEPARTMENT, SEARCH_RECENT_DAYS } from '../../functions/domain/console/search.ts';
import { CONSOLE_TEXT } from '../../functions/domain/console/text.ts';
import type { ComplaintRepository } from '../../functions/ports/complaint-repository.ts';
import { loadInbox } from '../../functions/use-cases/console-queries.ts';
import { defaultConfig } from '../fixtures/config.ts';

const now = new Date('2026-12-04T08:00:00.000Z');
const admin = { id: 'agent:li', kind: 'user' as const, admin: true, departments: [] as string[] };

let n = 0;
function complaint(entries: Array<Pick<TimelineEntry, 'actor' | 'event'>>, status: Complaint['status'] = 'in_progress'): Complaint {
  n += 1;
  const made = createComplaint({ channel: 'web', customer: { id: `cust-${n}`, email: `c${n}@example.com` }, title: `Parcel ${n}`, description: 'My parcel is late.', category: 'logistics-delay' }, defaultConfig, new Date(now.getTime() - n * 3_600_000), `01KREPL1ED0000000000000${String(n).padStart(3, '0')}`);
  if (!made.ok) throw new Error('fixture');
  const timeline = [...made.complaint.timeline, ...entries.map((e, i) => ({ ...e, at: new Date(now.getTime() - 60_000 + i).toISOString(), status })) as TimelineEntry[]];
  return { ...made.complaint, status, timeline };
}

const replied = complaint([{ actor: 'agent:li', event: 'wait_on_customer' }, { actor: 'customer:email', event: 'customer_replied' }]);
const answered = complaint([{ actor: 'customer:web', event: 'customer_web_reply' }, { actor: 'agent:li', event: 'start' }]);
const resolved = complaint([{ actor: 'agent:li', event: 'resolve' }, { actor: 'customer:email', event: 'customer_email' }], 'resolved');
const repliedThenWarned = complaint([{ actor: 'customer:web', event: 'customer_web_reply' }, { actor: 'system:sla', event: 'sla_warning' }]);
const reopened = complaint([{ actor: 'survey', event: 'reopen' }], 'reopened');

describe('"Customer replied only" in the inbox', () => {
  it('marks the open complaints whose customer spoke last, whatever the system wrote after', () => {
    expect([replied, answered, resolved, repliedThenWarned, reopened].map(customerSpokeLast)).toEqual([true, false, false, true, true]);
  });

  it('lists only those, newest first, read as far as a word search reads', async () => {
    const calls: Array<{ since?: Date; limit: number; maxRead: number }> = [];
    const complaints = {
      newestInDepartment: async (department: string, filter: { since?: Date }, _before: string | undefined, limit: number, maxRead: number) => {
        calls.push({ ...(filter.since && { since: filter.since }), limit, maxRead });
        return [replied, answered, resolved, repliedThenWarned, reopened].filter((c) => c.department === department);
      },
    } as unknown as ComplaintRepository;
    const page = await loadInbox({ replied: true }, admin, { config: defaultConfig, clock: { now: () => now }, complaints });
    expect(page.items.map((c) => c.id)).toEqual([replied.id, repliedThenWarned.id, reopened.id]);
    expect(page.next).toBeUndefined();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toEqual({ since: new Date(now.getTime() - SEARCH_RECENT_DAYS * 86_400_000), limit: SEARCH_MAX_PER_DEPARTMENT, maxRead: SEARCH_MAX_PER_DEPARTMENT });
  });

  it.each(['zh-CN', 'en'] as const)('is a checkbox of the filter form in %s, kept checked, and the reach note names it', (locale) => {
    const ctx = { locale, config: defaultConfig, principal: admin as never, csrf: 'c', now };
    const t = CONSOLE_TEXT[locale].inbox;
    const checked = inboxBody(ctx, { filters: { replied: true }, items: [replied] }).value;
    expect(checked).toContain(`<input type="checkbox" name="replied" value="1" checked> ${t.replied}`);
    expect(inboxBody(ctx, { filters: {}, items: [] }).value).toContain(`<input type="checkbox" name="replied" value="1"> ${t.replied}`);
    expect(t.reach(30, 1000)).toContain(t.replied);
  });
});

import type { Complaint } from './complaint.ts';
import type { Locale, PipelineConfig } from './config.ts';
import { escapeHtml, truncate } from './escape.ts';
import type { DomainEvent } from './events.ts';
import { progressStepOf, type ProgressStep } from './lifecycle.ts';
import type { EmailMessage, OutboundMessage, SmsMessage } from './messages.ts';
import { emailOptOutFooter, listUnsubscribeHeaders, smsWithOptOut } from './opt-out.ts';
import { progressTemplates, type ProgressContext } from './templates/progress.ts';
import { formatLocalTime } from './time.ts';

/** The customer's language: theirs when we ship it, else the company default. */
export function customerLocale(complaint: Complaint, config: PipelineConfig): Locale {
  const wanted = complaint.customer.locale;
  return wanted && config.locales.includes(wanted) ? wanted : config.defaultLocale;
}

/** Which due time a step promises the customer. */
function promisedDue(step: ProgressStep, complaint: Complaint): string | undefined {
  if (step === 'received' || step === 'reopened') return complaint.firstResponseDueAt;
  if (step === 'acknowledged') return complaint.resolutionDueAt;
  return undefined;
}

/**
 * The messages a customer gets for timeline entry `index`: none for internal or system entries;
 * otherwise an email when they gave an address and an SMS when they gave a phone — only the
 * preferred one (email) unless the config asks for both. Ids are deterministic per entry and channel.
 * Every message carries the opt-out: the email a footer (with the unsubscribe link and List-Unsubscribe
 * headers when `optOut.unsubscribeUrl` is given), the SMS the STOP wording.
 */
export function renderProgress(complaint: Complaint, index: number, config: PipelineConfig, optOut: { unsubscribeUrl?: string } = {}): OutboundMessage[] {
  const entry = complaint.timeline[index];
  const step = entry && progressStepOf(entry);
  if (!entry || !step) return [];
  const locale = customerLocale(complaint, config);
  const t = progressTemplates[locale];
  const template = t.steps[step];
  const category = config.categories.find((c) => c.id === complaint.category);
  const department = config.departments.find((d) => d.id === complaint.department);
  const due = promisedDue(step, complaint);
  const ctx: ProgressContext = {
    reference: complaint.id,
    ...(complaint.customer.name && { customerName: complaint.customer.name }),
    title: truncate(complaint.title ?? complaint.description, 60),
    categoryName: category?.name[locale] ?? complaint.category,
    departmentName: department?.name ?? complaint.department,
    company: config.company.name,
    ...(due && { dueText: formatLocalTime(new Date(due), config.company.timeZone, locale) }),
    // What the agent asks the customer for travels with the waiting message, so they can answer it.
    ...((step === 'update' || step === 'waiting_on_customer') && entry.note && { note: entry.note }),
  };
  const paragraphs = [t.greeting(ctx.customerName), ...template.body(ctx), ...(ctx.note ? [t.noteLabel, ctx.note] : []), t.signature(ctx.company)];
  const base = { kind: 'progress' as const, complaintId: complaint.id };
  const idBase = `${complaint.id}:t${index}:progress`;
  const { email, phone } = complaint.customer;
  const wantsBoth = config.customerNotifications.channels === 'all';
  const messages: OutboundMessage[] = [];
  if (email) {
    const footer = emailOptOutFooter(locale, optOut.unsubscribeUrl);
    const headers = listUnsubscribeHeaders(optOut.unsubscribeUrl);
    const message: EmailMessage = {
      ...base,
      id: `${idBase}:email`,
      channel: 'email',
      to: email,
      subject: template.subject(ctx),
      text: [...paragraphs, ...footer.text].join('\n\n'),
      html: `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif;line-height:1.5">${paragraphs
        .map((p) => `<p>${escapeHtml(p)}</p>`)
        .join('')}${footer.html}</body></html>`,
      ...(headers && { headers }),
    };
    messages.push(message);
  }
  if (phone && (!email || wantsBoth)) {
    const message: SmsMessage = { ...base, id: `${idBase}:sms`, channel: 'sms', to: phone, text: smsWithOptOut(template.sms(ctx), locale) };
    messages.push(message);
  }
  return messages;
}

/**
 * Domain events for the timeline entries from `fromIndex` on: `complaint.received` for the receipt,
 * `complaint.status_changed` for each status change, and `complaint.resolved` on resolution.
 */
export function complaintEvents(complaint: Complaint, fromIndex: number): DomainEvent[] {
  const events: DomainEvent[] = [];
  const base = { complaintId: complaint.id, category: complaint.category, department: complaint.department, severity: complaint.severity };
  complaint.timeline.forEach((entry, i) => {
    if (i < fromIndex) return;
    const previous = complaint.timeline[i - 1];
    if (entry.event === 'receive') {
      events.push({ type: 'complaint.received', id: `${complaint.id}:t${i}:received`, time: entry.at, detail: { ...base, channel: complaint.channel, receivedAt: complaint.receivedAt, repeatOf: complaint.repeatOf ?? null } });
      return;
    }
    if (previous && previous.status !== entry.status) {
      events.push({ type: 'complaint.status_changed', id: `${complaint.id}:t${i}:status`, time: entry.at, detail: { ...base, from: previous.status, to: entry.status, event: entry.event, actor: entry.actor } });
    }
    if (entry.event === 'resolve') {
      events.push({
        type: 'complaint.resolved',
        id: `${complaint.id}:t${i}:resolved`,
        time: entry.at,
        detail: { ...base, resolvedAt: entry.at, receivedAt: complaint.receivedAt, firstContactResolution: complaint.firstContactResolution ?? null, escalationLevel: complaint.escalationLevel },
      });
    }
  });
  return events;
}

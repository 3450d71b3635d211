import { noteAudience, type Complaint, type TimelineEntry } from './complaint.ts';
import type { Locale, PipelineConfig } from './config.ts';
import type { DomainEvent } from './events.ts';
import { progressStepOf, type ProgressStep } from './lifecycle.ts';
import { progressRecipients } from './progress-channels.ts';
import { emailFor, muted, p, quote, smsFor, smsWording, strong, user, type Block, type Inline } from './message-render.ts';
import type { OutboundMessage } from './messages.ts';
import { categoryName, companyName, departmentName, referenceOf } from './names.ts';
import { listUnsubscribeHeaders, optOutBlocks, smsWithOptOut } from './opt-out.ts';
import { fitSms, SMS_BUDGET } from './sms.ts';
import { progressTemplates, type ProgressContext } from './templates/progress.ts';
import { cleanUserText, clip } from './text.ts';
import { formatNamedTime, formatShortTime, formatWithin } from './time.ts';

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

/** The customer's time zone: theirs when they gave one, else the company's. */
export function customerTimeZone(complaint: Complaint, config: PipelineConfig): string {
  return complaint.customer.timeZone ?? config.company.timeZone;
}

/**
 * The public note of a timeline entry: what an agent wrote for the customer. Internal entries never
 * get here; notes the system or the survey wrote (in the agents' words) and the customer's own
 * replies are not for the customer.
 */
export function publicNote(entry: TimelineEntry): string | undefined {
  // The customer's own words (an email reply) are theirs, not a note to them: never echoed back.
  if (!entry.note || noteAudience(entry) !== 'customer') return undefined;
  return cleanUserText(entry.note);
}

/** Splits a paragraph around the user text it quotes, so the HTML can isolate that text. */
function quoting(paragraph: string, quoted: readonly string[]): Inline[] {
  for (const q of quoted) {
    const at = q ? paragraph.indexOf(q) : -1;
    if (at >= 0) return [...quoting(paragraph.slice(0, at), quoted), user(q), ...quoting(paragraph.slice(at + q.length), quoted)].filter((x) => x !== '');
  }
  return [paragraph];
}

/** Longest agent note an SMS quotes before shortening it to its budget. */
const SMS_NOTE_MAX = 120;

/** The span from the step to its promise, so a reader in any time zone knows when: `{ dueWithin: '19 hours' }`. */
function withinOf(ms: number, locale: string): { dueWithin?: string } {
  const within = formatWithin(ms, locale);
  return within ? { dueWithin: within } : {};
}

/**
 * The messages a customer gets for timeline entry `index`, one per recipient of
 * {@link progressRecipients}: none for internal or system entries; otherwise an email when they gave
 * an address and an SMS when they gave a phone — only the preferred one (email) unless the config
 * asks for both. Ids are deterministic per entry and channel.
 * Every message names the complaint by its short reference, gives due times in the customer's time
 * zone, and carries the agent's public note (in full in the email, shortened to the segment budget
 * in the SMS). Every message carries the opt-out: the email a footer (with the unsubscribe link and
 * List-Unsubscribe headers when `links.unsubscribeUrl` is given), the SMS the STOP wording. The
 * "waiting on you" and "resolved" SMS carry `links.replyUrl` when given (the customer's reply page; an email is
 * answered by email), whole: the note is shortened to make room for it, within a budget of its own.
 */
export function renderProgress(complaint: Complaint, index: number, config: PipelineConfig, links: { unsubscribeUrl?: string; replyUrl?: string } = {}): OutboundMessage[] {
  const entry = complaint.timeline[index];
  const step = entry && progressStepOf(entry);
  if (!entry || !step) return [];
  const locale = customerLocale(complaint, config);
  const t = progressTemplates[locale];
  const template = t.steps[step];
  const department = config.departments.find((d) => d.id === complaint.department);
  const due = promisedDue(step, complaint);
  const timeZone = customerTimeZone(complaint, config);
  // The receipt is the one message anyone can cause (the intake is public, to any address): it
  // quotes nothing the sender wrote, neither a name nor a title, so it cannot carry someone's text.
  const customerName = complaint.customer.name && step !== 'received' ? cleanUserText(complaint.customer.name) : undefined;
  const ctx: ProgressContext = {
    reference: referenceOf(complaint),
    ...(customerName && { customerName }),
    title: clip(cleanUserText(complaint.title ?? complaint.description), 60),
    categoryName: categoryName(config, complaint.category, locale),
    departmentName: departmentName(department, locale, complaint.department),
    company: companyName(config, locale),
    ...(due && { dueText: formatNamedTime(new Date(due), timeZone, locale), dueShort: formatShortTime(new Date(due), timeZone, locale) }),
    ...(due && withinOf(Date.parse(due) - Date.parse(entry.at), locale)),
    ...(entry.event === 'customer_replied' && { afterReply: true }),
    ...(step === 'acknowledged' && complaint.timeline.slice(0, index).some((e) => e.event === 'reopen') && { afterReopen: true }),
  };
  const note = publicNote(entry);
  const quoted = [ctx.title, ...(customerName ? [customerName] : [])];
  const blocks: Block[] = [
    p(...quoting(t.greeting(ctx.customerName), quoted)),
    ...template.body(ctx).map((line) => p(...quoting(line, quoted))),
    ...(note ? [p(strong(t.noteLabel)), quote(user(note))] : []),
    p(t.signature(ctx.company)),
    muted(t.referenceLine(ctx.reference)),
  ];
  const base = { kind: 'progress' as const, complaintId: complaint.id };
  const idBase = `${complaint.id}:t${index}:progress`;
  return progressRecipients(complaint, index, config).map(({ channel, to }) => {
    if (channel === 'email') {
      const headers = listUnsubscribeHeaders(links.unsubscribeUrl);
      return emailFor({
        ...base,
        id: `${idBase}:email`,
        to,
        locale,
        subject: template.subject(ctx),
        blocks: [...blocks, ...optOutBlocks(locale, links.unsubscribeUrl)],
        ...(headers && { headers }),
      });
    }
    const replyUrl = REPLY_LINK_STEPS.has(step) ? links.replyUrl : undefined;
    const smsCtx = replyUrl ? { ...ctx, replyUrl } : ctx;
    const budget = progressSmsBudget(locale, Boolean(replyUrl));
    const text = fitSms((n) => smsWithOptOut(smsWording(template.sms(smsCtx, n), locale), locale), note ? smsWording(clip(note, SMS_NOTE_MAX), locale) : '', budget, locale === 'en' ? '...' : '…');
    return smsFor({ ...base, id: `${idBase}:sms`, to, locale, text });
  });
}

/** The steps whose SMS carries the customer's reply link: the request for information, and the resolution ("not solved? tell us"). */
export const REPLY_LINK_STEPS: ReadonlySet<ProgressStep> = /* @__PURE__ */ new Set(['waiting_on_customer', 'resolved']);

/** Segments a customer progress SMS may take: one more (two in English, three in Chinese) when it carries a reply link. */
export function progressSmsBudget(locale: Locale, withReplyLink: boolean): number {
  if (withReplyLink) return locale === 'en' ? SMS_BUDGET.progressReplyLinkEn : SMS_BUDGET.progressReplyLinkZh;
  return locale === 'en' ? SMS_BUDGET.progressEn : SMS_BUDGET.progressZh;
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
    if (entry.recategorized) {
      events.push({ type: 'complaint.recategorized', id: `${complaint.id}:t${i}:recategorized`, time: entry.at, detail: { ...base, ...entry.recategorized.to, from: entry.recategorized.from, actor: entry.actor } });
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

/**
 * SLA warnings and escalations as people receive them: grouped per recipient and sweep, so 55
 * overdue complaints make one email (and at most one SMS) per person, not 55. Pure: the sweeper
 * decides what the SMS may do (quiet hours, hourly ceiling) and hands the decision in.
 */
import type { Complaint } from './complaint.ts';
import { personLocale, type Contact, type Department, type Locale, type PipelineConfig } from './config.ts';
import { consoleComplaintUrl, consoleListUrl } from './console-links.ts';
import type { DomainEvent } from './events.ts';
import { a, action, detail, emailFor, p, smsFor, ul, type Block, type Inline } from './message-render.ts';
import type { OutboundMessage } from './messages.ts';
import { categoryName, departmentName, departmentNameById, referenceOf, roleName } from './names.ts';
import type { SlaStep } from './sla.ts';
import { riskMark } from './templates/triage.ts';
import { SMS_BUDGET, smsSegments } from './sms.ts';
import { enumLabels } from './templates/labels.ts';
import { slaTexts, type DepartmentCounts, type SlaGroupContext, type SlaLine } from './templates/sla.ts';
import { formatDuration, formatShortTime } from './time.ts';

/** Complaints listed in full in a grouped message; the rest are counted with a link to the list. */
export const SLA_LIST_IN_FULL = 5;

/** One complaint's step, as the sweeper planned it. */
export interface SlaItem {
  readonly complaint: Complaint;
  readonly step: SlaStep;
}

/** Everything one person hears about in one sweep. */
export interface SlaRecipientGroup {
  /** The person, keyed by email address. */
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  /** Their department (the first one, in config order, with something for them): quiet hours. */
  readonly department: Department;
  /** The language of their messages: their own `locale`, else that department's. */
  readonly locale: Locale;
  /** The role they hold in that department's chain, when they are escalated to. */
  readonly role?: Department['escalationChain'][number];
  readonly escalations: SlaItem[];
  readonly warnings: SlaItem[];
}

/**
 * Groups a sweep's steps by recipient: warnings go to the department head, each escalation level to
 * that level's person. A person who is head of one department and director of several gets one group.
 */
export function groupSlaSteps(planned: ReadonlyArray<{ complaint: Complaint; steps: readonly SlaStep[] }>, config: PipelineConfig): SlaRecipientGroup[] {
  const groups = new Map<string, { name: string; email: string; phone: string; spoken: Locale | undefined; department: Department; role?: SlaRecipientGroup['role']; escalations: SlaItem[]; warnings: SlaItem[] }>();
  const order = (d: Department) => config.departments.indexOf(d);
  const groupOf = (person: Contact, department: Department) => {
    let g = groups.get(person.email);
    if (!g) {
      g = { name: person.name, email: person.email, phone: person.phone, spoken: person.locale, department, escalations: [], warnings: [] };
      groups.set(person.email, g);
    } else if (order(department) < order(g.department)) g.department = department;
    return g;
  };
  for (const { complaint, steps } of planned) {
    const department = config.departments.find((d) => d.id === complaint.department);
    if (!department) continue;
    for (const step of steps) {
      if (step.kind === 'warning') groupOf(department.head, department).warnings.push({ complaint, step });
      else {
        const g = groupOf(step.contact, department);
        g.role ??= step.contact;
        g.escalations.push({ complaint, step });
      }
    }
  }
  const late = (i: SlaItem) => Date.parse(i.step.dueAt);
  return [...groups.values()].map(({ spoken, ...g }) => ({
    ...g,
    locale: personLocale({ locale: spoken }, g.department),
    escalations: g.escalations.sort((x, y) => late(x) - late(y)),
    warnings: g.warnings.sort((x, y) => late(x) - late(y)),
  }));
}

/** What may happen to a group's SMS this sweep. */
export type SlaSmsDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'send' }
  /** Quiet hours: held until `until` and summarised once then. */
  | { readonly kind: 'held'; readonly until: Date }
  /** The hourly ceiling is reached: email only. */
  | { readonly kind: 'over_quota'; readonly perHour: number };

/** Message ids: one email and one SMS per recipient per sweep. */
export function slaMessageIds(group: Pick<SlaRecipientGroup, 'email' | 'phone'>, sweepId: string): { email: string; sms: string } {
  return { email: `sla:${sweepId}:${group.email}:email`, sms: `sla:${sweepId}:${group.phone}:sms` };
}

/** What a line says beyond the complaint itself: its level and department when the message covers several. */
interface LineShows {
  readonly level?: boolean;
  readonly department?: boolean;
}

function lineOf(item: SlaItem, locale: Locale, config: PipelineConfig, now: Date, shows: LineShows = {}): SlaLine {
  const labels = enumLabels[locale];
  const span = item.step.kind === 'escalation' ? now.getTime() - Date.parse(item.step.dueAt) : Date.parse(item.step.dueAt) - now.getTime();
  return {
    reference: referenceOf(item.complaint),
    category: categoryName(config, item.complaint.category, locale),
    severity: labels.severity[item.complaint.severity],
    phase: labels.phase[item.step.phase],
    span: formatDuration(span, locale),
    ...(shows.level && item.step.kind === 'escalation' && { level: item.step.level }),
    ...(shows.department && { department: departmentNameById(config, item.complaint.department, locale) }),
  };
}

function itemBlocks(items: readonly SlaItem[], kind: 'escalation' | 'warning', locale: Locale, config: PipelineConfig, now: Date, base: string | undefined, listUrl: string | undefined): Block[] {
  const t = slaTexts[locale];
  const levels = new Set(items.map((i) => (i.step.kind === 'escalation' ? i.step.level : 0)));
  const departments = new Set(items.map((i) => i.complaint.department));
  const lines: Array<readonly Inline[]> = items.slice(0, SLA_LIST_IN_FULL).map((item) => {
    const line = lineOf(item, locale, config, now, { level: levels.size > 1, department: departments.size > 1 });
    const url = base && consoleComplaintUrl(base, item.complaint.id);
    // The reference is the link to act on that complaint; its details go on the line below.
    // A complaint marked as an escalation risk says so on its line.
    const mark = riskMark(item.complaint, locale);
    return [url ? a(line.reference, url) : line.reference, detail(mark ? `${mark} · ${t.line(line, kind)}` : t.line(line, kind))];
  });
  const rest = items.length - SLA_LIST_IN_FULL;
  if (rest > 0) lines.push(listUrl ? [a(t.more(rest), listUrl)] : [t.more(rest)]);
  return [ul(lines)];
}

/** The departments of `items` in config order, each named in `locale` with its count. */
function departmentCounts(items: readonly SlaItem[], config: PipelineConfig, locale: Locale): DepartmentCounts {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.complaint.department, (counts.get(i.complaint.department) ?? 0) + 1);
  return config.departments.filter((d) => counts.has(d.id)).map((d) => ({ name: departmentName(d, locale), count: counts.get(d.id)! }));
}

/**
 * The department a list link filters by: the one department of `items`, else none. The console's
 * lists filter by one department, so a list spanning several links unfiltered: the person's groups
 * already limit it to what they may see.
 */
function onlyDepartment(items: readonly SlaItem[]): string | undefined {
  const ids = new Set(items.map((i) => i.complaint.department));
  return ids.size === 1 ? [...ids][0] : undefined;
}

/**
 * One recipient's email (and SMS, when the decision allows) for one sweep: escalations first, then
 * warnings; the first few complaints in full, the rest counted with a link to the filtered list in
 * the operations console; the one link to act (the complaint, or the list); a word when the SMS is
 * held for quiet hours or past the hourly ceiling.
 * @param base public base URL of the console, when known
 */
export function renderSlaGroup(group: SlaRecipientGroup, sweepId: string, sms: SlaSmsDecision, config: PipelineConfig, now: Date, base?: string): OutboundMessage[] {
  const locale = group.locale;
  const t = slaTexts[locale];
  const ids = slaMessageIds(group, sweepId);
  const all = [...group.escalations, ...group.warnings];
  if (!all.length) return [];
  const covered = departmentCounts(all, config, locale);
  const levels = new Set(group.escalations.map((i) => (i.step.kind === 'escalation' ? i.step.level : 0)));
  const first = all[0]!;
  const ctx: SlaGroupContext = {
    name: group.name,
    ...(group.role && group.escalations.length && { role: roleName(group.role, locale) }),
    department: t.departments(covered.map((d) => d.name)),
    escalations: group.escalations.length,
    warnings: group.warnings.length,
    ...(levels.size === 1 && group.escalations.length && { level: [...levels][0]! }),
    first: lineOf(first, locale, config, now),
  };
  const single = all.length === 1;
  const subject = single ? (group.escalations.length ? t.subjectSingleEscalation(ctx) : t.subjectSingleWarning(ctx)) : t.subjectGroup(ctx);
  const escalationList = base ? consoleListUrl(base, { department: onlyDepartment(group.escalations), overdue: true }) : undefined;
  const warningList = base ? consoleListUrl(base, { department: onlyDepartment(group.warnings), sla: true }) : undefined;
  const blocks: Block[] = [p(t.hello(ctx))];
  if (group.escalations.length) blocks.push(p(t.escalationsIntro(group.escalations.length, ctx.level, departmentCounts(group.escalations, config, locale))), ...itemBlocks(group.escalations, 'escalation', locale, config, now, base, escalationList));
  if (group.warnings.length) blocks.push(p(t.warningsIntro(group.warnings.length, departmentCounts(group.warnings, config, locale))), ...itemBlocks(group.warnings, 'warning', locale, config, now, base, warningList));
  if (sms.kind === 'held') blocks.push(p(t.smsHeld(formatShortTime(sms.until, group.department.quietHours?.timeZone ?? config.company.timeZone, locale))));
  if (sms.kind === 'over_quota') blocks.push(p(t.smsOverQuota(sms.perHour)));
  const actUrl = base && (single ? consoleComplaintUrl(base, first.complaint.id) : group.escalations.length ? escalationList : warningList);
  if (actUrl) blocks.push(action(single ? t.openOne : t.openList(all.length), actUrl));
  const complaintId = single ? { complaintId: first.complaint.id } : {};
  const messages: OutboundMessage[] = [emailFor({ id: ids.email, kind: group.escalations.length ? 'escalation' : 'sla_warning', to: group.email, locale, subject, blocks, ...complaintId })];
  if (sms.kind === 'send' && group.escalations.length) {
    const smsCtx: SlaGroupContext = { ...ctx, department: t.departments(departmentCounts(group.escalations, config, locale).map((d) => d.name)), first: lineOf(group.escalations[0]!, locale, config, now) };
    const smsUrl = base && (group.escalations.length === 1 ? consoleComplaintUrl(base, group.escalations[0]!.complaint.id) : escalationList);
    const build = (link: string) => (group.escalations.length === 1 ? t.smsSingle(smsCtx, link) : t.smsGroup(smsCtx, link));
    // The link goes when it fits the budget (never cut short); the email carries it anyway.
    const linked = smsUrl ? build(t.linkSuffix(smsUrl)) : '';
    const text = linked && smsSegments(linked) <= SMS_BUDGET.staff ? linked : build('');
    messages.push(smsFor({ id: ids.sms, kind: 'escalation', to: group.phone, locale, text, ...(group.escalations.length === 1 && { complaintId: group.escalations[0]!.complaint.id }) }));
  }
  return messages;
}

/**
 * The one SMS that sums up what quiet hours held for a person; its link is the overdue list of the
 * held complaints' department, or of every department they may see when there were several.
 */
export function renderHeldSlaSummary(held: { to: string; locale: Locale; departments: readonly string[]; escalations: number; sendAt: string }, config: PipelineConfig, base?: string): OutboundMessage {
  const t = slaTexts[held.locale];
  const departments = new Set(held.departments);
  const url = base ? consoleListUrl(base, { department: departments.size === 1 ? [...departments][0] : undefined, overdue: true }) : '';
  const linked = url ? t.smsHeldSummary(held.escalations, t.linkSuffix(url)) : '';
  const text = linked && smsSegments(linked) <= SMS_BUDGET.staff ? linked : t.smsHeldSummary(held.escalations, '');
  return smsFor({ id: `sla-held:${held.to}:${held.sendAt}:sms`, kind: 'escalation', to: held.to, locale: held.locale, text });
}

/** `complaint.sla_warning` and `complaint.escalated` events for the steps taken. */
export function slaEvents(complaint: Complaint, steps: readonly SlaStep[], at: Date): DomainEvent[] {
  return steps.map((step) =>
    step.kind === 'warning'
      ? { type: 'complaint.sla_warning', id: `${complaint.id}:${step.phase}:${step.dueAt}:warning`, time: at.toISOString(), detail: { complaintId: complaint.id, department: complaint.department, phase: step.phase, dueAt: step.dueAt } }
      : {
          type: 'complaint.escalated',
          id: `${complaint.id}:${step.phase}:${step.dueAt}:L${step.level}`,
          time: at.toISOString(),
          detail: { complaintId: complaint.id, department: complaint.department, phase: step.phase, dueAt: step.dueAt, level: step.level, role: step.contact.role },
        },
  );
}

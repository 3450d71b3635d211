import type { Complaint } from './complaint.ts';
import type { PipelineConfig } from './config.ts';
import { escapeHtml, truncate } from './escape.ts';
import type { DomainEvent } from './events.ts';
import type { OutboundMessage } from './messages.ts';
import type { SlaStep } from './sla.ts';
import { formatLocalTime } from './time.ts';
import { riskLine } from './templates/triage.ts';

const PHASE = {
  'zh-CN': { first_response: '首次响应', resolution: '解决' },
  en: { first_response: 'first response', resolution: 'resolution' },
} as const;

/**
 * The department's messages for SLA steps, in the department's language: a warning to the
 * department head by email before the target passes; each escalation level by email and SMS to
 * that level's person. Ids name the complaint, phase, step and level, so each goes once.
 */
export function renderSlaSteps(complaint: Complaint, steps: readonly SlaStep[], config: PipelineConfig): OutboundMessage[] {
  const department = config.departments.find((d) => d.id === complaint.department);
  if (!department) return [];
  const locale = department.locale;
  const title = truncate(complaint.title ?? complaint.description, 60);
  const category = config.categories.find((c) => c.id === complaint.category)?.name[locale] ?? complaint.category;
  // A complaint marked as an escalation risk says so in every department message.
  const risk = riskLine(complaint, locale);
  const riskLines = risk ? [risk] : [];
  const messages: OutboundMessage[] = [];
  for (const step of steps) {
    const due = formatLocalTime(new Date(step.dueAt), config.company.timeZone, locale);
    const phase = PHASE[locale][step.phase];
    const base = { complaintId: complaint.id };
    const idBase = `${complaint.id}:${step.phase}:${step.dueAt}`;
    if (step.kind === 'warning') {
      const subject = locale === 'zh-CN' ? `【SLA 预警】投诉 ${complaint.id} 将于 ${due} 超时（${phase}）` : `[SLA warning] Complaint ${complaint.id} ${phase} due ${due}`;
      const lines =
        locale === 'zh-CN'
          ? [`${department.head.name}，您好：`, `投诉“${title}”（${category}，严重程度 ${complaint.severity}）的${phase}时限即将到期：${due}。`, `当前状态：${complaint.status}。请尽快安排处理，超时后将按升级链通知。`]
          : [`Hello ${department.head.name},`, `Complaint "${title}" (${category}, severity ${complaint.severity}) reaches its ${phase} target at ${due}.`, `Status: ${complaint.status}. Please act now; after the target it escalates along the chain.`];
      lines.push(...riskLines);
      messages.push({ ...base, id: `${idBase}:warning:email`, kind: 'sla_warning', channel: 'email', to: department.head.email, subject, text: lines.join('\n\n'), html: paragraphs(lines) });
      continue;
    }
    const who = step.contact;
    const subject =
      locale === 'zh-CN'
        ? `【投诉升级 L${step.level}】投诉 ${complaint.id} ${phase}已超时`
        : `[Escalation L${step.level}] Complaint ${complaint.id} ${phase} overdue`;
    const lines =
      locale === 'zh-CN'
        ? [`${who.name}（${who.role}），您好：`, `投诉“${title}”（${category}，严重程度 ${complaint.severity}）的${phase}时限已于 ${due} 到期，尚未完成。`, `这是第 ${step.level} 级升级。当前状态：${complaint.status}。`]
        : [`Hello ${who.name} (${who.role}),`, `Complaint "${title}" (${category}, severity ${complaint.severity}) missed its ${phase} target at ${due}.`, `This is escalation level ${step.level}. Status: ${complaint.status}.`];
    lines.push(...riskLines);
    messages.push({ ...base, id: `${idBase}:escalation:L${step.level}:email`, kind: 'escalation', channel: 'email', to: who.email, subject, text: lines.join('\n\n'), html: paragraphs(lines) });
    const sms =
      locale === 'zh-CN'
        ? `【投诉升级L${step.level}】投诉${complaint.id}${phase}已于${due}超时，请处理。`
        : `Escalation L${step.level}: complaint ${complaint.id} ${phase} overdue since ${due}. Please act.`;
    messages.push({ ...base, id: `${idBase}:escalation:L${step.level}:sms`, kind: 'escalation', channel: 'sms', to: who.phone, text: sms });
  }
  return messages;
}

function paragraphs(lines: readonly string[]): string {
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`;
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

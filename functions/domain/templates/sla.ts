import type { Locale } from '../config.ts';
import { zh } from '../text.ts';

/** One complaint in a grouped SLA message, every value already in the recipient's words. */
export interface SlaLine {
  readonly reference: string;
  readonly category: string;
  readonly severity: string;
  readonly phase: string;
  /** How late (escalations) or how long until due (warnings), e.g. `3 h 20 min`. */
  readonly span: string;
  /** Escalation level, for a recipient who holds several levels. */
  readonly level?: number;
  /** The complaint's department, when one message covers several. */
  readonly department?: string;
}

/** The departments one list of a message covers, each with how many of the list's complaints it has, in config order. */
export type DepartmentCounts = ReadonlyArray<{ readonly name: string; readonly count: number }>;

/** What a grouped SLA message may mention. */
export interface SlaGroupContext {
  readonly name: string;
  /** The recipient's role in the chain, in their words; absent for a head who only gets warnings. */
  readonly role?: string;
  /** Every department the message covers, in the recipient's words (`物流配送部、质量管理部`). */
  readonly department: string;
  readonly escalations: number;
  readonly warnings: number;
  /** The single level when every escalation is at the same level. */
  readonly level?: number;
  /** The first escalated (or warned) complaint, for subjects and SMS of a single complaint. */
  readonly first?: SlaLine;
}

export interface SlaTexts {
  readonly subjectSingleEscalation: (c: SlaGroupContext) => string;
  readonly subjectSingleWarning: (c: SlaGroupContext) => string;
  readonly subjectGroup: (c: SlaGroupContext) => string;
  readonly hello: (c: SlaGroupContext) => string;
  /** Names of several departments as one phrase. */
  readonly departments: (names: readonly string[]) => string;
  readonly escalationsIntro: (n: number, level: number | undefined, departments: DepartmentCounts) => string;
  readonly warningsIntro: (n: number, departments: DepartmentCounts) => string;
  readonly line: (l: SlaLine, kind: 'escalation' | 'warning') => string;
  readonly more: (n: number) => string;
  readonly openOne: string;
  readonly openList: (n: number) => string;
  readonly smsHeld: (until: string) => string;
  readonly smsOverQuota: (perHour: number) => string;
  readonly smsSingle: (c: SlaGroupContext, link: string) => string;
  readonly smsGroup: (c: SlaGroupContext, link: string) => string;
  readonly smsHeldSummary: (n: number, link: string) => string;
  readonly linkSuffix: (link: string) => string;
}

/** `物流配送部有 2 起投诉`, or `物流配送部 2 起、质量管理部 1 起，共 3 起投诉` across departments. */
function zhScope(d: DepartmentCounts, n: number): string {
  if (d.length === 1) return zh`${d[0]!.name}有 ${n} 起投诉`;
  return zh`${d.map((x) => zh`${x.name} ${x.count} 起`).join('、')}，共 ${n} 起投诉`;
}

/** `This Logistics complaint`, `These 3 Logistics complaints`, or across departments `These 3 complaints (Logistics 2, Quality 1)`. */
function enScope(d: DepartmentCounts, n: number): string {
  if (n === 1) return `This ${d[0]?.name ?? ''} complaint`;
  if (d.length === 1) return `These ${n} ${d[0]!.name} complaints`;
  return `These ${n} complaints (${d.map((x) => `${x.name} ${x.count}`).join(', ')})`;
}

export const slaTexts: Readonly<Record<Locale, SlaTexts>> = {
  'zh-CN': {
    subjectSingleEscalation: (c) => zh`【投诉升级 L${c.level ?? 1}】投诉 ${c.first?.reference ?? ''} ${c.first?.phase ?? ''}已超时`,
    subjectSingleWarning: (c) => zh`【SLA 预警】投诉 ${c.first?.reference ?? ''} 的${c.first?.phase ?? ''}时限将于 ${c.first?.span ?? ''}后到期`,
    subjectGroup: (c) =>
      c.escalations && c.warnings
        ? zh`【投诉升级与预警】${c.escalations} 起已超时，${c.warnings} 起即将超时（${c.department}）`
        : c.escalations
          ? zh`【投诉升级${c.level ? zh` L${c.level}` : ''}】${c.escalations} 起投诉已超时（${c.department}）`
          : zh`【SLA 预警】${c.warnings} 起投诉即将超时（${c.department}）`,
    hello: (c) => (c.role ? `${c.name}（${c.role}），您好：` : `${c.name}，您好：`),
    departments: (names) => names.join('、'),
    escalationsIntro: (n, level, d) =>
      zh`${zhScope(d, n)}已超过时限，${level ? zh`按升级链第 ${level} 级通知您：` : '按升级链通知您：'}`,
    warningsIntro: (n, d) => zh`${zhScope(d, n)}即将超过时限，请尽快安排处理：`,
    line: (l, kind) =>
      zh`${l.department ? `${l.department} · ` : ''}${l.category} · 严重程度${l.severity} · ${l.phase}${kind === 'escalation' ? zh`已超时 ${l.span}` : zh`还剩 ${l.span}`}${l.level ? zh` · 第 ${l.level} 级` : ''}`,
    more: (n) => zh`以及另外 ${n} 起`,
    openOne: '在控制台打开此投诉',
    openList: (n) => zh`在控制台查看全部 ${n} 起`,
    smsHeld: (until) => zh`现在是免打扰时段，短信提醒将在 ${until} 后合并为一条发送。`,
    smsOverQuota: (perHour) => zh`本小时发给您的 SLA 短信已达 ${perHour} 条上限，之后的通知只发邮件，不再发短信。`,
    smsSingle: (c, link) => zh`【投诉升级 L${c.level ?? 1}】投诉${c.first?.reference ?? ''}（${c.first?.category ?? ''}）${c.first?.phase ?? ''}已超时${c.first?.span ?? ''}，请处理。${link}`,
    smsGroup: (c, link) => zh`【投诉升级${c.level ? zh`L${c.level}` : ''}】${c.escalations}起投诉已超时并升级至您（${c.department}），详情见邮件。${link}`,
    smsHeldSummary: (n, link) => zh`【投诉升级】免打扰时段内共有${n}起投诉超时升级至您，详情见邮件。${link}`,
    linkSuffix: (link) => (link ? `查看：${link}` : ''),
  },
  en: {
    subjectSingleEscalation: (c) => `[Escalation L${c.level ?? 1}] Complaint ${c.first?.reference ?? ''} ${c.first?.phase ?? ''} overdue`,
    subjectSingleWarning: (c) => `[SLA warning] Complaint ${c.first?.reference ?? ''} ${c.first?.phase ?? ''} due in ${c.first?.span ?? ''}`,
    subjectGroup: (c) =>
      c.escalations && c.warnings
        ? `[SLA] ${c.escalations} complaints overdue, ${c.warnings} about to be (${c.department})`
        : c.escalations
          ? `[Escalation${c.level ? ` L${c.level}` : ''}] ${c.escalations} complaints overdue (${c.department})`
          : `[SLA warning] ${c.warnings} complaints about to be overdue (${c.department})`,
    hello: (c) => (c.role ? `Hello ${c.name} (${c.role}),` : `Hello ${c.name},`),
    departments: (names) => names.join(', '),
    escalationsIntro: (n, level, d) =>
      `${enScope(d, n)} ${n === 1 ? 'missed its target and is' : 'missed their targets and are'} escalated to you${level ? ` (level ${level})` : ''}:`,
    warningsIntro: (n, d) => `${enScope(d, n)} ${n === 1 ? 'is about to miss its target' : 'are about to miss their targets'}; please act now:`,
    line: (l, kind) => `${l.department ? `${l.department} · ` : ''}${l.category} · ${l.severity} severity · ${l.phase} ${kind === 'escalation' ? `${l.span} late` : `due in ${l.span}`}${l.level ? ` · level ${l.level}` : ''}`,
    more: (n) => `and ${n} more`,
    openOne: 'Open the complaint in the console',
    openList: (n) => `See all ${n} in the console`,
    smsHeld: (until) => `It is quiet hours: text messages wait until ${until} and then come as one summary.`,
    smsOverQuota: (perHour) => `You have had ${perHour} SLA text messages this hour, the most we send; until the hour is over, SLA news comes by email only.`,
    smsSingle: (c, link) => `Escalation L${c.level ?? 1}: complaint ${c.first?.reference ?? ''} (${c.first?.category ?? ''}) ${c.first?.phase ?? ''} ${c.first?.span ?? ''} late. Please act.${link ? ` ${link}` : ''}`,
    smsGroup: (c, link) => `Escalation${c.level ? ` L${c.level}` : ''}: ${c.escalations} complaints overdue in ${c.department}. Details by email.${link ? ` ${link}` : ''}`,
    smsHeldSummary: (n, link) => `During quiet hours ${n} complaint escalations reached you. Details by email.${link ? ` ${link}` : ''}`,
    linkSuffix: (link) => link,
  },
};

import type { Locale } from '../config.ts';
import { zh } from '../text.ts';

/** Facts an alert message may mention, in the recipient's words. */
export interface AlertFacts {
  readonly category: string;
  /** Window count now (at send time). */
  readonly count: number;
  /** The counting window in words (`30 minutes`, `24 hours`; `30 分钟`, `24 小时`). */
  readonly window: string;
  /** The same, short enough for a subject or SMS (`30 min`, `24 hours`). */
  readonly windowShort: string;
  /** The level in force: static threshold or adaptive bound. */
  readonly level: number;
  /** Window count when the incident opened, and the highest stored since. */
  readonly atOpen: number;
  readonly peak: number;
  readonly since: string;
}

/**
 * A counting window in the largest whole unit people say it in: `30 minutes`, `1 hour`, `24 hours`,
 * `7 days` (`30 分钟`, `24 小时`, `7 天`); a day is said in hours (`24 hours`, as "the last 24 hours"),
 * longer whole days in days. `short` writes minutes as `min` (subjects, SMS).
 */
export function windowText(minutes: number, locale: Locale, short = false): string {
  const zhCN = locale === 'zh-CN';
  if (minutes > 1440 && minutes % 1440 === 0) return zhCN ? `${minutes / 1440} 天` : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return zhCN ? `${minutes / 60} 小时` : `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  if (zhCN) return `${minutes} 分钟`;
  return short ? `${minutes} min` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export interface AlertTexts {
  readonly raisedSubject: (f: AlertFacts) => string;
  readonly hello: (name: string, role?: string) => string;
  /** `count === level` says "reached", above says "above". */
  readonly raisedBody: (f: AlertFacts, adaptive: boolean) => string;
  readonly newest: string;
  readonly untitled: string;
  readonly incidentLine: (id: string, since: string) => string;
  readonly handle: string;
  readonly ackLabel: string;
  readonly consoleLabel: string;
  readonly raisedSms: (f: AlertFacts) => string;
  readonly reminderSubject: (f: AlertFacts, n: number) => string;
  readonly reminderBody: (f: AlertFacts) => string;
  readonly escalationSubject: (f: AlertFacts, level: number) => string;
  /** `unacknowledgedFor`: how long since it opened, in words. */
  readonly escalationBody: (f: AlertFacts, unacknowledgedFor: string, role: string) => string;
  /** The count at opening, the peak and the count now, in one sentence. */
  readonly figures: (f: AlertFacts) => string;
  /** The window count is below the clear level: when the incident resolves if it stays there. */
  readonly calm: (clearsAt: string) => string;
  /** The figures of a reminder or escalation SMS; `calm` when the count is back under the level. */
  readonly smsFigures: (f: AlertFacts, calm: boolean) => string;
  readonly resolvedSubject: (f: AlertFacts) => string;
  /** `calmFor`: the clear duration in words. */
  readonly resolvedBody: (f: AlertFacts, calmFor: string) => string;
  /** When it opened and closed, how long it lasted, the count at opening and the peak. */
  readonly resolvedFacts: (f: AlertFacts, closed: string, lasted: string) => string;
  /** Who acknowledged it and when; `undefined` owner: nobody did. */
  readonly resolvedOwner: (owner: { name: string; at: string } | undefined) => string;
  readonly surgeSubject: (f: AlertFacts, ratio: string) => string;
  readonly surgeBody: (f: AlertFacts, atOpen: number, ratio: string, owner: string | undefined) => string;
  readonly surgeSms: (f: AlertFacts, atOpen: number, ratio: string) => string;
  /** An SMS version of a subject; the action link follows. */
  readonly sms: (subject: string) => string;
  readonly smsAck: (url: string) => string;
  readonly smsOpen: (url: string) => string;
}

export const alertTexts: Readonly<Record<Locale, AlertTexts>> = {
  'zh-CN': {
    raisedSubject: (f) => zh`【投诉预警】${f.category}：${f.window}内 ${f.count} 起投诉`,
    hello: (name, role) => (role ? `${name}（${role}），您好：` : `${name}，您好：`),
    raisedBody: (f, adaptive) =>
      adaptive
        ? zh`“${f.category}”类投诉在最近 ${f.window}内有 ${f.count} 起，${f.count === f.level ? '达到' : '超过'}历史同期的预警上限 ${f.level} 起。`
        : zh`“${f.category}”类投诉在最近 ${f.window}内有 ${f.count} 起，${f.count === f.level ? '已达到' : '已超过'}预警阈值 ${f.level} 起。`,
    newest: '最新投诉：',
    untitled: '（无标题）',
    incidentLine: (id, since) => zh`预警编号 ${id}，开始于 ${since}。`,
    handle: '请尽快安排处理；确认后提醒和升级即停止。',
    ackLabel: '我来处理（确认此预警）',
    consoleLabel: '在控制台查看预警',
    raisedSms: (f) => zh`【投诉预警】${f.category}：${f.window}内${f.count}起，${f.count === f.level ? '达到' : '超过'}阈值${f.level}起。`,
    reminderSubject: (f, n) => zh`【投诉预警·第 ${n} 次提醒】${f.category}：仍未有人确认`,
    reminderBody: (f) => zh`“${f.category}”预警自 ${f.since}起仍未有人确认处理。`,
    escalationSubject: (f, level) => zh`【投诉预警·升级 L${level}】${f.category}：预警无人确认`,
    escalationBody: (f, duration, role) => zh`“${f.category}”预警自 ${f.since}起已 ${duration}无人确认，现升级至您（${role}）。`,
    figures: (f) => zh`开始时最近 ${f.window}内 ${f.atOpen} 起，峰值 ${f.peak} 起；现在最近 ${f.window}内 ${f.count} 起。`,
    calm: (at) => zh`投诉量已回落到预警线以下：如不再上升，预警约于 ${at}自动解除。`,
    smsFigures: (f, calm) => (calm ? zh`现 ${f.count} 起，已回落（峰值 ${f.peak} 起）。` : zh`现 ${f.count} 起（峰值 ${f.peak} 起）。`),
    resolvedSubject: (f) => zh`【投诉预警·已解除】${f.category}`,
    resolvedBody: (f, calmFor) => zh`“${f.category}”预警已解除：投诉量已连续 ${calmFor}低于预警线。`,
    resolvedFacts: (f, closed, lasted) => zh`开始于 ${f.since}，解除于 ${closed}，历时 ${lasted}；开始时 ${f.atOpen} 起，峰值 ${f.peak} 起（最近 ${f.window}内）。`,
    resolvedOwner: (owner) => (owner ? zh`由 ${owner.name} 于 ${owner.at}确认处理。` : '始终无人确认此预警。'),
    surgeSubject: (f, ratio) => zh`【投诉预警·情况恶化】${f.category}：${f.window}内 ${f.count} 起，为开始时的 ${ratio} 倍`,
    surgeBody: (f, atOpen, ratio, owner) =>
      zh`“${f.category}”预警自 ${f.since}起仍在加剧：最近 ${f.window}内 ${f.count} 起投诉，开始时为 ${atOpen} 起，现为 ${ratio} 倍。` + (owner ? zh`此预警由 ${owner} 负责。` : ''),
    surgeSms: (f, atOpen, ratio) => zh`【投诉预警·恶化】${f.category}：${f.window}内${f.count}起，开始时${atOpen}起（${ratio}倍）。`,
    sms: (subject) => `${subject}。`,
    smsAck: (url) => zh`确认：${url}`,
    smsOpen: (url) => zh`查看：${url}`,
  },
  en: {
    raisedSubject: (f) => `[Complaint alert] ${f.category}: ${f.count} complaints in ${f.windowShort}`,
    hello: (name, role) => (role ? `Hello ${name} (${role}),` : `Hello ${name},`),
    raisedBody: (f, adaptive) =>
      adaptive
        ? `${f.count} "${f.category}" complaints arrived in the last ${f.window}, ${f.count === f.level ? 'reaching' : 'above'} the bound of ${f.level} expected for this time of week.`
        : `${f.count} "${f.category}" complaints arrived in the last ${f.window}, ${f.count === f.level ? 'reaching' : 'above'} the alert threshold of ${f.level}.`,
    newest: 'Newest complaints:',
    untitled: '(no title)',
    incidentLine: (id, since) => `Incident ${id}, since ${since}.`,
    handle: 'Please arrange handling; once someone acknowledges, reminders and escalations stop.',
    ackLabel: "I'm on it (acknowledge)",
    consoleLabel: 'See the alert in the console',
    raisedSms: (f) => `Complaint alert: ${f.category}, ${f.count} in ${f.windowShort} (threshold ${f.level}).`,
    reminderSubject: (f, n) => `[Complaint alert - reminder ${n}] ${f.category}: still unacknowledged`,
    reminderBody: (f) => `The "${f.category}" alert, open since ${f.since}, has not been acknowledged yet.`,
    escalationSubject: (f, level) => `[Complaint alert - escalation L${level}] ${f.category}: unacknowledged`,
    escalationBody: (f, duration, role) => `The "${f.category}" alert, open since ${f.since}, has gone unacknowledged for ${duration} and is escalated to you (${role}).`,
    figures: (f) => `It opened at ${f.atOpen} complaints in ${f.window} and peaked at ${f.peak}; now ${f.count} in the last ${f.window}.`,
    calm: (at) => `Volume is back under the alert level: unless it rises again, the alert closes at about ${at}.`,
    smsFigures: (f, calm) => (calm ? ` Now ${f.count}, back under the level (peak ${f.peak}).` : ` Now ${f.count} (peak ${f.peak}).`),
    resolvedSubject: (f) => `[Complaint alert - all clear] ${f.category}`,
    resolvedBody: (f, calmFor) => `The "${f.category}" alert is resolved: volume has stayed below the alert level for ${calmFor}.`,
    resolvedFacts: (f, closed, lasted) => `Open from ${f.since} to ${closed} (${lasted}); it opened at ${f.atOpen} and peaked at ${f.peak} complaints in ${f.window}.`,
    resolvedOwner: (owner) => (owner ? `Acknowledged by ${owner.name} at ${owner.at}.` : 'Nobody acknowledged it.'),
    surgeSubject: (f, ratio) => `[Complaint alert - getting worse] ${f.category}: ${f.count} in ${f.windowShort}, ${ratio}x the start`,
    surgeBody: (f, atOpen, ratio, owner) =>
      `The "${f.category}" alert, open since ${f.since}, is getting worse: ${f.count} complaints in the last ${f.window}, against ${atOpen} when it opened (${ratio}x).` +
      (owner ? ` ${owner} owns this alert.` : ''),
    surgeSms: (f, atOpen, ratio) => `Complaint alert getting worse: ${f.category}, ${f.count} in ${f.windowShort}, was ${atOpen} at the start (${ratio}x).`,
    sms: (subject) => `${subject}.`,
    smsAck: (url) => `Ack: ${url}`,
    smsOpen: (url) => `Open: ${url}`,
  },
};

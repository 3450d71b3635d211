import type { Locale } from '../config.ts';
import { zh } from '../text.ts';

/** One poor survey answer as a line of the digest, every value already in the reader's words. */
export interface PoorAnswerLine {
  readonly reference: string;
  readonly category: string;
  readonly department: string;
  readonly rating: number;
  readonly solved: boolean;
  readonly answeredAt: string;
}

/** The texts of the weekly digest in one language. */
export interface DigestTexts {
  readonly subject: (company: string, week: string) => string;
  readonly hello: (name: string | undefined) => string;
  readonly intro: (company: string, week: string, previousWeek: string, timeZone: string) => string;
  readonly headline: string;
  /** Under the headline table: the figures are as judged when the email went out. */
  readonly asOf: string;
  readonly figure: string;
  readonly weekBefore: string;
  readonly lastWeek: string;
  readonly change: string;
  readonly rows: {
    readonly received: string;
    readonly firstResponseOnTime: string;
    readonly resolutionOnTime: string;
    readonly fcr: string;
    readonly escalation: string;
    readonly repeat: string;
    readonly csat: string;
    readonly responseRate: string;
    readonly incidents: string;
    readonly ackTime: string;
  };
  /** The heading over the chart and its table (the chart carries its own title, so not the same words). */
  readonly perCategory: string;
  /** The per-category table's caption (under the chart). */
  readonly perCategoryTable: string;
  readonly category: string;
  readonly chartAlt: (week: string, previousWeek: string) => string;
  readonly chart: { readonly title: string; readonly xLabel: string; readonly yLabel: string };
  readonly rising: string;
  readonly risingLine: (category: string, previous: number, current: number, change: string) => string;
  readonly noneRising: string;
  readonly poor: string;
  readonly poorIntro: (n: number) => string;
  readonly nonePoor: string;
  readonly poorLine: (l: PoorAnswerLine) => string;
  readonly poorMore: (n: number) => string;
  readonly openReports: string;
  readonly notes: string;
  /** Percentage points, signed. */
  readonly points: (signed: string) => string;
  readonly noData: string;
}

export const digestTexts: Readonly<Record<Locale, DigestTexts>> = {
  'zh-CN': {
    subject: (company, week) => zh`【每周投诉简报】${company} ${week}`,
    hello: (name) => (name ? `${name}，您好：` : '您好：'),
    intro: (company, week, previousWeek, timeZone) => zh`以下是${company}上周（${week}）的投诉情况，并与前一周（${previousWeek}）对比。周的起止按公司时区 ${timeZone} 的周一零点计算。`,
    headline: '核心指标',
    asOf: '近几周的数字以本邮件发出时为准，随着投诉继续处理可能还会变化。',
    figure: '指标',
    weekBefore: '前一周',
    lastWeek: '上周',
    change: '变化',
    rows: {
      received: '收到投诉',
      firstResponseOnTime: '首次响应按时率',
      resolutionOnTime: '解决按时率',
      fcr: '首次接触解决率',
      escalation: '升级率',
      repeat: '重复投诉率',
      csat: '满意度（4–5 分占比）',
      responseRate: '问卷回复率',
      incidents: '预警事件',
      ackTime: '预警确认用时（中位数）',
    },
    perCategory: '按类别',
    perCategoryTable: '各类别投诉量明细',
    category: '类别',
    chartAlt: (week, previousWeek) => `柱状图：各类别投诉量，前一周（${previousWeek}）与上周（${week}）对比；数据见下表。`,
    chart: { title: '各类别投诉量', xLabel: '类别', yLabel: '投诉数' },
    rising: '增长最多的类别',
    risingLine: (category, previous, current, change) => `${category}：${previous} → ${current}，${change}`,
    noneRising: '上周没有类别的投诉量增加。',
    poor: '差评问卷',
    poorIntro: (n) => zh`上周共收到 ${n} 份差评（评分 1–2 分或表示问题未解决）：`,
    nonePoor: '上周没有差评问卷。',
    poorLine: (l) => zh`${l.reference} · ${l.category} · ${l.department} · 评分 ${l.rating}/5 · ${l.solved ? '已解决' : '未解决'} · ${l.answeredAt}`,
    poorMore: (n) => zh`另有 ${n} 份，请在控制台查看。`,
    openReports: '打开报表',
    notes:
      '说明：按时率把已过期限仍未完成的投诉计为超时；首次接触解决率只统计已解决且客服做了标注的投诉；满意度与回复率按问卷发出的周统计；预警确认用时为从预警发出到有人确认的时间。变化一栏中的比率为百分点。',
    points: (signed) => `${signed} 个百分点`,
    noData: '—',
  },
  en: {
    subject: (company, week) => `Weekly complaints digest: ${company}, ${week}`,
    hello: (name) => (name ? `Hello ${name},` : 'Hello,'),
    intro: (company, week, previousWeek, timeZone) =>
      `Here is how complaints went at ${company} last week (${week}) against the week before (${previousWeek}). Weeks start on Monday at midnight, ${timeZone} time.`,
    headline: 'Headline figures',
    asOf: 'Figures for recent weeks are as of when this email was sent and may change as complaints are handled.',
    figure: 'Figure',
    weekBefore: 'Week before',
    lastWeek: 'Last week',
    change: 'Change',
    rows: {
      received: 'Complaints received',
      firstResponseOnTime: 'First responses on time',
      resolutionOnTime: 'Resolutions on time',
      fcr: 'Solved at first contact',
      escalation: 'Escalated',
      repeat: 'Repeat complaints',
      csat: 'Satisfied (rated 4–5)',
      responseRate: 'Survey response rate',
      incidents: 'Alert incidents',
      ackTime: 'Time to acknowledge (median)',
    },
    perCategory: 'By category',
    perCategoryTable: 'Complaints per category, in figures',
    category: 'Category',
    chartAlt: (week, previousWeek) => `Bar chart of complaints per category, the week before (${previousWeek}) against last week (${week}); the table below has the same figures.`,
    chart: { title: 'Complaints per category', xLabel: 'Category', yLabel: 'Complaints' },
    rising: 'Rising most',
    risingLine: (category, previous, current, change) => `${category}: ${previous} → ${current}, ${change}`,
    noneRising: 'No category received more complaints than the week before.',
    poor: 'Poor survey answers',
    poorIntro: (n) => `${n} ${n === 1 ? 'answer' : 'answers'} last week rated 1–2 or said the problem was not solved:`,
    nonePoor: 'No poor survey answers last week.',
    poorLine: (l) => `${l.reference} · ${l.category} · ${l.department} · rated ${l.rating}/5 · ${l.solved ? 'solved' : 'not solved'} · ${l.answeredAt}`,
    poorMore: (n) => `${n} more in the console.`,
    openReports: 'Open the reports',
    notes:
      'On-time rates count complaints still open past their due time as late; first-contact resolution counts resolved complaints the agent marked; satisfaction and response rate count the surveys sent in each week; time to acknowledge runs from an alert to the first acknowledgement. Rate changes are in percentage points.',
    points: (signed) => `${signed} pts`,
    noData: '—',
  },
};

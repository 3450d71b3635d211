import type { Locale } from './config.ts';
import { escapeHtml } from './escape.ts';
import { p, ul, user, type Block, type Inline } from './message-render.ts';
import { windowText } from './templates/alert.ts';

/** The facts of an incident an alert explains itself with (a structural subset of AlertIncident). */
export interface ExplainedIncident {
  readonly detector: 'static' | 'adaptive' | 'both';
  readonly windowMinutes: number;
  readonly threshold: number;
  readonly expected?: number | undefined;
  readonly bound?: number | undefined;
  readonly count: number;
  /** The multi-scale detector's scale that fired, when it did. */
  readonly scale?: 'short' | 'day' | 'week' | undefined;
  readonly topTerms: ReadonlyArray<{ term: string; count: number }>;
  readonly trend: ReadonlyArray<{ day: string; count: number }>;
}

const TEXT = {
  'zh-CN': {
    heading: '为何预警：',
    count: (count: number, window: string) => `当前计数：最近 ${window} ${count} 起`,
    static: (threshold: number, ratio: string) => `固定阈值：${threshold} 起（当前为阈值的 ${ratio} 倍）`,
    adaptive: (expected: string, bound: number, ratio: string) => `历史同期预期：${expected} 起，预警上限 ${bound} 起（当前为预期的 ${ratio} 倍）`,
    scale: (name: string, count: number, expected: string, bound: number, ratio: string) =>
      `触发尺度：${name}，${count} 起，预期 ${expected} 起，预警上限 ${bound} 起（为预期的 ${ratio} 倍）`,
    scaleName: { short: (m: number) => `最近 ${windowText(m, 'zh-CN')}`, day: () => '最近一天', week: () => '最近 7 天' },
    detector: { static: '触发检测器：固定阈值', adaptive: '触发检测器：自适应基线', both: '触发检测器：固定阈值与自适应基线' },
    terms: '高频词：',
    trend: '近 7 天每日投诉：',
  },
  en: {
    heading: 'Why this alert:',
    count: (count: number, window: string) => `Current count: ${count} in the last ${window}`,
    static: (threshold: number, ratio: string) => `Static threshold: ${threshold} (count is ${ratio}× the threshold)`,
    adaptive: (expected: string, bound: number, ratio: string) => `Expected for this time of week: ${expected}, alert bound ${bound} (count is ${ratio}× expected)`,
    scale: (name: string, count: number, expected: string, bound: number, ratio: string) =>
      `Scale that fired: ${name}, ${count} complaints against ${expected} expected, bound ${bound} (${ratio}× expected)`,
    scaleName: { short: (m: number) => `the last ${windowText(m, 'en')}`, day: () => 'the last day', week: () => 'the last 7 days' },
    detector: { static: 'Detector: static threshold', adaptive: 'Detector: adaptive baseline', both: 'Detector: static threshold and adaptive baseline' },
    terms: 'Frequent words:',
    trend: 'Complaints per day, last 7 days:',
  },
} satisfies Record<Locale, unknown>;

const SPARK = '▁▂▃▄▅▆▇█';

/** A one-line text chart of daily counts, e.g. `▁▁▂▁▃▇█`. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? SPARK[0] : SPARK[Math.min(7, Math.round((v / max) * 7))])).join('');
}

function ratio(count: number, of: number): string {
  return of > 0 ? (count / of).toFixed(1) : '∞';
}

/** Why the multi-scale detector fired, as data: the scale, its window, count, expectation, bound and ratio. */
export interface ScaleFacts {
  readonly scale: 'short' | 'day' | 'week';
  readonly windowMinutes: number;
  readonly count: number;
  readonly expected: number;
  readonly bound: number;
  /** Count over expectation (Infinity when nothing was expected). */
  readonly ratio: number;
}

/** The facts of the scale that fired, or undefined when the multi-scale detector did not fire. */
export function scaleFacts(incident: ExplainedIncident): ScaleFacts | undefined {
  if (!incident.scale || incident.expected === undefined || incident.bound === undefined) return undefined;
  const { scale, windowMinutes, count, expected, bound } = incident;
  return { scale, windowMinutes, count, expected, bound, ratio: expected > 0 ? count / expected : Number.POSITIVE_INFINITY };
}

/** The explanation lines of an alert: count, levels, ratios, detector, frequent words and the weekly trend. */
export function explanationText(incident: ExplainedIncident, locale: Locale): string[] {
  const t = TEXT[locale];
  const lines = [t.heading, `- ${t.count(incident.count, windowText(incident.windowMinutes, locale))}`];
  if (incident.detector !== 'adaptive') lines.push(`- ${t.static(incident.threshold, ratio(incident.count, incident.threshold))}`);
  const facts = scaleFacts(incident);
  if (facts) {
    lines.push(`- ${t.scale(t.scaleName[facts.scale](facts.windowMinutes), facts.count, facts.expected.toFixed(1), facts.bound, ratio(facts.count, facts.expected))}`);
  } else if (incident.expected !== undefined && incident.bound !== undefined) {
    lines.push(`- ${t.adaptive(incident.expected.toFixed(1), incident.bound, ratio(incident.count, incident.expected))}`);
  }
  lines.push(`- ${t.detector[incident.detector]}`);
  if (incident.topTerms.length) lines.push(`- ${t.terms} ${incident.topTerms.map((x) => `${x.term} (${x.count})`).join(', ')}`);
  if (incident.trend.length) {
    lines.push(
      `- ${t.trend} ${sparkline(incident.trend.map((d) => d.count))} ${incident.trend.map((d) => `${d.day.slice(5)}: ${d.count}`).join(' · ')}`,
    );
  }
  return lines;
}

/** The explanation as message blocks: a heading and a real list; frequent words are the customers' and are isolated. */
export function explanationBlocks(incident: ExplainedIncident, locale: Locale): Block[] {
  const t = TEXT[locale];
  const [heading, ...items] = explanationText({ ...incident, topTerms: [] }, locale);
  const rows: Inline[][] = items.map((i) => [i.slice(2)]);
  if (incident.topTerms.length) {
    const terms: Inline[] = [locale === 'en' ? `${t.terms} ` : t.terms];
    incident.topTerms.forEach((x, i) => terms.push(...(i ? [', '] : []), user(x.term), ` (${x.count})`));
    rows.splice(rows.length - (incident.trend.length ? 1 : 0), 0, terms);
  }
  return [p(heading ?? ''), ul(rows)];
}

/** The same explanation as an HTML fragment, every value escaped. */
export function explanationHtml(incident: ExplainedIncident, locale: Locale): string {
  const [heading, ...items] = explanationText(incident, locale);
  return `<p>${escapeHtml(heading ?? '')}</p><ul>${items.map((i) => `<li>${escapeHtml(i.slice(2))}</li>`).join('')}</ul>`;
}

/**
 * English words that say nothing about what a complaint is about (words under three letters are left
 * out anyway). Pure, so the bundles that do not count words (the console pages) leave it out.
 */
const EN_STOPWORDS = /* @__PURE__ */ new Set([
  'the', 'and', 'for', 'with', 'was', 'are', 'been', 'this', 'that', 'not', 'have', 'has', 'had',
  'from', 'but', 'they', 'their', 'them', 'our', 'you', 'your', 'account', 'like', 'looks', 'look',
  'looked', 'seems', 'seem', 'just', 'still', 'get', 'got', 'gets', 'getting', 'can', 'cannot',
  "can't", 'could', 'will', 'would', "won't", 'did', 'does', "doesn't", "didn't", "don't", "isn't",
  "wasn't", 'any', 'all', 'some', 'very', 'really', 'too', 'also', 'again', 'after', 'before',
  'since', 'when', 'what', 'why', 'how', 'who', 'which', 'where', 'there', 'here', 'then', 'than',
  'into', 'out', 'about', 'over', 'only', 'even', 'now', 'yet', 'its', "it's", "i'm", "i've",
  'please', 'help', 'thanks', 'thank', 'one', 'two',
]);

/**
 * Chinese words that say nothing about what a complaint is about: pronouns, question words, "still
 * not", "please", "complaint", "problem". Single characters are left out anyway.
 */
const ZH_STOPWORDS = /* @__PURE__ */ new Set([
  '一直', '没有', '还没', '怎么', '怎么办', '怎么回事', '什么', '为什么', '什么时候', '到底', '已经', '还是',
  '但是', '因为', '所以', '如果', '然后', '而且', '我们', '你们', '他们', '我的', '你们的', '我们的', '这个',
  '那个', '这么', '那么', '就是', '可以', '不是', '不能', '现在', '时候', '请问', '谢谢', '麻烦', '一下',
  '一个', '自己', '非常', '真的', '尽快', '处理', '问题', '投诉', '希望', '还有',
]);

/**
 * The config's keywords written in Chinese (categories and severity rules): the segmenter's
 * dictionary does not know every trade word and splits some into single characters (盗刷 → 盗 刷),
 * which would then be left out. Pass the result to {@link topTerms}.
 */
export function chineseKeywords(config: { categories: ReadonlyArray<{ keywords: { 'zh-CN': readonly string[] } }>; severityRules: ReadonlyArray<{ keywords: { 'zh-CN': readonly string[] } }> }): string[] {
  const all = [...config.categories, ...config.severityRules].flatMap((x) => x.keywords['zh-CN']);
  return [...new Set(all.filter((k) => [...k].length >= 2 && /^\p{Script=Han}+$/u.test(k)))];
}

/** An incident's frequent words: {@link topTerms} of the titles in its window, with the config's Chinese keywords as vocabulary. */
export function incidentTerms(titles: readonly string[], config: Parameters<typeof chineseKeywords>[0]): Array<{ term: string; count: number }> {
  return topTerms(titles, undefined, chineseKeywords(config));
}

/**
 * The most frequent words among complaint titles, each title counting a word once. Words come from
 * the locale-aware word segmenter (which splits Chinese without spaces) and from `vocabulary`, words
 * counted wherever a title contains them (the config's Chinese keywords: {@link chineseKeywords});
 * single Chinese characters and common English and Chinese words carry no signal and are left out.
 */
export function topTerms(titles: readonly string[], limit = 5, vocabulary: readonly string[] = []): Array<{ term: string; count: number }> {
  const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });
  const counts = new Map<string, number>();
  for (const title of titles) {
    const words = new Set<string>();
    const lower = title.toLowerCase();
    for (const s of segmenter.segment(lower)) {
      if (!s.isWordLike) continue;
      const w = s.segment;
      const cjk = /\p{Script=Han}/u.test(w);
      if (cjk ? [...w].length < 2 || ZH_STOPWORDS.has(w) : w.length < 3 || EN_STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
      words.add(w);
    }
    for (const k of vocabulary) if (lower.includes(k)) words.add(k);
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([term, count]) => ({ term, count }));
}

/**
 * Complaints per local day for the `days` days ending with today (in `timeZone`), oldest first,
 * from hourly counts.
 */
export function dailyTrend(
  hours: ReadonlyArray<{ hour: string; count: number }>,
  now: Date,
  timeZone: string,
  days = 7,
): Array<{ day: string; count: number }> {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const labels: string[] = [];
  for (let i = days - 1; i >= 0; i--) labels.push(format.format(new Date(now.getTime() - i * 86_400_000)));
  const totals = new Map(labels.map((d) => [d, 0]));
  for (const h of hours) {
    const day = format.format(new Date(h.hour));
    if (totals.has(day)) totals.set(day, (totals.get(day) ?? 0) + h.count);
  }
  return [...new Set(labels)].map((day) => ({ day, count: totals.get(day) ?? 0 }));
}

import type { Locale, RiskSignal } from '../config.ts';
import type { Complaint } from '../complaint.ts';

/** How a complaint's category was decided, and whether it is marked, as people read it. */
const TEXT = {
  'zh-CN': {
    mark: '⚠ 升级风险',
    // Said as how it was sorted, so it cannot be read as the name of a category.
    decided: {
      explicit: '提交时已指定分类',
      model: (pct: number) => `由模型归类，把握 ${pct}%`,
      keywords: '按关键词归类',
      fallback: '未能归类，归入默认分类',
    },
    note: (text: string) => `（${text}）`,
    signals: { negative: '强烈负面情绪', threat: '扬言向监管、媒体或法律途径升级', repeat: '重复投诉', vulnerable: '弱势客户' } satisfies Record<RiskSignal, string>,
    riskLine: (signals: string, score: number) => `⚠ 升级风险（评分 ${score}）：${signals}。请优先处理。`,
    separator: '、',
  },
  en: {
    mark: '⚠ Escalation risk',
    decided: {
      explicit: 'category given when filed',
      model: (pct: number) => `sorted by the model, ${pct}% sure`,
      keywords: 'sorted by keywords',
      fallback: 'no match, default category',
    },
    note: (text: string) => ` (${text})`,
    signals: { negative: 'strong negative emotion', threat: 'threatens to go to a regulator, the media or a lawyer', repeat: 'repeated complaints', vulnerable: 'vulnerable customer' } satisfies Record<RiskSignal, string>,
    riskLine: (signals: string, score: number) => `⚠ Escalation risk (score ${score}): ${signals}. Please handle first.`,
    separator: ', ',
  },
} satisfies Record<Locale, unknown>;

type Triage = Pick<Complaint, 'classification'> & { readonly escalationRisk?: Pick<NonNullable<Complaint['escalationRisk']>, 'marked'> };

/** How the category was decided, e.g. `sorted by the model, 93% sure`; undefined for complaints stored before it was recorded. */
export function decisionText(c: Triage, locale: Locale): string | undefined {
  const d = c.classification;
  if (!d) return undefined;
  const t = TEXT[locale].decided;
  return d.method === 'model' ? t.model(Math.round((d.model?.confidence ?? 0) * 100)) : t[d.method];
}

/** The facts one line of an alert's newest-complaints list shows (an incident stores them, not the line). */
export interface AlertLineFacts {
  readonly title: string;
  readonly method?: NonNullable<Complaint['classification']>['method'] | undefined;
  /** The model's confidence (0–1) when the model decided. */
  readonly confidence?: number | undefined;
  /** Marked as an escalation risk. */
  readonly risk?: boolean | undefined;
}

/**
 * One line of an alert's newest-complaints list in the reader's language, in parts: the
 * escalation-risk mark when marked, the customer's title (to be isolated as their words), and how
 * its category was decided (with its brackets), e.g. `退款未到账（按关键词归类）`, `Refund late (sorted by keywords)`.
 */
export function alertLineParts(c: AlertLineFacts, locale: Locale): { mark?: string; title: string; note?: string } {
  const t = TEXT[locale];
  const decided = c.method && decisionText({ classification: { method: c.method, ...(c.confidence !== undefined && { model: { label: '', confidence: c.confidence } }) } }, locale);
  return { ...(c.risk && { mark: `${t.mark} · ` }), title: c.title, ...(decided && { note: t.note(decided) }) };
}

/** {@link alertLineParts} as one plain-text line. */
export function alertLineText(c: AlertLineFacts, locale: Locale): string {
  const parts = alertLineParts(c, locale);
  return `${parts.mark ?? ''}${parts.title}${parts.note ?? ''}`;
}

/** What incidents written before the facts were stored held: whole lines, as each locale wrote them then. */
const LEGACY_LINE = {
  mark: /^⚠ (?:升级风险|Escalation risk) · /,
  decided: / \((?:分类：人工指定|category: given|分类：模型 (\d+)%|category: model (\d+)%|分类：关键词|category: keywords|分类：默认|category: fallback)\)$/,
};

/**
 * Reads a newest-complaints line an incident stored before it kept the facts apart (title, mark and
 * how it was classified, in the department's language then): the facts back, so the line can be
 * rendered in the reader's language. A line that does not end in a known annotation is all title.
 */
export function parseLegacyAlertLine(line: string): AlertLineFacts {
  let title = line;
  const risk = LEGACY_LINE.mark.test(title);
  title = title.replace(LEGACY_LINE.mark, '');
  const m = LEGACY_LINE.decided.exec(title);
  if (!m) return { title, ...(risk && { risk }) };
  const said = m[0];
  const method = /人工指定|given/.test(said) ? 'explicit' : /模型|model/.test(said) ? 'model' : /关键词|keywords/.test(said) ? 'keywords' : 'fallback';
  const pct = m[1] ?? m[2];
  return { title: title.slice(0, m.index), method, ...(pct !== undefined && { confidence: Number(pct) / 100 }), ...(risk && { risk }) };
}

/** The short mark of a complaint marked as an escalation risk; undefined when it is not marked. */
export function riskMark(c: Pick<Complaint, 'escalationRisk'>, locale: Locale): string | undefined {
  return c.escalationRisk?.marked ? TEXT[locale].mark : undefined;
}

/** The line a department message carries for a marked complaint; undefined when it is not marked. */
export function riskLine(c: Pick<Complaint, 'escalationRisk'>, locale: Locale): string | undefined {
  const risk = c.escalationRisk;
  if (!risk?.marked) return undefined;
  const t = TEXT[locale];
  return t.riskLine(risk.signals.map((s) => t.signals[s]).join(t.separator), risk.score);
}

import type { Locale, RiskSignal } from '../config.ts';
import type { Complaint } from '../complaint.ts';
import { truncate } from '../escape.ts';
import { cleanUserText } from '../text.ts';

/** How a complaint's category was decided, and whether it is marked, as people read it. */
const TEXT = {
  'zh-CN': {
    mark: '⚠ 升级风险',
    decided: {
      explicit: '分类：人工指定',
      model: (pct: number) => `分类：模型 ${pct}%`,
      keywords: '分类：关键词',
      fallback: '分类：默认',
    },
    signals: { negative: '强烈负面情绪', threat: '扬言向监管、媒体或法律途径升级', repeat: '重复投诉', vulnerable: '弱势客户' } satisfies Record<RiskSignal, string>,
    riskLine: (signals: string, score: number) => `⚠ 升级风险（评分 ${score}）：${signals}。请优先处理。`,
    separator: '、',
  },
  en: {
    mark: '⚠ Escalation risk',
    decided: {
      explicit: 'category: given',
      model: (pct: number) => `category: model ${pct}%`,
      keywords: 'category: keywords',
      fallback: 'category: fallback',
    },
    signals: { negative: 'strong negative emotion', threat: 'threatens to go to a regulator, the media or a lawyer', repeat: 'repeated complaints', vulnerable: 'vulnerable customer' } satisfies Record<RiskSignal, string>,
    riskLine: (signals: string, score: number) => `⚠ Escalation risk (score ${score}): ${signals}. Please handle first.`,
    separator: ', ',
  },
} satisfies Record<Locale, unknown>;

type Triage = Pick<Complaint, 'classification'> & { readonly escalationRisk?: Pick<NonNullable<Complaint['escalationRisk']>, 'marked'> };

/** How the category was decided, e.g. `category: model 93%`; undefined for complaints stored before it was recorded. */
export function decisionText(c: Triage, locale: Locale): string | undefined {
  const d = c.classification;
  if (!d) return undefined;
  const t = TEXT[locale].decided;
  return d.method === 'model' ? t.model(Math.round((d.model?.confidence ?? 0) * 100)) : t[d.method];
}

/**
 * One line of an alert's newest-complaints list: the escalation-risk mark first when the complaint
 * is marked, the title, then how its category was decided.
 */
export function alertTitleLine(c: Triage & { readonly title?: string; readonly description: string }, locale: Locale): string {
  const decided = decisionText(c, locale);
  const title = truncate(cleanUserText(c.title ?? c.description), 80);
  return `${c.escalationRisk?.marked ? `${TEXT[locale].mark} · ` : ''}${title}${decided ? ` (${decided})` : ''}`;
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

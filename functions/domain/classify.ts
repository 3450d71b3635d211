import type { PipelineConfig, Severity } from './config.ts';
import { predictText, type CompiledTextModel } from './text-model.ts';

type Keywords = { 'zh-CN': readonly string[]; en: readonly string[] };

/** Lower-cased text with runs of white space folded, so keyword phrases match across line breaks. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The keywords that occur in a text. Chinese keywords match as substrings (Chinese has no word
 * spaces); English keywords match whole words only, so "login" does not match inside "biologin".
 */
export function keywordMatches(text: string, keywords: Keywords): string[] {
  const t = normalise(text);
  const found: string[] = [];
  for (const k of keywords['zh-CN']) if (k && t.includes(k.toLowerCase())) found.push(k);
  for (const [k, re] of wholeWordPatterns(keywords.en)) if (re.test(t)) found.push(k);
  return found;
}

/** Each English keyword list's patterns, compiled once per list (a config's lists live as long as it does). */
const compiled = new WeakMap<readonly string[], ReadonlyArray<readonly [string, RegExp]>>();

function wholeWordPatterns(words: readonly string[]): ReadonlyArray<readonly [string, RegExp]> {
  let patterns = compiled.get(words);
  if (patterns === undefined) {
    patterns = words.filter((k) => k).map((k) => [k, new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(normalise(k))}($|[^\\p{L}\\p{N}])`, 'u')] as const);
    compiled.set(words, patterns);
  }
  return patterns;
}

/** Counts the keywords that occur in a text (see {@link keywordMatches}). */
export function keywordHits(text: string, keywords: Keywords): number {
  return keywordMatches(text, keywords).length;
}

/**
 * Picks the category whose keywords occur most often in the text; ties go to the category listed first.
 * @returns the category id, or undefined when no keyword occurs
 */
export function classify(text: string, config: PipelineConfig): string | undefined {
  let best: { id: string; hits: number } | undefined;
  for (const category of config.categories) {
    const hits = keywordHits(text, category.keywords);
    if (hits > 0 && (!best || hits > best.hits)) best = { id: category.id, hits };
  }
  return best?.id;
}

/** Grades severity by the first rule whose keywords occur, else the configured default. */
export function grade(text: string, config: PipelineConfig): { severity: Severity; source: 'rules' | 'default' } {
  for (const rule of config.severityRules) {
    if (keywordHits(text, rule.keywords) > 0) return { severity: rule.severity, source: 'rules' };
  }
  return { severity: config.defaultSeverity, source: 'default' };
}

/** How a complaint's category was decided, as the complaint records it. */
export interface CategoryDecision {
  readonly category: string;
  readonly method: 'explicit' | 'model' | 'keywords' | 'fallback';
  /** What the model said, whenever it was consulted (also when its confidence was too low). */
  readonly model?: { readonly label: string; readonly confidence: number };
}

/**
 * The category a model label stands for: the config's `classifier.labels` entry, else the label
 * itself when it is a category id.
 */
export function categoryForModelLabel(label: string, config: PipelineConfig): string | undefined {
  const mapped = config.classifier?.labels[label] ?? label;
  return config.categories.some((c) => c.id === mapped) ? mapped : undefined;
}

/**
 * Model labels that stand for no category; a model with any cannot be used with this config.
 * @returns one message per such label
 */
export function unmappedModelLabels(labels: readonly string[], config: PipelineConfig): string[] {
  return labels
    .filter((l) => categoryForModelLabel(l, config) === undefined)
    .map((l) => {
      const mapped = config.classifier?.labels[l];
      return mapped === undefined
        ? `model label '${l}' is not a category id and has no entry in classifier.labels`
        : `model label '${l}' maps to unknown category '${mapped}'`;
    });
}

/**
 * Decides the category of a complaint without an explicit one: the model's label when its
 * confidence reaches `classifier.minConfidence` (and it stands for a category), else the keyword
 * rules, else the fallback category.
 */
export function decideCategory(text: string, config: PipelineConfig, model?: CompiledTextModel): CategoryDecision {
  let said: CategoryDecision['model'];
  if (model && config.classifier) {
    const p = predictText(model, text);
    said = { label: p.label, confidence: Math.round(p.confidence * 1e4) / 1e4 };
    const category = categoryForModelLabel(p.label, config);
    if (category && p.confidence >= config.classifier.minConfidence) return { category, method: 'model', model: said };
  }
  const matched = classify(text, config);
  return { category: matched ?? config.fallbackCategory, method: matched ? 'keywords' : 'fallback', ...(said && { model: said }) };
}

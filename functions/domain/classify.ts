import type { PipelineConfig, Severity } from './config.ts';

type Keywords = { 'zh-CN': readonly string[]; en: readonly string[] };

/** Lower-cased text with runs of white space folded, so keyword phrases match across line breaks. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Counts keyword occurrences. Chinese keywords match as substrings (Chinese has no word spaces);
 * English keywords match whole words only, so "login" does not match inside "biologin".
 */
export function keywordHits(text: string, keywords: Keywords): number {
  const t = normalise(text);
  let hits = 0;
  for (const k of keywords['zh-CN']) if (k && t.includes(k.toLowerCase())) hits += 1;
  for (const k of keywords.en) {
    if (!k) continue;
    const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(normalise(k))}($|[^\\p{L}\\p{N}])`, 'u');
    if (re.test(t)) hits += 1;
  }
  return hits;
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

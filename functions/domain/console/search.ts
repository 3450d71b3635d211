import { parseRef } from '../ids.ts';

/**
 * What an inbox search box query means. Exact keys go to an index (no reading beyond the matches);
 * everything else is a word search over a bounded recent range per department.
 */
export type SearchKey =
  | { readonly kind: 'id'; readonly value: string }
  | { readonly kind: 'ref'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'phone'; readonly value: string }
  /** A single token that may be a customer id; when no complaint has it, it is searched as a word. */
  | { readonly kind: 'customer'; readonly value: string };

/** Word search reaches this many days back per department... */
export const SEARCH_RECENT_DAYS = 30;
/** ...and at most this many newest complaints per department within them. */
export const SEARCH_MAX_PER_DEPARTMENT = 1000;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 -]{5,18}[0-9]$/;

/** The index lookup a query stands for, or undefined for a word search. */
export function searchKey(query: string): SearchKey | undefined {
  const q = query.trim();
  if (!q) return undefined;
  if (ULID.test(q)) return { kind: 'id', value: q.toUpperCase() };
  const ref = parseRef(q);
  if (ref) return { kind: 'ref', value: ref };
  if (EMAIL.test(q)) return { kind: 'email', value: q.toLowerCase() };
  if (PHONE.test(q)) {
    const digits = q.replace(/[\s-]/g, '');
    return { kind: 'phone', value: digits.startsWith('+') ? digits : `+${digits}` };
  }
  if (!/\s/.test(q) && q.length <= 128) return { kind: 'customer', value: q };
  return undefined;
}

/** The words of a query, lower-cased; a Chinese run counts as one word (matched as a substring). */
export function searchWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[\s,，。、;；]+/)
    .filter((w) => w.length > 0);
}

/** Whether every word occurs in the title or description (case-insensitive substring). */
export function matchesWords(complaint: { readonly title?: string; readonly description: string }, words: readonly string[]): boolean {
  const text = `${complaint.title ?? ''}\n${complaint.description}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

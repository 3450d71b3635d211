/**
 * SMS length in segments, as carriers bill it: GSM-7 when every character is in the GSM 03.38
 * alphabet (160 septets, or 153 per part of a long message; extension characters take two), UCS-2
 * otherwise (70 UTF-16 units, or 67 per part). Pure.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return 'UCS-2';
  return 'GSM-7';
}

/** How many segments an SMS takes. */
export function smsSegments(text: string): number {
  if (smsEncoding(text) === 'GSM-7') {
    let septets = 0;
    for (const ch of text) septets += EXTENSION.has(ch) ? 2 : 1;
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = text.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

/** Typographic punctuation an English SMS can say in GSM-7 instead (one character outside GSM-7 makes the whole SMS UCS-2). */
const GSM_FRIENDLY: ReadonlyArray<[RegExp, string]> = [
  [/[‘’‚′]/g, "'"],
  [/[“”„″]/g, '"'],
  [/[–—−]/g, '-'],
  [/…/g, '...'],
  [/[\u00A0\u2000-\u200B\u202F]/g, ' '],
  [/·/g, '-'],
  [/×/g, 'x'],
];

/** Replaces typographic punctuation with its GSM-7 equivalent. */
export function gsmFriendly(text: string): string {
  return GSM_FRIENDLY.reduce((t, [re, to]) => t.replace(re, to), text);
}

/**
 * The longest SMS `build` makes within `budget` segments, shortening `quote` (the one free text it
 * carries, e.g. an agent's note) from its end and marking the cut. Without a quote that fits, the
 * quote is left out; the caller's budget test catches a template that is too long on its own.
 */
export function fitSms(build: (quote: string) => string, quote: string, budget: number, mark = '…'): string {
  const full = build(quote);
  if (smsSegments(full) <= budget || !quote) return full;
  const chars = [...quote];
  let lo = 0;
  let hi = chars.length - 1;
  let best = build('');
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = build(`${chars.slice(0, mid).join('').trimEnd()}${mark}`);
    if (smsSegments(candidate) <= budget) {
      best = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * Text with its link when both fit the budget, else the text alone (a link is never cut short: a
 * broken link is worse than none, and the email carries it anyway). Chinese text ending in
 * punctuation takes the link without a space.
 */
export function withLink(text: string, link: string, budget: number): string {
  if (!link) return text;
  const joined = /[\u3000-\u303F\uFF00-\uFFEF]$/.test(text) ? `${text}${link}` : `${text} ${link}`;
  return smsSegments(joined) <= budget ? joined : text;
}

/** Segment budgets per kind of SMS (see README "Messages"). */
export const SMS_BUDGET = {
  /** Customer progress SMS in English: one segment. */
  progressEn: 1,
  /** Customer progress SMS in Chinese: at most two. */
  progressZh: 2,
  /**
   * The "waiting on you" and "resolved" SMS with their reply link in English: two. The link (a deployed API URL is about
   * 60 characters, plus `/r/` and 32 token characters) does not fit one segment beside the wording.
   */
  progressReplyLinkEn: 2,
  /** The same in Chinese: three (UCS-2 counts every character of the link as one of 67 per part). */
  progressReplyLinkZh: 3,
  /** Alert, escalation, SLA and follow-up SMS to staff: at most two. */
  staff: 2,
  /** Survey invitation (carries a link). */
  survey: 2,
} as const;

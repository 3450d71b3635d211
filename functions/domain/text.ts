/**
 * Plain-text hygiene for anything people read: user text stripped of bidirectional controls, and
 * spacing where Chinese meets Latin letters or digits. Pure.
 */

/**
 * Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in user text they can make a
 * title read as something else (`‮txt.exe` shows as `exe.txt`). Marks (U+200E, U+200F, U+061C)
 * change no order on their own and stay.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** User text for a message or page: bidirectional controls removed, whitespace runs collapsed. */
export function cleanUserText(text: string): string {
  return text.replace(BIDI_CONTROLS, '').replace(/\s+/g, ' ').trim();
}

/** Whether text contains a bidirectional control character. */
export function hasBidiControls(text: string): boolean {
  return /[\u202A-\u202E\u2066-\u2069]/.test(text);
}

/** Shortens text to at most `max` characters (by code point), marking the cut with `mark`. */
export function clip(text: string, max: number, mark = '…'): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const keep = Math.max(0, max - [...mark].length);
  return `${chars.slice(0, keep).join('').trimEnd()}${mark}`;
}

const HAN = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u;
const HAN_LETTER = /\p{Script=Han}/u;
const LATIN = /[A-Za-z0-9]/;

function needsSpace(left: string | undefined, right: string | undefined): boolean {
  if (!left || !right) return false;
  return (HAN_LETTER.test(left) && LATIN.test(right)) || (LATIN.test(left) && HAN_LETTER.test(right));
}

/**
 * A tagged template for Chinese texts: where a literal part and an interpolated value meet with a
 * Han character on one side and a Latin letter or digit on the other, one space goes between them
 * (`投诉 YX-4K7M-9QD2 已…`). Only the seams are touched, never the inside of a value, so quoted
 * customer text stays exactly as written.
 */
export function zh(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const v = String(value);
    const after = strings[i + 1] ?? '';
    const before = out.at(-1);
    out += (needsSpace(before, v[0]) ? ' ' : '') + v;
    out += (needsSpace(v.at(-1), after[0]) ? ' ' : '') + after;
  });
  return out;
}

/** Whether text contains Chinese, Japanese or Korean characters. */
export function hasCjk(text: string): boolean {
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFFEF]/u.test(text);
}

export { HAN };

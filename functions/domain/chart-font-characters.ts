/**
 * The characters the chart font (`assets/fonts/chart-sans-gb2312.ttf`) keeps from WenQuanYi Micro
 * Hei: what `npm run font:chart` subsets to, and what the chart tests measure.
 */

/**
 * Every character GB2312 encodes (rows 0xA1–0xF7, cells 0xA1–0xFE), decoded with the GBK superset
 * (which adds a few symbols there); its user-defined positions, decoded to private-use code points, are left out.
 */
function gb2312Characters(): string {
  const decoder = new TextDecoder('gbk', { fatal: true });
  let out = '';
  for (let row = 0xa1; row <= 0xf7; row += 1) {
    for (let cell = 0xa1; cell <= 0xfe; cell += 1) {
      try {
        const char = decoder.decode(Uint8Array.of(row, cell));
        if (!/\p{Co}/u.test(char)) out += char;
      } catch {
        // Unassigned positions of GB2312.
      }
    }
  }
  return out;
}

/** Characters of the code points from `first` to `last`, inclusive. */
function range(first: number, last: number): string {
  let out = '';
  for (let code = first; code <= last; code += 1) out += String.fromCodePoint(code);
  return out;
}

/** The characters the chart font keeps, in code point order within each block. */
export function chartFontCharacters(): string {
  return [
    range(0x20, 0x7e), // ASCII
    range(0xa0, 0xff), // Latin-1
    range(0x2010, 0x2027), // dashes, quotes, bullet, ellipsis
    range(0x2030, 0x203a), // per mille, primes, angle quotes
    '€™−×÷',
    range(0x3000, 0x303f), // CJK punctuation
    range(0xff01, 0xff5e), // full-width forms
    gb2312Characters(),
  ].join('');
}


/**
 * The readable text of an HTML email body, for messages that carry no text/plain part. Pure, one
 * pass over the input (no backtracking regular expressions on customer-controlled markup), and it
 * only ever produces text: nothing of the HTML survives as markup.
 */

/** Elements whose content is not text a reader sees. */
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'xml']);

/** Elements that end a line; the values are the line breaks they make (2: a blank line). */
const BLOCK_BREAKS: Readonly<Record<string, number>> = {
  br: 1,
  div: 1,
  tr: 1,
  li: 1,
  dt: 1,
  dd: 1,
  section: 1,
  article: 1,
  header: 1,
  footer: 1,
  address: 1,
  p: 2,
  table: 2,
  ul: 2,
  ol: 2,
  dl: 2,
  pre: 2,
  h1: 2,
  h2: 2,
  h3: 2,
  h4: 2,
  h5: 2,
  h6: 2,
  hr: 2,
};

/** The named character references mail clients actually write; any other stays as written. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  times: '×',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  deg: '°',
  zwnj: '',
  zwj: '',
  shy: '',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code === 0xa0 ? 0x20 : code) : '\uFFFD';
  });
}

/** A tag's lower-case name and whether it closes (`</p>`); undefined for comments and declarations. */
function tagName(tag: string): { name: string; closing: boolean } | undefined {
  const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)/.exec(tag);
  return m ? { name: m[2]!.toLowerCase(), closing: m[1] === '/' } : undefined;
}

/**
 * Converts an HTML body to plain text: tags dropped, block elements as line breaks, list items as
 * `* `, quoted blocks (`<blockquote>`, how mail clients quote history) as `> ` lines so the quote
 * cutter treats them like quoted plain text, character references decoded after the tags are gone
 * (so `&lt;script&gt;` is text, never a tag), hidden content (script, style, head) left out.
 *
 * @param html the decoded HTML part
 * @returns the text, lines trimmed at the end, at most one blank line in a row
 */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let quoteDepth = 0;
  // Line breaks owed by block elements, written before the next text (so adjacent blocks do not add up).
  let pendingBreaks = 0;
  const block = (breaks: number): void => {
    pendingBreaks = Math.max(pendingBreaks, breaks);
  };
  const text = (chunk: string): void => {
    if (!/\S/.test(chunk)) {
      if (pendingBreaks === 0 && out !== '') out += ' ';
      return;
    }
    if (pendingBreaks > 0 && out !== '') out += '\n'.repeat(pendingBreaks) + '> '.repeat(quoteDepth);
    else if (out === '') out = '> '.repeat(quoteDepth);
    pendingBreaks = 0;
    out += chunk;
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > i) text(html.slice(i, textEnd).replace(/[ \t\r\n\f]+/g, ' '));
    if (lt === -1) break;
    const next = html[lt + 1] ?? '';
    // "a < b" is text: a tag starts with a letter, `/`, `!` or `?`.
    if (!/[A-Za-z/!?]/.test(next)) {
      text('<');
      i = lt + 1;
      continue;
    }
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt);
    if (gt === -1) break;
    const tag = tagName(html.slice(lt, Math.min(gt + 1, lt + 64)));
    i = gt + 1;
    if (!tag) continue;
    if (!tag.closing && HIDDEN.has(tag.name)) {
      const close = lower.indexOf(`</${tag.name}`, i);
      const closeEnd = close === -1 ? -1 : html.indexOf('>', close);
      i = closeEnd === -1 ? html.length : closeEnd + 1;
      continue;
    }
    if (tag.name === 'blockquote') {
      quoteDepth = Math.max(0, quoteDepth + (tag.closing ? -1 : 1));
      block(2);
      continue;
    }
    const breaks = BLOCK_BREAKS[tag.name];
    if (breaks) block(breaks);
    if (tag.name === 'li' && !tag.closing) text('* ');
  }
  return decodeEntities(out)
    .split('\n')
    .map((line) => line.replace(/^ +/, '').replace(/^((?:> )+) +/, '$1').trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

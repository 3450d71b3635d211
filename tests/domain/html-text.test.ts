import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../functions/domain/html-text.ts';

describe('htmlToText', () => {
  it.each([
    ['paragraphs and line breaks', '<p>First line<br>second line</p><p>Next paragraph</p>', 'First line\nsecond line\n\nNext paragraph'],
    ['inline markup dropped, source whitespace collapsed', '<div>The <strong>refund</strong>\n   has   not <a href="https://x.example">arrived</a>.</div>', 'The refund has not arrived.'],
    ['references decoded after the tags are gone', '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#20320;&#x597D; &nbsp;ok &unknown;</p>', '<script>alert(1)</script> & 你好  ok &unknown;'],
    ['script, style and head left out', '<html><head><title>T</title><style>p{color:red}</style></head><body><script>var a = "<p>";</script><p>Body</p></body></html>', 'Body'],
    ['comments left out, an unclosed one ends the text', 'a<!-- hidden <p>x</p> -->b<!-- never closed <p>c', 'ab'],
    ['a lone "<" is text', '<p>1 < 2 and 3 <= 4</p>', '1 < 2 and 3 <= 4'],
    ['list items', '<ul><li>one</li><li>two</li></ul>', '* one\n* two'],
    ['quoted history as "> " lines', '<div>Thanks</div><div>On Mon, Support wrote:</div><blockquote><p>Old text</p><p>More</p></blockquote>', 'Thanks\nOn Mon, Support wrote:\n\n> Old text\n\n> More'],
    ['invalid numeric references replaced', '&#0;&#xD800;&#1114112;', '\uFFFD\uFFFD\uFFFD'],
    ['Chinese text untouched', '<div>您好：</div><div>订单 8812 还没到。</div>', '您好：\n订单 8812 还没到。'],
  ])('%s', (_name, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('is linear on markup built to make backtracking parsers slow', () => {
    const hostile = '<script'.repeat(20_000) + '<!--'.repeat(20_000) + '<a '.repeat(20_000);
    // No timing: a quadratic scan of this input would not finish within the test's timeout.
    expect(htmlToText(hostile)).toBe('');
  });
});

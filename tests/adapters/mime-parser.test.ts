/**
 * The MIME adapter on messages the fixtures under tests/fixtures/mail do not cover: charsets decoded
 * by the platform's TextDecoder (Big5, GB18030, GBK in quoted-printable HTML and in encoded words),
 * HTML-only bodies inside multipart/mixed, RFC 2231 file names, and inline images left out.
 */
import { describe, expect, it } from 'vitest';
import { parseMime } from '../../functions/adapters/mime-parser.ts';

const message = (headers: string, body: string) => Buffer.from(`From: Chen <chen@example.cn>\r\nTo: complaints@youxuan-mall.example.com\r\nMessage-ID: <m-1@example.cn>\r\nMIME-Version: 1.0\r\n${headers}\r\n\r\n${body}`, 'latin1');

describe('parseMime', () => {
  it('decodes a Big5 subject and a GB18030 body (four-byte sequences included)', async () => {
    const email = await parseMime(
      message('Subject: =?Big5?B?sGi02qRUtmektKW8pqyo7A==?=\r\nContent-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: base64', 'yczGt8bGy/CjrNKqx/O7u7v1oaOVMoI2\r\n'),
    );
    expect(email.subject).toBe('退款三週仍未收到');
    expect(email.text.trim()).toBe('商品破损，要求换货。𠀀');
    expect(email.contentType).toBe('text/plain');
  });

  it('derives the text of a GBK quoted-printable HTML-only body inside multipart/mixed, beside a base64 attachment with a GBK file name', async () => {
    const body = [
      '--b1',
      'Content-Type: text/html; charset=GBK',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<div>=BF=EC=B5=DD=D4=B1=CC=AC=B6=C8=BA=DC=B2=EE&amp;=C3=BB=CB=CD=BB=F5=C9=',
      '=CF=C3=C5</div><div>=B7=A2=D7=D4=CE=D2=B5=C4iPhone</div>',
      '--b1',
      'Content-Type: application/pdf',
      "Content-Disposition: attachment; filename*=GBK''%B7%A2%C6%B1.pdf",
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQKJSVFT0YK',
      '--b1--',
      '',
    ].join('\r\n');
    const email = await parseMime(message('Subject: =?GBK?Q?=B6=A9=B5=A5=CE=CA=CC=E2?=\r\nContent-Type: multipart/mixed; boundary="b1"', body));
    expect(email.subject).toBe('订单问题');
    expect(email.text).toBe('快递员态度很差&没送货上门\n发自我的iPhone');
    expect(email.contentType).toBe('multipart/mixed');
    expect(email.attachments).toHaveLength(1);
    expect(email.attachments[0]).toMatchObject({ filename: '发票.pdf', contentType: 'application/pdf', size: 15 });
    expect(Buffer.from(email.attachments[0]!.content).toString('latin1')).toBe('%PDF-1.4\n%%EOF\n');
  });

  it('leaves out an inline image the HTML shows, keeping an attached one', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const body = [
      '--m',
      'Content-Type: multipart/related; boundary="r"',
      '',
      '--r',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>See the photo.</p><img src="cid:logo@shop.example">',
      '--r',
      'Content-Type: image/png',
      'Content-ID: <logo@shop.example>',
      'Content-Transfer-Encoding: base64',
      '',
      png,
      '--r--',
      '--m',
      'Content-Type: image/png; name="photo.png"',
      'Content-Disposition: attachment; filename="photo.png"',
      'Content-Transfer-Encoding: base64',
      '',
      png,
      '--m--',
      '',
    ].join('\r\n');
    const email = await parseMime(message('Subject: photo\r\nContent-Type: multipart/mixed; boundary="m"', body));
    expect(email.text).toBe('See the photo.');
    expect(email.attachments.map((a) => [a.filename, a.size])).toEqual([['photo.png', 70]]);
  });

  it('reads the first of repeated headers, unfolded, and the message ids of In-Reply-To and References', async () => {
    const email = await parseMime(
      message(
        'Subject: a\r\nX-Custom: one\r\n two\r\nX-Custom: second\r\nReferences: <complaint.X@shop.example>\r\n <other@x>\r\nIn-Reply-To: <reply@shop.example>\r\nContent-Type: text/plain',
        'hi\r\n',
      ),
    );
    expect(email.headers['x-custom']).toBe('one two');
    expect(email.references).toEqual(['complaint.X@shop.example', 'other@x', 'reply@shop.example']);
    expect(email.from).toEqual({ address: 'chen@example.cn', name: 'Chen' });
    expect(email.messageId).toBe('m-1@example.cn');
  });
});

/**
 * Reading the reply page's POST: multipart (files) within its own limit, parsed by the runtime's
 * parser, measured before base64 is decoded; URL-encoded forms as every other page reads them.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readFormWithFiles } from '../../functions/adapters/html.ts';

const LIMIT = 4 * 1024 * 1024;
const CRLF = '\r\n';

function event(body: Buffer | string | undefined, contentType: string | undefined, base64 = true): APIGatewayProxyEventV2 {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    version: '2.0',
    routeKey: 'POST /r/{token}',
    rawPath: '/r/x',
    rawQueryString: '',
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    ...(bytes && { body: base64 ? bytes.toString('base64') : bytes.toString('utf8') }),
    isBase64Encoded: base64 && bytes !== undefined,
    requestContext: { http: { method: 'POST' } },
  } as unknown as APIGatewayProxyEventV2;
}

/** A multipart body with boundary `b` as a browser builds it. */
function multipart(parts: Array<{ name: string; filename?: string; type?: string; content: Buffer | string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--b${CRLF}Content-Disposition: ${disposition}${CRLF}${p.type ? `Content-Type: ${p.type}${CRLF}` : ''}${CRLF}`), Buffer.from(p.content), Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--b--${CRLF}`));
  return Buffer.concat(chunks);
}
const TYPE = 'multipart/form-data; boundary=b';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

describe('readFormWithFiles', () => {
  it('reads text fields and the named file input, in order, bytes intact; other file inputs are ignored', async () => {
    const body = multipart([
      { name: 'lang', content: 'en' },
      { name: 'text', content: '快递单号 SF123\r\nsecond line' },
      { name: 'files', filename: 'a.png', type: 'image/png', content: PNG },
      { name: 'other', filename: 'b.png', type: 'image/png', content: PNG },
      { name: 'files', filename: '报告.pdf', type: 'application/pdf', content: '%PDF-1.7' },
    ]);
    const r = await readFormWithFiles(event(body, TYPE), 'files', LIMIT);
    if (!r.ok) throw new Error(`refused: ${r.status}`);
    expect(r.form.fields.get('lang')).toBe('en');
    expect(r.form.fields.get('text')).toBe('快递单号 SF123\r\nsecond line');
    expect(r.form.files.map((f) => [f.filename, f.contentType, f.size])).toEqual([
      ['a.png', 'image/png', PNG.length],
      ['报告.pdf', 'application/pdf', 8],
    ]);
    expect(Buffer.from(r.form.files[0]!.content)).toEqual(PNG);
  });

  it('hands over an empty file input as a nameless part (the domain drops it) and hostile names as sent (the domain cleans them)', async () => {
    const body = multipart([
      { name: 'text', content: '' },
      { name: 'files', filename: '', type: 'application/octet-stream', content: '' },
      { name: 'files', filename: `..\\..\\x/inv\u202Egnp.exe${'a'.repeat(300)}`, type: 'image/png', content: PNG },
    ]);
    const r = await readFormWithFiles(event(body, TYPE), 'files', LIMIT);
    if (!r.ok) throw new Error('refused');
    expect(r.form.files.map((f) => f.size)).toEqual([0, PNG.length]);
    expect(r.form.files[1]!.filename).toContain('\u202E');
  });

  it('bounds the multipart body as received: at the limit read, one byte over 413, a base64 body far over it refused before decoding', async () => {
    const at = multipart([{ name: 'files', filename: 'big.jpg', type: 'image/jpeg', content: Buffer.alloc(0) }]);
    const filler = Buffer.alloc(LIMIT - at.length);
    const exact = multipart([{ name: 'files', filename: 'big.jpg', type: 'image/jpeg', content: filler }]);
    expect(exact.length).toBe(LIMIT);
    const ok = await readFormWithFiles(event(exact, TYPE), 'files', LIMIT);
    expect(ok.ok && ok.form.files[0]!.size).toBe(filler.length);
    const over = multipart([{ name: 'files', filename: 'big.jpg', type: 'image/jpeg', content: Buffer.alloc(filler.length + 1) }]);
    expect(await readFormWithFiles(event(over, TYPE), 'files', LIMIT)).toMatchObject({ ok: false, status: 413 });
    const huge = { ...event(undefined, TYPE), body: 'A'.repeat(64 * 1024 * 1024), isBase64Encoded: true };
    expect(await readFormWithFiles(huge, 'files', LIMIT)).toMatchObject({ ok: false, status: 413 });
  });

  it('answers a multipart body it cannot parse with 400, and multipart where files are not taken with 415', async () => {
    expect(await readFormWithFiles(event('--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello', TYPE), 'files', LIMIT)).toMatchObject({ ok: false, status: 400 });
    expect(await readFormWithFiles(event(multipart([{ name: 'text', content: 'x' }]), 'multipart/form-data'), 'files', LIMIT)).toMatchObject({ ok: false, status: 400 });
    expect(await readFormWithFiles(event(multipart([{ name: 'text', content: 'x' }]), TYPE), 'files', undefined)).toMatchObject({ ok: false, status: 415 });
  });

  it('reads URL-encoded forms as before: base64 or not, at most 64 KiB, other types 415', async () => {
    for (const base64 of [true, false]) {
      const r = await readFormWithFiles(event('text=%E5%BF%AB%E9%80%92&lang=zh-CN', 'application/x-www-form-urlencoded', base64), 'files', LIMIT);
      expect(r.ok && [r.form.fields.get('text'), r.form.files]).toEqual(['快递', []]);
    }
    expect(await readFormWithFiles(event(`text=${'x'.repeat(64 * 1024)}`, 'application/x-www-form-urlencoded'), 'files', LIMIT)).toMatchObject({ ok: false, status: 413 });
    expect(await readFormWithFiles(event('{}', 'application/json'), 'files', LIMIT)).toMatchObject({ ok: false, status: 415 });
    const none = await readFormWithFiles(event(undefined, undefined), 'files', LIMIT);
    expect(none.ok && none.form.fields.toString()).toBe('');
  });
});

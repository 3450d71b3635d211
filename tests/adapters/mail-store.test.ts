import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalMailStore } from '../../functions/adapters/local-mail-store.ts';
import { S3MailStore } from '../../functions/adapters/s3-mail-store.ts';

const s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const s3Mock = mockClient(s3);
const png = new Uint8Array([137, 80, 78, 71]);

describe('deleting everything under a prefix (an erasure)', () => {
  beforeEach(() => s3Mock.reset());

  it('lists the prefix page by page and deletes each page in one request', async () => {
    const keys = Array.from({ length: 1500 }, (_, i) => `attachments/c1/${String(i).padStart(4, '0')}-a.png`);
    s3Mock
      .on(ListObjectsV2Command, { Prefix: 'attachments/c1/', ContinuationToken: undefined })
      .resolves({ Contents: keys.slice(0, 1000).map((Key) => ({ Key })), IsTruncated: true, NextContinuationToken: 'page-2' })
      .on(ListObjectsV2Command, { Prefix: 'attachments/c1/', ContinuationToken: 'page-2' })
      .resolves({ Contents: keys.slice(1000).map((Key) => ({ Key })), IsTruncated: false });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    expect(await new S3MailStore(s3, 'mail-bucket').deleteUnder('attachments/c1/')).toBe(1500);
    const deletes = s3Mock.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input);
    expect(deletes.map((d) => [d.Bucket, d.Delete?.Objects?.length, d.Delete?.Quiet])).toEqual([
      ['mail-bucket', 1000, true],
      ['mail-bucket', 500, true],
    ]);
    expect(deletes.flatMap((d) => d.Delete?.Objects?.map((o) => o.Key))).toEqual(keys);
  });

  it('deletes nothing and makes no delete request when nothing is there', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });
    expect(await new S3MailStore(s3, 'mail-bucket').deleteUnder('attachments/none/')).toBe(0);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('fails when S3 reports an object it did not delete, so the erasure is repeated', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'attachments/c1/a' }, { Key: 'attachments/c1/b' }], IsTruncated: false });
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'attachments/c1/b', Code: 'AccessDenied', Message: 'Access Denied' }] });
    await expect(new S3MailStore(s3, 'mail-bucket').deleteUnder('attachments/c1/')).rejects.toThrow('1 of 2 objects under attachments/c1/ were not deleted: AccessDenied Access Denied');
  });

  describe('locally', () => {
    const folder = mkdtempSync(join(tmpdir(), 'mail-store-'));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('deletes the files under the prefix, also those kept on disk by an earlier run', async () => {
      const earlier = new LocalMailStore(folder);
      await earlier.putAttachment('attachments/c1/m1/1-a.png', png, 'image/png');
      await earlier.putAttachment('attachments/c10/m1/1-b.png', png, 'image/png');
      await earlier.putRaw('inbound/ses-1', png);
      // A restarted runtime: nothing in memory, the files on disk.
      const store = new LocalMailStore(folder);
      await store.putAttachment('attachments/c1/m2/1-c.png', png, 'image/png');
      expect(await store.deleteUnder('attachments/c1/')).toBe(2);
      expect(await store.get('attachments/c1/m1/1-a.png')).toBeUndefined();
      expect(await store.get('attachments/c1/m2/1-c.png')).toBeUndefined();
      // `c10` only shares the characters, not the folder; raw mail stays.
      expect(await store.get('attachments/c10/m1/1-b.png')).toEqual(png);
      expect(await store.get('inbound/ses-1')).toEqual(png);
      expect(await store.deleteUnder('attachments/c1/')).toBe(0);
    });
  });
});

describe('download links to a stored file', () => {
  it('presigns an S3 GET with the function credentials, for a minute, answered as a download under the file name', async () => {
    const signing = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session-token' } });
    const store = new S3MailStore(signing, 'mail-bucket', () => import('../../functions/adapters/s3-presign.ts'));
    const url = new URL(await store.downloadUrl('attachments/c1/m1/0-发票.pdf', '发票.pdf', 60));
    expect(url.protocol).toBe('https:');
    expect(url.hostname).toBe('mail-bucket.s3.eu-west-1.amazonaws.com');
    expect(decodeURIComponent(url.pathname)).toBe('/attachments/c1/m1/0-发票.pdf');
    const q = url.searchParams;
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(q.get('X-Amz-Security-Token')).toBe('session-token');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(q.get('response-content-disposition')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf`);
    expect(q.get('response-content-type')).toBe('application/octet-stream');
    expect(q.get('response-cache-control')).toBe('private, no-store');
  });

  it('refuses to make a link in a function not given the presigner', async () => {
    await expect(new S3MailStore(s3, 'mail-bucket').downloadUrl('attachments/c1/a', 'a.png', 60)).rejects.toThrow('no presigner');
  });

  describe('locally', () => {
    let now = Date.parse('2026-12-03T10:00:00Z');
    const store = new LocalMailStore(undefined, () => now);
    const linkOf = async (key: string, name: string) => new URL(await store.downloadUrl(key, name, 60), 'http://127.0.0.1');

    it('serves the file by its link as the console serves small ones, while the link is valid', async () => {
      await store.putAttachment('attachments/c2/m1/0-screen.png', png, 'image/png');
      const link = await linkOf('attachments/c2/m1/0-screen.png', 'screen "1".png');
      expect(link.pathname).toBe('/local/mail/download');
      const file = await store.download(link.searchParams);
      expect(file.statusCode).toBe(200);
      expect(file.body).toEqual(png);
      expect(file.headers).toMatchObject({
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="screen _1_.png"; filename*=UTF-8''screen%20%221%22.png`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      });
      now += 60_000;
      expect((await store.download(link.searchParams)).statusCode).toBe(200);
      now += 1_000;
      const expired = await store.download(link.searchParams);
      expect([expired.statusCode, expired.body]).toEqual([403, 'The link has expired: open the file from the complaint page again.']);
    });

    it('refuses a link with any part changed, one without a signature and one signed by another store', async () => {
      await store.putAttachment('attachments/c3/m1/0-a.png', png, 'image/png');
      await store.putAttachment('attachments/c4/m1/0-b.png', png, 'image/png');
      const link = await linkOf('attachments/c3/m1/0-a.png', 'a.png');
      for (const [param, value] of [
        ['key', 'attachments/c4/m1/0-b.png'],
        ['name', 'a.html'],
        ['expires', String(Number(link.searchParams.get('expires')) + 3600)],
        ['signature', ''],
      ] as const) {
        const altered = new URLSearchParams(link.searchParams);
        altered.set(param, value);
        const file = await store.download(altered);
        expect([file.statusCode, file.body], param).toEqual([403, 'The link is not valid.']);
      }
      expect((await store.download(new URLSearchParams())).statusCode).toBe(403);
      const other = new URL(await new LocalMailStore(undefined, () => now).downloadUrl('attachments/c3/m1/0-a.png', 'a.png', 60), 'http://127.0.0.1');
      expect((await store.download(other.searchParams)).statusCode).toBe(403);
    });

    it('answers 404 once the file is erased, to a link made before', async () => {
      await store.putAttachment('attachments/c5/m1/0-a.png', png, 'image/png');
      const link = await linkOf('attachments/c5/m1/0-a.png', 'a.png');
      await store.deleteUnder('attachments/c5/');
      expect((await store.download(link.searchParams)).statusCode).toBe(404);
    });
  });
});

describe('filing a raw message under its complaint', () => {
  beforeEach(() => s3Mock.reset());

  it('copies it to messages/<complaint id>/ and then deletes it from inbound/', async () => {
    s3Mock.on(CopyObjectCommand).resolves({});
    s3Mock.on(DeleteObjectCommand).resolves({});
    await new S3MailStore(s3, 'mail-bucket').fileMessage('inbound/ses-1', '01KC0000000000000000000000');
    expect(s3Mock.commandCalls(CopyObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'mail-bucket', Key: 'messages/01KC0000000000000000000000/ses-1', CopySource: 'mail-bucket/inbound/ses-1' },
    ]);
    expect(s3Mock.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'mail-bucket', Key: 'inbound/ses-1' }]);
  });

  it('does nothing for a message an earlier attempt moved, and keeps the original when the copy fails', async () => {
    // What CopyObject throws for a missing source: an S3 error named NoSuchKey (not the GetObject class).
    s3Mock.on(CopyObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
    await new S3MailStore(s3, 'mail-bucket').fileMessage('inbound/ses-1', 'c1');
    s3Mock.on(CopyObjectCommand).rejects(Object.assign(new Error('Slow Down'), { name: 'SlowDown' }));
    await expect(new S3MailStore(s3, 'mail-bucket').fileMessage('inbound/ses-1', 'c1')).rejects.toThrow('Slow Down');
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('locally moves the file, also one kept on disk by an earlier run, and ignores one already moved', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mail-file-'));
    try {
      await new LocalMailStore(folder).putRaw('inbound/ses-1', png);
      const store = new LocalMailStore(folder);
      await store.fileMessage('inbound/ses-1', 'c1');
      await store.fileMessage('inbound/ses-1', 'c1');
      expect(await store.get('inbound/ses-1')).toBeUndefined();
      expect(await new LocalMailStore(folder).get('messages/c1/ses-1')).toEqual(png);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
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

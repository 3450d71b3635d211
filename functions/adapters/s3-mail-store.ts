import { CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { filedMessageKey, MAIL_PREFIX } from '../domain/inbound-mail.ts';
import type { MailStore, RawMessage } from '../ports/inbound-mail.ts';

/** The mail bucket in S3 (SES writes raw messages under `inbound/`). */
export class S3MailStore implements MailStore {
  /**
   * @param presigner loads the presigning module, which only the function that hands out download
   *   links carries (`adapters/aws-mail-links.ts`); without it `downloadUrl` fails
   */
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly presigner?: () => Promise<typeof import('./s3-presign.ts')>,
  ) {}

  async downloadUrl(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
    if (!this.presigner) throw new Error('this mail store was given no presigner: the function does not hand out download links');
    const { signedDownloadUrl } = await this.presigner();
    return signedDownloadUrl(this.s3, this.bucket, key, fileName, expiresInSeconds);
  }

  async readRaw(key: string, maxBytes: number): Promise<RawMessage> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const size = res.ContentLength ?? 0;
      if (size > maxBytes) {
        // Not read: closing the stream frees the connection.
        res.Body?.transformToWebStream().cancel().catch(() => undefined);
        return { found: true, tooLarge: true, size };
      }
      const raw = await res.Body?.transformToByteArray();
      return raw ? { found: true, tooLarge: false, raw } : { found: false };
    } catch (err) {
      if (err instanceof NoSuchKey) return { found: false };
      throw err;
    }
  }

  async putAttachment(key: string, body: Uint8Array, contentType: string): Promise<void> {
    // Served only as a download, never rendered: the stored type is informative.
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentDisposition: 'attachment' }));
  }

  async quarantine(key: string): Promise<void> {
    const name = key.split('/').pop() ?? key;
    await this.s3.send(new CopyObjectCommand({ Bucket: this.bucket, Key: `${MAIL_PREFIX.quarantine}${name}`, CopySource: this.#copySource(key) }));
  }

  /** Copy, then delete the original: a crash between them leaves both, and the retry does both again. */
  async fileMessage(key: string, complaintId: string): Promise<void> {
    try {
      await this.s3.send(new CopyObjectCommand({ Bucket: this.bucket, Key: filedMessageKey(key, complaintId), CopySource: this.#copySource(key) }));
    } catch (err) {
      // Moved by an earlier attempt of the same invocation. (CopyObject's missing source is not
      // modelled as the NoSuchKey class, only named so.)
      if ((err as { name?: string }).name === 'NoSuchKey') return;
      throw err;
    }
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  #copySource(key: string): string {
    return `${this.bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
  }

  /** Lists the prefix a page (up to 1,000 keys) at a time and deletes each page in one request. */
  async deleteUnder(prefix: string): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length) {
        const res = await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
        // Quiet mode lists only failures; one is enough to fail the erasure, which can be repeated.
        const failed = res.Errors ?? [];
        if (failed.length) throw new Error(`${failed.length} of ${keys.length} objects under ${prefix} were not deleted: ${failed[0]?.Code ?? '?'} ${failed[0]?.Message ?? ''}`.trim());
        deleted += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }
}

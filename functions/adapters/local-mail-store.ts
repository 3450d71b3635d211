import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { filedMessageKey, MAIL_PREFIX } from '../domain/inbound-mail.ts';
import type { MailStore, RawMessage } from '../ports/inbound-mail.ts';
import { downloadHeaders } from './http.ts';

/** The local stand-in of a presigned S3 GET: where `npm start` serves it. */
export const LOCAL_DOWNLOAD_PATH = '/local/mail/download';

/** What a local download link gets: the file, or why not (S3's status codes for the same cases). */
export interface LocalDownload {
  readonly statusCode: 200 | 403 | 404;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | string;
}

/**
 * The local stand-in for the mail bucket: the same keys as in S3, kept in memory or, given a folder
 * (under the git-ignored `.local/`), as files.
 */
export class LocalMailStore implements MailStore {
  readonly #memory = new Map<string, { body: Uint8Array; contentType: string }>();
  /** Signs this process's download links; a restart makes the earlier ones invalid (they last seconds). */
  readonly #linkKey = randomBytes(32);

  /**
   * @param folder keep the objects as files here instead of in memory
   * @param now the wall clock of download links (as S3 checks a presigned URL's expiry by its own clock, not the simulated one)
   */
  constructor(
    private readonly folder?: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A link to {@link LOCAL_DOWNLOAD_PATH}, signed with this store's key, as S3 presigns one. */
  async downloadUrl(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
    const link = new URLSearchParams({ key, name: fileName, expires: String(Math.floor(this.now() / 1000) + expiresInSeconds) });
    link.set('signature', this.#signature(link));
    return `${LOCAL_DOWNLOAD_PATH}?${link.toString()}`;
  }

  /**
   * Serves a link made by {@link downloadUrl}: the file as a download while the link is valid; 403
   * for an expired, altered or unsigned link, 404 for a file no longer stored.
   */
  async download(query: URLSearchParams): Promise<LocalDownload> {
    const plain = (statusCode: 403 | 404, body: string): LocalDownload => ({ statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body });
    const given = Buffer.from(query.get('signature') ?? '', 'base64url');
    const expected = Buffer.from(this.#signature(query), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return plain(403, 'The link is not valid.');
    if (Number(query.get('expires')) * 1000 < this.now()) return plain(403, 'The link has expired: open the file from the complaint page again.');
    const body = await this.#read(query.get('key')!);
    if (!body) return plain(404, 'The file is no longer stored.');
    return { statusCode: 200, headers: downloadHeaders(query.get('name')!), body };
  }

  #signature(link: URLSearchParams): string {
    const signed = JSON.stringify(['key', 'name', 'expires'].map((k) => link.get(k)));
    return createHmac('sha256', this.#linkKey).update(signed).digest('base64url');
  }

  /** Stores a raw message as SES's S3 action would. */
  async putRaw(key: string, raw: Uint8Array): Promise<void> {
    await this.#write(key, raw, 'message/rfc822');
  }

  async readRaw(key: string, maxBytes: number): Promise<RawMessage> {
    const found = await this.#read(key);
    if (!found) return { found: false };
    if (found.length > maxBytes) return { found: true, tooLarge: true, size: found.length };
    return { found: true, tooLarge: false, raw: found };
  }

  async putAttachment(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.#write(key, body, contentType);
  }

  async quarantine(key: string): Promise<void> {
    const found = await this.#read(key);
    if (found) await this.#write(`${MAIL_PREFIX.quarantine}${key.split('/').pop() ?? key}`, found, 'message/rfc822');
  }

  async fileMessage(key: string, complaintId: string): Promise<void> {
    const found = await this.#read(key);
    if (!found) return;
    await this.#write(filedMessageKey(key, complaintId), found, 'message/rfc822');
    this.#memory.delete(key);
    if (this.folder) await rm(this.#path(key), { force: true });
  }

  async deleteUnder(prefix: string): Promise<number> {
    const keys = new Set([...this.#memory.keys()].filter((k) => k.startsWith(prefix)));
    for (const k of keys) this.#memory.delete(k);
    if (this.folder) {
      // Files kept from an earlier run are not in memory: list them on disk too.
      const root = resolve(this.folder);
      const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const key = relative(root, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/');
        if (!key.startsWith(prefix)) continue;
        await rm(this.#path(key), { force: true });
        keys.add(key);
      }
    }
    return keys.size;
  }

  /** Every stored key and its size (for tests and the local views). */
  async list(): Promise<Array<{ key: string; size: number }>> {
    return [...this.#memory.entries()].map(([key, v]) => ({ key, size: v.body.length }));
  }

  /** The bytes under a key, if any. */
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.#read(key);
  }

  #path(key: string): string {
    const root = resolve(this.folder!);
    const path = resolve(join(root, key));
    if (!path.startsWith(root + sep)) throw new Error(`mail store key escapes its folder: ${key}`);
    return path;
  }

  async #write(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.#memory.set(key, { body, contentType });
    if (!this.folder) return;
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  async #read(key: string): Promise<Uint8Array | undefined> {
    const held = this.#memory.get(key);
    if (held) return held.body;
    if (!this.folder) return undefined;
    try {
      await stat(this.#path(key));
      return new Uint8Array(await readFile(this.#path(key)));
    } catch {
      return undefined;
    }
  }
}

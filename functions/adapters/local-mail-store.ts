import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { MAIL_PREFIX } from '../domain/inbound-mail.ts';
import type { MailStore, RawMessage } from '../ports/inbound-mail.ts';

/**
 * The local stand-in for the mail bucket: the same keys as in S3, kept in memory or, given a folder
 * (under the git-ignored `.local/`), as files.
 */
export class LocalMailStore implements MailStore {
  readonly #memory = new Map<string, { body: Uint8Array; contentType: string }>();

  constructor(private readonly folder?: string) {}

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

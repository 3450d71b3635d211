import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LinkKeysError, parseLinkKeys, type LinkKeys } from '../domain/link-signing.ts';

/** The file in `DYNAMODB_PERSIST_DIR` that keeps the local link signing keys across restarts. */
export const LINK_KEYS_FILE = 'link-keys.json';

const fresh = () => JSON.stringify({ current: 'local', local: randomBytes(48).toString('base64url') });

/**
 * The local runtime's link signing keys, in the form the deployed secret has. With a data folder they
 * are kept in it (created on first start, readable by the owner only), so links in the outbox still
 * work after a restart; without one they live as long as the process, like the data.
 * @throws LinkKeysError naming the file and what is wrong with it
 */
export function localLinkKeys(persistDir: string | undefined): LinkKeys {
  if (persistDir === undefined) return parseLinkKeys(fresh());
  const file = join(persistDir, LINK_KEYS_FILE);
  // Created exclusively: two starts racing on a fresh folder (one will lose the folder's lock) both
  // read the one file, so the keys never differ from the links already signed with them.
  try {
    writeFileSync(file, fresh(), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    return parseLinkKeys(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof LinkKeysError) throw new LinkKeysError(`${file}: ${err.message} (delete the file to make new keys: links already sent stop working)`);
    throw err;
  }
}

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkKeysError, signToken, verifyToken } from '../../functions/domain/link-signing.ts';
import { LINK_KEYS_FILE, localLinkKeys } from '../../functions/local/local-link-keys.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'link-keys-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the local link signing keys', () => {
  it('are kept in the data folder, readable by the owner only, so links signed before a restart still verify', () => {
    const dir = freshDir();
    const first = localLinkKeys(dir);
    const token = signToken(first, 'unsubscribe', ['cust-1']);
    expect(statSync(join(dir, LINK_KEYS_FILE)).mode & 0o777).toBe(0o600);
    const afterRestart = localLinkKeys(dir);
    expect(verifyToken(afterRestart, 'unsubscribe', token)).toEqual(['cust-1']);
    expect(JSON.parse(readFileSync(join(dir, LINK_KEYS_FILE), 'utf8'))).toMatchObject({ current: 'local' });
  });

  it('live as long as the process without a data folder: another start verifies none of them', () => {
    const token = signToken(localLinkKeys(undefined), 'unsubscribe', ['cust-1']);
    expect(verifyToken(localLinkKeys(undefined), 'unsubscribe', token)).toBeUndefined();
  });

  it('refuse a damaged file with one message naming it and what to do', () => {
    const dir = freshDir();
    writeFileSync(join(dir, LINK_KEYS_FILE), JSON.stringify({ current: 'local', local: 'too short' }));
    expect(() => localLinkKeys(dir)).toThrow(LinkKeysError);
    expect(() => localLinkKeys(dir)).toThrow(`${join(dir, LINK_KEYS_FILE)}: link keys: local must be a secret of at least 32 characters (delete the file to make new keys: links already sent stop working)`);
  });
});

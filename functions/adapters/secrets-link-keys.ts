import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { LinkKeysError, parseLinkKeys, type LinkKeys } from '../domain/link-signing.ts';

/** How long a container keeps the secret before reading it again: a rotation reaches every container within this. */
const MAX_AGE_SECONDS = 300;

let parsed: { readonly text: string; readonly keys: LinkKeys } | undefined;

/**
 * The link signing keys from their Secrets Manager secret (`{"current":"k1","k1":"…"}`), read with
 * Powertools Parameters' cache, parsed again only when the secret's text changed.
 * @throws LinkKeysError when the secret is not in that form
 */
export async function linkKeysFromSecret(secretId: string): Promise<LinkKeys> {
  const text = await getSecret(secretId, { maxAge: MAX_AGE_SECONDS });
  if (typeof text !== 'string') throw new LinkKeysError(`link keys: secret ${secretId} holds no text`);
  if (parsed?.text !== text) parsed = { text, keys: parseLinkKeys(text) };
  return parsed.keys;
}

import type { Locale } from '../domain/config.ts';
import { isSignedTokenShape } from '../domain/link-signing.ts';
import { isWellFormedToken } from '../domain/survey.ts';
import type { Clock } from '../ports/clock.ts';
import type { OptOutStore, UnsubscribeLink } from '../ports/survey-store.ts';

/** The customer, language and recipient an unsubscribe link belongs to, or undefined for an unknown or malformed one. */
export async function findUnsubscribeLink(token: string, deps: { readonly optOuts: OptOutStore; readonly clock: Clock }): Promise<UnsubscribeLink | undefined> {
  if (!isWellFormedToken(token) && !isSignedTokenShape(token)) return undefined;
  return deps.optOuts.findUnsubscribeLink(token, deps.clock.now());
}

/**
 * Records that the inbox an unsubscribe link was sent to wants no more messages (idempotent: a second
 * click changes nothing that matters). Only that inbox's owner received the link, so only that inbox
 * is silenced, not the customer id (anyone can file under any id). Every later progress message and
 * survey to it checks it. A link issued before opt-outs were kept per address does not say where it
 * went: it silences the customer id, as it did when issued.
 */
export async function unsubscribeCustomer(
  token: string,
  source: 'unsubscribe_link' | 'one_click',
  deps: { readonly optOuts: OptOutStore; readonly clock: Clock },
): Promise<{ locale: Locale } | undefined> {
  const link = await findUnsubscribeLink(token, deps);
  if (!link) return undefined;
  await deps.optOuts.optOut(link, deps.clock.now(), source);
  return { locale: link.locale };
}

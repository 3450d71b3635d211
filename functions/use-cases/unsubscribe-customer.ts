import type { Locale } from '../domain/config.ts';
import { isWellFormedToken } from '../domain/survey.ts';
import type { Clock } from '../ports/clock.ts';
import type { OptOutStore } from '../ports/survey-store.ts';

/** The customer and language an unsubscribe link belongs to, or undefined for an unknown or malformed one. */
export async function findUnsubscribeLink(token: string, deps: { readonly optOuts: OptOutStore }): Promise<{ customerId: string; locale: Locale } | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  return deps.optOuts.findUnsubscribeLink(token);
}

/**
 * Records that the customer behind an unsubscribe link wants no more messages (idempotent: a second
 * click changes nothing that matters). Every later progress message and survey checks it.
 */
export async function unsubscribeCustomer(
  token: string,
  source: 'unsubscribe_link' | 'one_click',
  deps: { readonly optOuts: OptOutStore; readonly clock: Clock },
): Promise<{ locale: Locale } | undefined> {
  const link = await findUnsubscribeLink(token, deps);
  if (!link) return undefined;
  await deps.optOuts.optOut(link.customerId, deps.clock.now(), source);
  return { locale: link.locale };
}

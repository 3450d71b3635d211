/**
 * One key per inbox or phone. Spellings that reach the same inbox (`Victim+1@example.com`,
 * `v.i.c.t.i.m@googlemail.com`) are one recipient to the receipt cap and to opt-outs, so a caller
 * cannot multiply a person's receipts, or dodge their opt-out, by varying the spelling. Messages still
 * go to the address exactly as given: the key is only what is counted and kept under (hashed; the
 * address itself is never stored with it).
 */

/** Who a customer message goes to: an address or an E.164 number, as the customer gave it. */
export interface Recipient {
  readonly channel: 'email' | 'sms';
  readonly to: string;
}

/** Domains whose mailboxes ignore dots in the local part, and the one they are counted under. */
const DOTLESS_DOMAINS: Readonly<Record<string, string>> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The inbox an address reaches: lower-cased; a `+tag` (RFC 5233 subaddress) dropped from the local
 * part for every domain; for Gmail also the dots, with googlemail.com counted as gmail.com. A local
 * part that is only a tag (`+x@…`) is kept whole.
 */
export function mailboxOf(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const domain = lower.slice(at + 1);
  const plus = lower.indexOf('+');
  let local = plus > 0 && plus < at ? lower.slice(0, plus) : lower.slice(0, at);
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless === undefined) return `${local}@${domain}`;
  local = local.replaceAll('.', '');
  return local === '' ? lower : `${local}@${dotless}`;
}

/** The normalised form a recipient is counted under: an address as its inbox ({@link mailboxOf}), a number as given (E.164). */
export function recipientKey(recipient: Recipient): string {
  return `${recipient.channel}:${recipient.channel === 'email' ? mailboxOf(recipient.to) : recipient.to.trim()}`;
}

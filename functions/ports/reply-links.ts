/** What a reply link (`/r/<token>` in a "waiting on you" or "resolved" SMS) stands for. */
export interface ReplyLinkRecord {
  readonly complaintId: string;
  readonly expiresAt: string;
}

/**
 * Personal reply links for customers who can only be reached by SMS: only the token's SHA-256 is
 * stored (`REPLYLINK#<hash>` in the state table), as for the reply addresses of customer emails
 * (`ReplyTokenStore` in ports/inbound-mail.ts), but bound to the complaint alone: a web reply has no
 * sender address to check it against, so no hash of the phone number is kept either.
 */
export interface ReplyLinkStore {
  /** A fresh token for one reply to `complaintId`, usable for `ttlDays`. */
  issue(complaintId: string, now: Date, ttlDays: number): Promise<string>;
  /** What a token stands for, or undefined for a malformed or unknown one (expired ones too are returned: the caller compares `expiresAt`). */
  find(token: string): Promise<ReplyLinkRecord | undefined>;
}

import type { ParsedEmail } from '../domain/inbound-mail.ts';

/** What reading a stored raw message found. */
export type RawMessage = { found: false } | { found: true; tooLarge: true; size: number } | { found: true; tooLarge: false; raw: Uint8Array };

/**
 * The mail bucket (S3 in AWS, a folder or memory locally): raw inbound messages under `inbound/`,
 * quarantined ones under `quarantine/`, kept attachments under `attachments/<complaint id>/`.
 */
export interface MailStore {
  /** The raw message under `key`; not read when larger than `maxBytes`. */
  readRaw(key: string, maxBytes: number): Promise<RawMessage>;
  /** Stores an attachment; writing the same key again overwrites it with the same bytes (retries are safe). */
  putAttachment(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Copies a raw message to `quarantine/` for review. */
  quarantine(key: string): Promise<void>;
  /**
   * Moves the raw message under `key` to `messages/<complaint id>/` (`filedMessageKey`): kept
   * as long as raw messages, and found by the erasure of the complaint's customer. Moving a message
   * already moved (a retried invocation) does nothing.
   */
  fileMessage(key: string, complaintId: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (an erasure); returns how many there were. Repeating it finds none. */
  deleteUnder(prefix: string): Promise<number>;
  /**
   * A URL from which a browser, with no other credential, downloads the object under `key` as
   * `fileName` for the next `expiresInSeconds` (files too large to pass through a function's
   * answer). A URL the store cannot honour any more (expired, altered) is refused by the store.
   */
  downloadUrl(key: string, fileName: string, expiresInSeconds: number): Promise<string>;
}

/** Parses raw MIME; a message the parser refuses (nesting too deep, malformed beyond repair) throws {@link UnparseableMessageError}. */
export type MimeParser = (raw: Uint8Array) => Promise<ParsedEmail>;

/** The parser refused these bytes: the same bytes fail the same way on every retry. */
export class UnparseableMessageError extends Error {
  override readonly name = 'UnparseableMessageError';
}

/** What a reply token stands for. */
export interface ReplyTokenRecord {
  readonly complaintId: string;
  /** SHA-256 of the lower-cased address the email carrying the token was sent to. */
  readonly recipientHash: string;
  readonly expiresAt: string;
}

/** Reply addresses (`complaints+<token>@…`): signed tokens, or (without link keys, and from before) random ones stored only as their SHA-256. */
export interface ReplyTokenStore {
  /** A token for an email to `recipient` about a complaint: signed where the runtime has link keys, else random and stored hashed. */
  issue(complaintId: string, recipient: string, now: Date, ttlDays: number): Promise<string>;
  /**
   * What a token in mail from `sender` stands for, or undefined for an unknown one. A signed token
   * verifies only for the address it was sent to, and then names that address's hash.
   */
  find(token: string, sender: string): Promise<ReplyTokenRecord | undefined>;
}

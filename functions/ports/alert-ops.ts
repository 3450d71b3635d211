import type { AckLink } from '../domain/alert-ack.ts';
import type { AlertingOverride } from '../domain/alerting-override.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import type { Silence } from '../domain/silence.ts';

/** An SMS held for quiet hours, due at `sendAt`. */
export interface DeferredSms {
  /** Opaque key to remove it once sent. */
  readonly key: string;
  readonly sendAt: string;
  /** The incident's category, so the sender can check the incident is still open. */
  readonly category: string;
  /** When it was held (absent on SMS held before this was recorded). */
  readonly heldAt?: string;
  readonly message: OutboundMessage;
}

/** What agents and recipients change about alerting at run time: ack links, silences, overrides, held SMS. */
export interface AlertOpsStore {
  /** Stores a link under the token's hash (never the token); it expires by TTL after its validity. */
  saveAckLink(token: string, link: AckLink): Promise<void>;
  findAckLink(token: string): Promise<AckLink | undefined>;

  addSilence(silence: Silence): Promise<void>;
  /** Silences newest-ending first, at most `limit` (bounded Query). */
  listSilences(limit?: number): Promise<Silence[]>;
  /** A silence of the category in force at `now` (reads only silences that have not ended yet). */
  activeSilence(category: string, now: Date): Promise<Silence | undefined>;
  /** The silence with this id, ended or not (silences are few: one bounded Query). */
  findSilence(id: string): Promise<Silence | undefined>;
  /**
   * Replaces `previous` with `next` (same id, new end), atomically.
   * @returns false when `previous` changed or vanished meanwhile
   */
  replaceSilence(previous: Silence, next: Silence): Promise<boolean>;
  /** Counts a breach the silence swallowed. */
  noteSuppressed(silence: Silence, count: number, now: Date): Promise<void>;

  putOverride(override: AlertingOverride): Promise<void>;
  /** The category's override; may be up to 30 seconds stale in another container. */
  getOverride(category: string): Promise<AlertingOverride | undefined>;
  /**
   * Removes the category's override (the deployed settings apply again; other containers within 30 seconds).
   * @returns the override removed, or undefined when there was none
   */
  deleteOverride(category: string): Promise<AlertingOverride | undefined>;

  /** Holds an SMS (direct or topic) until `sendAt`, noting when it was held; idempotent per message id. */
  deferSms(message: OutboundMessage, category: string, sendAt: Date, heldAt?: Date): Promise<void>;
  /** Held SMS due at `now`, oldest first. */
  dueSms(now: Date): Promise<DeferredSms[]>;
  removeDeferred(key: string): Promise<void>;
}

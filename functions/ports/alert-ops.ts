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
  /** Counts a breach the silence swallowed. */
  noteSuppressed(silence: Silence, count: number, now: Date): Promise<void>;

  /**
   * Ends a silence now (idempotent: an ended one is returned as it is).
   * @returns the silence as it now stands, or undefined when there is no such silence
   */
  endSilence(id: string, now: Date, actor: string): Promise<Silence | undefined>;

  putOverride(override: AlertingOverride): Promise<void>;
  /** Removes the category's override; the deployed config applies again. @returns whether there was one */
  deleteOverride(category: string): Promise<boolean>;
  /** The category's override; may be up to 30 seconds stale in another container. */
  getOverride(category: string): Promise<AlertingOverride | undefined>;

  /** Holds an SMS (direct or topic) until `sendAt`; idempotent per message id. */
  deferSms(message: OutboundMessage, category: string, sendAt: Date): Promise<void>;
  /** Held SMS due at `now`, oldest first. */
  dueSms(now: Date): Promise<DeferredSms[]>;
  removeDeferred(key: string): Promise<void>;
}

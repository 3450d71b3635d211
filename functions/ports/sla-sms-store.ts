import type { Locale } from '../domain/config.ts';

/** What quiet hours held of one person's SLA SMS in one sweep; summed up once when they end. */
export interface HeldSlaSms {
  /** Opaque key to remove it once summarised. */
  readonly key: string;
  readonly sendAt: string;
  /** Phone (E.164). */
  readonly to: string;
  readonly locale: Locale;
  /** Ids of the departments whose complaints were escalated, in config order. */
  readonly departments: readonly string[];
  /** Escalated complaints the held SMS was about. */
  readonly escalations: number;
}

/** The SLA sweeper's SMS bookkeeping: the hourly ceiling per person and what quiet hours hold. */
export interface SlaSmsStore {
  /**
   * Counts one SMS against the person's ceiling for the clock hour; idempotent per message id (a
   * retried sweep counts its SMS once).
   * @returns whether the SMS may go (false: the ceiling is reached)
   */
  takeSmsQuota(phone: string, hour: string, messageId: string, limit: number): Promise<boolean>;
  /** Holds what one sweep would have texted; idempotent per message id. */
  hold(messageId: string, held: Omit<HeldSlaSms, 'key'>): Promise<void>;
  /** Everything held that is due at `now`, oldest first. */
  dueHeld(now: Date): Promise<HeldSlaSms[]>;
  removeHeld(key: string): Promise<void>;
}

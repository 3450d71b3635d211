import type { AlertComplaint, AlertIncident } from '../domain/alert.ts';

export interface AlertStore {
  /**
   * Opens an incident unless the category already has an open one (conditional write, so concurrent
   * or replayed batches open exactly one).
   * @returns the incident now open for the category and whether this call opened it
   */
  openIncident(incident: AlertIncident): Promise<{ opened: boolean; incident: AlertIncident }>;
  /** The category's open (or acknowledged) incident, if any: reads only, so a sustained breach costs no writes. */
  findOpen(category: string): Promise<AlertIncident | undefined>;
  /**
   * Raises an incident's stored peak (and count) to a higher window count: the volume monitor's new
   * peak, with the newest complaints it saw, or a count a message is about to report (newest left
   * alone). Conditional, so it never lowers what another writer stored.
   */
  raisePeak(incident: AlertIncident, count: number, now: Date, newest?: readonly AlertComplaint[]): Promise<void>;
  /** Marks that the incident's raise notifications went out. */
  markNotified(incident: AlertIncident, at: Date): Promise<void>;
  getIncident(category: string, incidentId: string): Promise<AlertIncident | undefined>;
  /**
   * The open and acknowledged incidents, without a Scan: of all categories, or only of `categories`
   * (which reads only the index partitions those categories' pointers can be in).
   */
  listOpen(categories?: readonly string[]): Promise<Array<{ category: string; incidentId: string }>>;
  /**
   * Writes an evaluation's outcome (state, reminders, escalation, calm period, version) onto the
   * incident, conditional on the version it was read at; a resolved incident also frees its
   * category for a new one. Count, peak and titles are left alone (the monitor owns them).
   * @returns false when someone else wrote the incident first (nothing changed)
   */
  updateLifecycle(before: AlertIncident, after: AlertIncident): Promise<boolean>;
  /** The category's newest incidents (any state), newest first, at most `limit`: one bounded Query. */
  listRecent(category: string, limit: number): Promise<AlertIncident[]>;
}

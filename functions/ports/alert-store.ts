import type { AlertIncident } from '../domain/alert.ts';

export interface AlertStore {
  /**
   * Opens an incident unless the category already has an open one (conditional write, so concurrent
   * or replayed batches open exactly one).
   * @returns the incident now open for the category and whether this call opened it
   */
  openIncident(incident: AlertIncident): Promise<{ opened: boolean; incident: AlertIncident }>;
  /** Records a newer count on the open incident (count, peak, newest titles). */
  updateOpenIncident(category: string, incidentId: string, count: number, newestTitles: readonly string[]): Promise<void>;
  /** Marks that the incident's raise notifications went out. */
  markNotified(incident: AlertIncident, at: Date): Promise<void>;
  getIncident(category: string, incidentId: string): Promise<AlertIncident | undefined>;
}

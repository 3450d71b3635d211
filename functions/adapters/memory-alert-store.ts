import type { AlertComplaint, AlertIncident } from '../domain/alert.ts';
import type { AlertStore } from '../ports/alert-store.ts';

/**
 * Alert incidents in memory, for replays and tests, with the DynamoDB store's semantics: one open
 * incident per category, lifecycle writes conditional on the version read.
 */
export class MemoryAlertStore implements AlertStore {
  readonly #incidents = new Map<string, AlertIncident>();
  readonly #open = new Map<string, string>();

  async openIncident(incident: AlertIncident): Promise<{ opened: boolean; incident: AlertIncident }> {
    const openId = this.#open.get(incident.category);
    if (openId !== undefined) return { opened: false, incident: this.#get(incident.category, openId)! };
    this.#open.set(incident.category, incident.id);
    this.#incidents.set(key(incident.category, incident.id), { ...incident });
    return { opened: true, incident };
  }

  async findOpen(category: string): Promise<AlertIncident | undefined> {
    const id = this.#open.get(category);
    return id === undefined ? undefined : this.#get(category, id);
  }

  async raisePeak(incident: AlertIncident, count: number, now: Date, newest?: readonly AlertComplaint[]): Promise<void> {
    const stored = this.#incidents.get(key(incident.category, incident.id));
    if (!stored || stored.peak >= count) return;
    this.#incidents.set(key(incident.category, incident.id), { ...stored, count, peak: count, ...(newest && { newest: newest.map((c) => ({ ...c })) }), updatedAt: now.toISOString() });
  }

  async markNotified(incident: AlertIncident, at: Date): Promise<void> {
    const stored = this.#incidents.get(key(incident.category, incident.id));
    if (stored && stored.notifiedAt === undefined) this.#incidents.set(key(incident.category, incident.id), { ...stored, notifiedAt: at.toISOString() });
  }

  async getIncident(category: string, incidentId: string): Promise<AlertIncident | undefined> {
    return this.#get(category, incidentId);
  }

  async listOpen(categories?: readonly string[]): Promise<Array<{ category: string; incidentId: string }>> {
    return [...this.#open.entries()].filter(([category]) => !categories || categories.includes(category)).map(([category, incidentId]) => ({ category, incidentId }));
  }

  async updateLifecycle(before: AlertIncident, after: AlertIncident): Promise<boolean> {
    const k = key(before.category, before.id);
    const stored = this.#incidents.get(k);
    if (!stored || stored.version !== before.version) return false;
    // Count, peak and titles stay as the monitor last wrote them.
    this.#incidents.set(k, { ...after, count: stored.count, peak: stored.peak, newest: stored.newest, updatedAt: stored.updatedAt });
    if (after.state === 'resolved' && this.#open.get(before.category) === before.id) this.#open.delete(before.category);
    return true;
  }

  async listRecent(category: string, limit: number): Promise<AlertIncident[]> {
    return this.all()
      .filter((i) => i.category === category)
      .sort((x, y) => (x.openedAt < y.openedAt ? 1 : -1))
      .slice(0, limit)
      .map((i) => ({ ...i }));
  }

  /** Whether any incident is open: a replay skips evaluator ticks that would find nothing. */
  hasOpen(): boolean {
    return this.#open.size > 0;
  }

  /** Every incident, in the order they opened. */
  all(): AlertIncident[] {
    return [...this.#incidents.values()];
  }

  #get(category: string, id: string): AlertIncident | undefined {
    const i = this.#incidents.get(key(category, id));
    return i ? { ...i } : undefined;
  }
}

function key(category: string, id: string): string {
  return `${category}\u0000${id}`;
}

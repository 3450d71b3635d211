import type { HeldSlaSms, SlaSmsStore } from '../ports/sla-sms-store.ts';
import { queuedKey } from './time-queue.ts';

/** The SLA SMS bookkeeping in memory (use-case tests). */
export class MemorySlaSmsStore implements SlaSmsStore {
  readonly #quota = new Map<string, Set<string>>();
  readonly #held = new Map<string, HeldSlaSms>();

  async takeSmsQuota(phone: string, hour: string, messageId: string, limit: number): Promise<boolean> {
    const key = `${phone}#${hour}`;
    const ids = this.#quota.get(key) ?? new Set<string>();
    this.#quota.set(key, ids);
    if (ids.has(messageId)) return true;
    if (ids.size >= limit) return false;
    ids.add(messageId);
    return true;
  }

  async hold(messageId: string, held: Omit<HeldSlaSms, 'key'>): Promise<void> {
    const key = queuedKey(held.sendAt, messageId);
    this.#held.set(key, { ...held, key });
  }

  async dueHeld(now: Date): Promise<HeldSlaSms[]> {
    return [...this.#held.values()].filter((h) => Date.parse(h.sendAt) <= now.getTime()).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async removeHeld(key: string): Promise<void> {
    this.#held.delete(key);
  }
}

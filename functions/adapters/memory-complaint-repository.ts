import type { ComplaintRepository, ComplaintSummary } from '../ports/complaint-repository.ts';

/**
 * Just enough of a complaint repository for replays: the newest summaries per category (alert
 * context). Storing full complaints is not supported: a replay has no customers.
 */
export class MemoryComplaintSummaries implements Pick<ComplaintRepository, 'newestInCategory'> {
  readonly #byCategory = new Map<string, ComplaintSummary[]>();
  readonly #keep: number;

  constructor(keep = 20) {
    this.#keep = keep;
  }

  add(category: string, summary: ComplaintSummary): void {
    const list = this.#byCategory.get(category) ?? [];
    list.push(summary);
    if (list.length > this.#keep * 2) list.splice(0, list.length - this.#keep);
    this.#byCategory.set(category, list);
  }

  async newestInCategory(category: string, limit: number): Promise<ComplaintSummary[]> {
    return [...(this.#byCategory.get(category) ?? [])].slice(-limit).reverse();
  }
}

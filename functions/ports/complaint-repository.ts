import type { Complaint } from '../domain/complaint.ts';

export type CreateResult = { created: true; complaint: Complaint } | { created: false; complaint: Complaint };

export interface ComplaintSummary {
  readonly id: string;
  readonly title?: string;
  readonly description: string;
  readonly receivedAt: string;
}

export interface ComplaintRepository {
  /**
   * Stores a new complaint. With an external id, the pair (channel, externalId) is claimed in the
   * same transaction: when it was claimed before, nothing is written and the first complaint is returned.
   */
  create(complaint: Complaint): Promise<CreateResult>;
  get(id: string): Promise<Complaint | undefined>;
  /** Newest complaints of a category, newest first (served by the byCategory index). */
  newestInCategory(category: string, limit: number): Promise<ComplaintSummary[]>;
}

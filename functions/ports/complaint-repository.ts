import type { Complaint, ComplaintStatus } from '../domain/complaint.ts';
import type { KpiComplaint } from '../domain/kpis.ts';

export type CreateResult = { created: true; complaint: Complaint } | { created: false; complaint: Complaint };

export interface ComplaintSummary {
  readonly id: string;
  readonly title?: string;
  readonly description: string;
  readonly receivedAt: string;
  /** How the category was decided (shown in alerts). */
  readonly classification?: Complaint['classification'];
  /** Whether the complaint is marked as an escalation risk (shown in alerts). */
  readonly escalationRisk?: { readonly marked: boolean };
}

export interface ComplaintFilter {
  readonly status?: ComplaintStatus;
  readonly department?: string;
  readonly category?: string;
  /** Only complaints whose running SLA target is due at or before this time. */
  readonly overdueAt?: Date;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  readonly cursor?: string;
}

/** Thrown by `create` when the complaint's short reference is already taken; nothing was stored. */
export class ReferenceTakenError extends Error {
  override readonly name = 'ReferenceTakenError';
}

/** Thrown for a cursor this repository did not issue. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface ComplaintRepository {
  /**
   * Stores a new complaint. With an external id, the pair (channel, externalId) is claimed in the
   * same transaction: when it was claimed before, nothing is written and the first complaint is returned.
   * Its short reference is then claimed (a uniqueness record); when another complaint holds it, a
   * fresh one from `nextRef` replaces it (the result carries the reference it ended with).
   * @throws ReferenceTakenError when no fresh reference could be claimed
   */
  create(complaint: Complaint, nextRef?: () => string): Promise<CreateResult>;
  get(id: string): Promise<Complaint | undefined>;
  /** The complaint with this short reference (a uniqueness record points at it; never a Scan). */
  getByRef(ref: string): Promise<Complaint | undefined>;
  /**
   * Replaces a complaint if it is still at `expectedVersion` (optimistic concurrency).
   * @returns false when someone else changed it first: nothing was written
   */
  update(next: Complaint, expectedVersion: number): Promise<boolean>;
  /** Newest complaints of a category, newest first (served by the byCategory index). */
  newestInCategory(category: string, limit: number): Promise<ComplaintSummary[]>;
  /** A customer's complaints received since `since`, newest first (byCustomer index). */
  recentByCustomer(customerId: string, since: Date): Promise<Array<{ id: string; category: string; receivedAt: string }>>;
  /** A department's complaints received in `[from, to)`, KPI fields only (byDepartment index, all pages). */
  receivedBetween(department: string, from: Date, to: Date): Promise<KpiComplaint[]>;
  /** A page of complaints matching the filter, newest first, always served by an index. */
  list(filter: ComplaintFilter, limit: number, cursor?: string): Promise<Page<Complaint>>;
  /**
   * Complaints whose next SLA action time has come (the sparse bySweepAt index), oldest first.
   * @returns the complaints and how many items the query read
   */
  dueForSweep(now: Date, limit: number): Promise<{ items: Complaint[]; itemsRead: number }>;
  /**
   * A department's newest complaints received before `before` (and since `filter.since`), matching
   * the optional filters, newest first (byDepartment index); stops at `limit` matches or after
   * `maxRead` items read, so a selective filter cannot turn into a long walk.
   */
  newestInDepartment(department: string, filter: DepartmentFilter, before: string | undefined, limit: number, maxRead: number): Promise<Complaint[]>;
  /** Complaints by a customer id, email or phone (byCustomer, byEmail, byPhone indexes), newest first. */
  findByContact(kind: ContactKind, value: string, limit: number): Promise<Complaint[]>;
}

export type ContactKind = 'customer' | 'email' | 'phone';

export interface DepartmentFilter {
  readonly status?: ComplaintStatus;
  readonly category?: string;
  readonly severity?: string;
  readonly since?: Date;
}

import type { AlertIncident } from '../domain/alert.ts';
import type { Complaint } from '../domain/complaint.ts';
import type { ErasureRecord } from '../domain/personal-data.ts';

/** An item in the state table about one customer, besides their complaints. */
export interface PersonalItem {
  readonly kind: 'survey_link' | 'unsubscribe_link' | 'external_id' | 'opt_out' | 'survey_throttle';
  /** What an export shows of it (never a token or a hash). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Where it is stored, for deletion; opaque to the use cases. */
  readonly ref: { readonly pk: string; readonly sk: string };
}

/** Finds and removes what is stored about one customer id, without scanning a table. */
export interface CustomerDataStore {
  /** The customer's complaints (the complaints table's byCustomer index, then consistent reads). */
  complaintsOf(customerId: string): Promise<Complaint[]>;
  /** Links, claims, the throttle record and the opt-out (the state table's byCustomer index and keyed reads). */
  personalItemsOf(customerId: string): Promise<PersonalItem[]>;
  /** Every stored alert incident of a category (a year at most, by TTL). */
  incidentsOf(category: string): Promise<AlertIncident[]>;
  /** Writes an incident's newest titles and frequent words (only those). */
  replaceIncidentTexts(incident: AlertIncident): Promise<void>;
  deleteItems(items: readonly PersonalItem[]): Promise<void>;
  /** Keeps the erasure record; it holds no erased data. */
  recordErasure(record: ErasureRecord): Promise<void>;
  /** Erasures carried out for a customer id, oldest first. */
  erasuresOf(customerId: string): Promise<ErasureRecord[]>;
}

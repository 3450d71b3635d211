import type { Complaint } from '../domain/complaint.ts';
import type { ErasureRecord } from '../domain/personal-data.ts';
import type { Clock } from '../ports/clock.ts';
import type { CustomerDataStore } from '../ports/customer-data.ts';

export interface ExportCustomerDataDeps {
  readonly clock: Clock;
  readonly customerData: CustomerDataStore;
}

/** Everything stored about one customer id, as an access request is answered. */
export interface CustomerExport {
  readonly customerId: string;
  readonly exportedAt: string;
  /** Each complaint as stored, with its timeline (notes included) and survey answer. */
  readonly complaints: readonly Complaint[];
  /** The survey answers again, one per answered survey, for the reader's convenience. */
  readonly surveyAnswers: ReadonlyArray<Record<string, unknown>>;
  readonly surveyLinks: ReadonlyArray<Record<string, unknown>>;
  readonly unsubscribeLinks: ReadonlyArray<Record<string, unknown>>;
  readonly externalIds: ReadonlyArray<Record<string, unknown>>;
  /**
   * Opt-outs recorded through this customer id's unsubscribe links: each silences the inbox (`channel`)
   * its link was sent to; one without `channel` was recorded before opt-outs were kept per address and
   * silences every message to the customer id.
   */
  readonly optOuts: ReadonlyArray<Record<string, unknown>>;
  /** The first of `optOuts`, `null` when there is none (the field exports had before `optOuts`). */
  readonly optOut: Record<string, unknown> | null;
  /** The survey throttle: when the customer was last sent a survey. */
  readonly lastSurvey: Record<string, unknown> | null;
  /** Erasures already carried out for this id (who and when). */
  readonly erasures: readonly ErasureRecord[];
}

/**
 * Collects what is stored about one customer id.
 *
 * Primary course: the customer's complaints (index, then consistent reads), the state items that
 * name them (links, external-id claims, opt-out, survey throttle) and past erasures; tokens and
 * hashes are never part of it. Nothing found is a valid answer (empty lists).
 */
export async function exportCustomerData(customerId: string, deps: ExportCustomerDataDeps): Promise<CustomerExport> {
  const [complaints, items, erasures] = await Promise.all([
    deps.customerData.complaintsOf(customerId),
    deps.customerData.personalItemsOf(customerId),
    deps.customerData.erasuresOf(customerId),
  ]);
  const fieldsOf = (kind: string) => items.filter((i) => i.kind === kind).map((i) => ({ ...i.fields }));
  return {
    customerId,
    exportedAt: deps.clock.now().toISOString(),
    complaints,
    surveyAnswers: complaints.flatMap((c) => (c.surveyAnswer ? [{ complaintId: c.id, ...c.surveyAnswer }] : [])),
    surveyLinks: fieldsOf('survey_link'),
    unsubscribeLinks: fieldsOf('unsubscribe_link'),
    externalIds: fieldsOf('external_id'),
    optOuts: fieldsOf('opt_out'),
    optOut: fieldsOf('opt_out')[0] ?? null,
    lastSurvey: fieldsOf('survey_throttle')[0] ?? null,
    erasures,
  };
}

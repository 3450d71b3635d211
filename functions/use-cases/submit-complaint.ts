import { createComplaint, type Complaint, type ComplaintInput, type IntakeError } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';

export interface SubmitComplaintDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
  readonly newId: () => string;
  /** A fresh short reference (`YX-4K7M-9QD2`). */
  readonly newRef: () => string;
}


export type SubmitResult =
  | { outcome: 'created'; complaint: Complaint }
  | { outcome: 'duplicate'; complaint: Complaint }
  | { outcome: 'rejected'; error: IntakeError };

/**
 * Takes in one complaint from any channel.
 *
 * Primary course: look up the customer's recent complaints (a repeat in the same category is linked
 * and raised one severity step); classify, grade, route and set SLA due times; store it, claiming
 * (channel, externalId) in the same transaction so a resubmission stores and counts nothing new; then
 * claim its short reference (drawn again if taken).
 */
export async function submitComplaint(input: ComplaintInput, deps: SubmitComplaintDeps): Promise<SubmitResult> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - deps.config.slaPolicy.repeatWindowDays * 86_400_000);
  const earlier = await deps.complaints.recentByCustomer(input.customer.id, since);
  const built = createComplaint(input, deps.config, now, deps.newId(), earlier);
  if (!built.ok) return { outcome: 'rejected', error: built.error };
  const stored = await deps.complaints.create({ ...built.complaint, ref: deps.newRef() }, deps.newRef);
  return stored.created ? { outcome: 'created', complaint: stored.complaint } : { outcome: 'duplicate', complaint: stored.complaint };
}

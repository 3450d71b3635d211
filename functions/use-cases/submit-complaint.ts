import { createComplaint, type Complaint, type ComplaintInput, type IntakeError } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';

export interface SubmitComplaintDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
  readonly newId: () => string;
}

export type SubmitResult =
  | { outcome: 'created'; complaint: Complaint }
  | { outcome: 'duplicate'; complaint: Complaint }
  | { outcome: 'rejected'; error: IntakeError };

export interface SubmitOptions {
  /** Link the new complaint to this one as a repeat (an email reply to a closed complaint). */
  readonly repeatOf?: string;
}

/**
 * Takes in one complaint from any channel.
 *
 * Primary course: look up the customer's recent complaints (a repeat in the same category is linked
 * and raised one severity step); classify, grade, route and set SLA due times; store it, claiming
 * (channel, externalId) in the same transaction so a resubmission stores and counts nothing new.
 */
export async function submitComplaint(input: ComplaintInput, deps: SubmitComplaintDeps, options: SubmitOptions = {}): Promise<SubmitResult> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - deps.config.slaPolicy.repeatWindowDays * 86_400_000);
  const earlier = await deps.complaints.recentByCustomer(input.customer.id, since);
  const built = createComplaint(input, deps.config, now, deps.newId(), earlier, options.repeatOf);
  if (!built.ok) return { outcome: 'rejected', error: built.error };
  const stored = await deps.complaints.create(built.complaint);
  return stored.created ? { outcome: 'created', complaint: stored.complaint } : { outcome: 'duplicate', complaint: stored.complaint };
}

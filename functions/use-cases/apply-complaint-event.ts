import { canSeeDepartment, type Principal } from '../domain/access.ts';
import type { Complaint } from '../domain/complaint.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { applyEvent, type ComplaintEvent, type TransitionError } from '../domain/lifecycle.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';

export interface ApplyComplaintEventDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
}

export type ApplyResult =
  | { outcome: 'applied'; complaint: Complaint }
  | { outcome: 'not_found' }
  | { outcome: 'rejected'; error: TransitionError }
  /** `latest`: the complaint as it now stands, so the caller can explain what changed. */
  | { outcome: 'stale'; currentVersion: number; latest?: Complaint };

/**
 * Applies an event to a stored complaint with optimistic concurrency.
 *
 * Primary course: read the complaint; refuse a stale `expectedVersion`; apply the transition; write
 * it only if nobody changed the complaint since it was read (otherwise `stale`, never a lost update).
 * Progress messages and domain events follow from the stream, not from here. With a principal, a
 * complaint outside their departments is `not_found`.
 */
export async function applyComplaintEvent(id: string, event: ComplaintEvent, deps: ApplyComplaintEventDeps, principal?: Principal): Promise<ApplyResult> {
  const current = await deps.complaints.get(id);
  // Outside the caller's departments it does not exist for them.
  if (!current || (principal && !canSeeDepartment(principal, current.department))) return { outcome: 'not_found' };
  if (event.expectedVersion !== undefined && event.expectedVersion !== current.version) {
    return { outcome: 'stale', currentVersion: current.version, latest: current };
  }
  const { expectedVersion: _checked, ...change } = event;
  const result = applyEvent(current, change, deps.clock.now(), deps.config);
  if (!result.ok) return { outcome: 'rejected', error: result.error };
  // Nothing to change (a move to the category it is in): nothing written, nothing sent.
  if (result.complaint === current) return { outcome: 'applied', complaint: current };
  if (!(await deps.complaints.update(result.complaint, current.version))) {
    const latest = await deps.complaints.get(id);
    return { outcome: 'stale', currentVersion: latest?.version ?? current.version, ...(latest && { latest }) };
  }
  return { outcome: 'applied', complaint: result.complaint };
}

import { describe, expect, it } from 'vitest';
import type { Principal } from '../../functions/domain/access.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import type { ComplaintRepository } from '../../functions/ports/complaint-repository.ts';
import { applyComplaintEvent } from '../../functions/use-cases/apply-complaint-event.ts';
import { defaultConfig } from '../fixtures/config.ts';

const t0 = new Date('2026-11-16T02:00:00.000Z');

/** The two calls the use case makes, over a map, with the repository's version check; counts writes. */
class Complaints {
  readonly byId = new Map<string, Complaint>();
  writes = 0;
  async get(id: string): Promise<Complaint | undefined> {
    return this.byId.get(id);
  }
  async update(next: Complaint, expectedVersion: number): Promise<boolean> {
    if (this.byId.get(next.id)?.version !== expectedVersion) return false;
    this.writes += 1;
    this.byId.set(next.id, next);
    return true;
  }
}

function setup() {
  const complaints = new Complaints();
  const r = createComplaint({ channel: 'web', customer: { id: 'c1', email: 'c@example.com' }, description: 'parcel late', category: 'logistics-delay' }, defaultConfig, t0, 'C1');
  if (!r.ok) throw new Error('fixture');
  complaints.byId.set('C1', r.complaint);
  const deps = { config: defaultConfig, clock: new SimulatedClock(new Date(t0.getTime() + 3_600_000)), complaints: complaints as unknown as ComplaintRepository };
  return { complaints, deps };
}

const logisticsAgent: Principal = { id: 'li', kind: 'user', admin: false, departments: ['logistics'] };

describe('applyComplaintEvent (memory adapters, fixed clock)', () => {
  it('moves a complaint to another category with one write, and a repeat of the move writes nothing', async () => {
    const { complaints, deps } = setup();
    const moved = await applyComplaintEvent('C1', { type: 'recategorize', actor: 'li', category: 'product-quality' }, deps, logisticsAgent);
    expect(moved).toMatchObject({ outcome: 'applied', complaint: { category: 'product-quality', department: 'quality', version: 2 } });
    expect(complaints.writes).toBe(1);
    // Now in a department the agent does not see: for them it is gone, as any other complaint outside theirs.
    expect(await applyComplaintEvent('C1', { type: 'recategorize', actor: 'li', category: 'product-quality' }, deps, logisticsAgent)).toEqual({ outcome: 'not_found' });
    // An admin repeating the move changes nothing and writes nothing.
    const again = await applyComplaintEvent('C1', { type: 'recategorize', actor: 'admin', category: 'product-quality' }, deps, { id: 'admin', kind: 'user', admin: true, departments: [] });
    expect(again).toMatchObject({ outcome: 'applied', complaint: { version: 2 } });
    expect(complaints.writes).toBe(1);
  });

  it('refuses a stale expectedVersion and a transition the lifecycle does not allow, writing nothing', async () => {
    const { complaints, deps } = setup();
    expect(await applyComplaintEvent('C1', { type: 'acknowledge', actor: 'li', expectedVersion: 7 }, deps)).toMatchObject({ outcome: 'stale', currentVersion: 1 });
    expect(await applyComplaintEvent('C1', { type: 'resolve', actor: 'li' }, deps)).toMatchObject({ outcome: 'rejected', error: { kind: 'invalid_transition', status: 'received' } });
    expect(complaints.writes).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { complaintRecordStore, complaintStore } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { MissingResourceError, type StoreContext } from '../../functions/adapters/runtime.ts';
import { createComplaint } from '../../functions/domain/complaint.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';

const db = withDynamoDbLocal();

describe('the complaint records without the listing queries (the inbound-mail function\'s store)', () => {
  const contextOf = (names: Record<'complaints' | 'state', string>): StoreContext => ({
    doc: db.clients.doc,
    config: defaultConfig,
    table: (name) => names[name],
    complaints: () => complaintStore(contextOf(names)),
  });

  it('files, reads, finds by customer and updates complaints like the whole repository', async () => {
    const { names } = await db.freshTables();
    const records = complaintRecordStore(contextOf(names));
    const now = new Date('2026-12-04T02:00:00.000Z');
    const created = createComplaint({ channel: 'email', customer: { id: 'cust-mail', email: 'mail@example.com' }, title: 'Parcel late', description: 'My parcel is late.' }, defaultConfig, now, '01KREC0RDST0RE00000000000A');
    if (!created.ok) throw new Error(`fixture: ${JSON.stringify(created.error)}`);
    expect(await records.create(created.complaint)).toMatchObject({ created: true });
    const read = await records.get(created.complaint.id);
    expect(read?.title).toBe('Parcel late');
    expect(await records.update({ ...read!, version: read!.version + 1, title: 'Parcel very late' }, read!.version)).toBe(true);
    expect((await complaintStore(contextOf(names)).get(created.complaint.id))?.title).toBe('Parcel very late');
    expect((await records.recentByCustomer('cust-mail', new Date(0))).map((c) => c.id)).toEqual([created.complaint.id]);
  });

  it('refuses every listing query, naming the store that has them', async () => {
    const records = complaintRecordStore(contextOf({ complaints: 'unused', state: 'unused' }));
    const queries = [
      () => records.list({}, 10),
      () => records.dueForSweep(new Date(), 10),
      () => records.newestInDepartment('logistics', {}, undefined, 10, 100),
      () => records.findByContact('email', 'mail@example.com', 10),
      () => records.newestInCategory('refund', 10),
      () => records.receivedBetween('logistics', new Date(0), new Date()),
    ];
    for (const query of queries) {
      await expect(query()).rejects.toThrow(MissingResourceError);
      await expect(query()).rejects.toThrow(/complaintRecordStore.*name complaintStore to list them/);
    }
  });
});

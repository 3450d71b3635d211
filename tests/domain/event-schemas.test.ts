import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_DETAIL_SCHEMAS, eventDetailJsonSchemas, eventDetailProblems } from '../../functions/domain/event-schemas.ts';
import { DOMAIN_EVENT_TYPES } from '../../functions/domain/events.ts';
import { EventContractError, RecordedEvents } from '../../functions/local/recorded-events.ts';

const SCHEMA_FILE = new URL('../../docs/events/detail-schemas.json', import.meta.url);
const received = {
  schemaVersion: 1,
  eventId: 'C1:t0:received',
  complaintId: 'C1',
  category: 'refund',
  department: 'finance',
  severity: 'high',
  channel: 'web',
  receivedAt: '2026-12-03T02:00:00.000Z',
  repeatOf: null,
};

describe('the bus contract: one schema per detail-type', () => {
  it('covers every detail-type', () => {
    expect(Object.keys(EVENT_DETAIL_SCHEMAS).sort()).toEqual([...DOMAIN_EVENT_TYPES].sort());
  });

  it('is published as JSON Schema in docs/events/detail-schemas.json (UPDATE_EVENT_SCHEMAS=1 rewrites it; bump EVENT_SCHEMA_VERSION when a change breaks a consumer)', () => {
    const generated = `${JSON.stringify(eventDetailJsonSchemas(), null, 2)}\n`;
    if (process.env.UPDATE_EVENT_SCHEMAS === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('says what is wrong with a detail: a missing field, a wrong value, a field the contract does not name', () => {
    expect(eventDetailProblems('complaint.received', received)).toEqual([]);
    const { receivedAt: _gone, ...missing } = received;
    expect(eventDetailProblems('complaint.received', missing)).toEqual([expect.stringMatching(/^receivedAt: /)]);
    expect(eventDetailProblems('complaint.received', { ...received, severity: 'apocalyptic' })).toEqual([expect.stringMatching(/^severity: /)]);
    expect(eventDetailProblems('complaint.received', { ...received, customerEmail: 'a@example.com' })).toEqual([expect.stringMatching(/customerEmail/)]);
  });

  it('is checked by the local bus for every event it records', async () => {
    const bus = new RecordedEvents('bus');
    const { schemaVersion: _v, eventId: _id, ...detail } = received;
    await bus.publish([{ type: 'complaint.received', id: 'C1:t0:received', time: received.receivedAt, detail }]);
    await expect(bus.publish([{ type: 'complaint.received', id: 'C2:t0:received', time: received.receivedAt, detail: { ...detail, title: 'leaked text' } }])).rejects.toThrow(EventContractError);
    expect(bus.entries().map((e) => e.detailType)).toEqual(['complaint.received']);
  });
});

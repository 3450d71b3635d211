import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';
import { projectionOf, tables } from '../../functions/pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { loadInbox } from '../../functions/use-cases/console-queries.ts';

const TOKEN = 'contact-search-token';
let pipeline: LocalPipeline;
const api = client(() => pipeline.url, TOKEN);

beforeAll(async () => {
  pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN });
}, 180_000);
afterAll(async () => {
  await pipeline?.stop();
});

// The contact indexes project less than the whole complaint (functions/pipeline.ts), so the console's
// search reads each complaint it finds from the table: whole and current.
describe('finding a customer\'s complaints by contact, with indexes that project keys only', () => {
  it('the indexes it reads project less than ALL', () => {
    const byName = (name: string) => tables.complaints.indexes.find((i) => i.name === name)!;
    expect(['byEmail', 'byPhone', 'byCustomer'].map((n) => projectionOf(byName(n)).type)).toEqual(['KEYS_ONLY', 'KEYS_ONLY', 'INCLUDE']);
  });

  it('returns whole, current complaints by email, phone and customer id', async () => {
    const customer = { id: 'search-1', name: 'Sam Search', email: 'Sam.Search@example.com', phone: '+85291230000', locale: 'en' };
    const ids: string[] = [];
    for (const description of ['My parcel has not arrived and tracking is stuck.', 'The refund for my order has not been paid back.']) {
      const created = await api.call('POST', '/complaints', { channel: 'web', customer, title: description.slice(0, 20), description });
      expect(created.status).toBe(201);
      ids.push(created.body.id as string);
      // A second apart, so newest-first has one answer (two posts can share a millisecond).
      expect((await api.call('POST', '/local/clock', { advanceBy: 'PT1S' })).status).toBe(200);
    }
    expect((await api.call('POST', `/complaints/${ids[0]}/events`, { type: 'acknowledge', actor: 'agent:search' })).status).toBe(200);
    await api.settle();
    const repo = pipeline.runtime.complaints;
    for (const [kind, value] of [
      ['email', 'sam.search@example.com'],
      ['phone', '+85291230000'],
      ['customer', 'search-1'],
    ] as const) {
      const found = await repo.findByContact(kind, value, 10);
      // Newest first, each with what only the table holds (description, timeline) and its current status.
      expect(found.map((c) => c.id), kind).toEqual([...ids].reverse());
      expect(found.map((c) => c.status), kind).toEqual(['received', 'acknowledged']);
      expect(found[1]!.description).toBe('My parcel has not arrived and tracking is stuck.');
      expect(found[1]!.timeline.map((t) => t.event)).toEqual(['receive', 'acknowledge']);
    }
  });

  it('finds a complaint by its reference however it is typed, and falls back to words and customer ids', async () => {
    const created = await api.call('POST', '/complaints', { channel: 'web', customer: { id: 'YX4K7M9QD2', email: 'ref.search@example.com' }, title: 'the best food went bad', description: 'the best food went bad on arrival' });
    expect(created.status).toBe(201);
    const ref = created.body.ref as string;
    const admin = { id: 'agent:search', kind: 'machine' as const, admin: true, departments: [] };
    const inbox = (q: string) => loadInbox({ q }, admin, pipeline.runtime);
    for (const typed of [ref, ref.toLowerCase(), ref.replace(/-/g, ' '), ref.replace(/-/g, '')]) {
      const page = await inbox(typed);
      expect([page.searchedBy, page.items.map((c) => c.id)], typed).toEqual(['ref', [created.body.id]]);
    }
    // Words that happen to read as a reference (THE-BEST-F00D) are searched as words when no complaint has it.
    expect((await inbox('the best food')).items.map((c) => c.id)).toEqual([created.body.id]);
    // A customer id that reads as a reference typed without dashes is looked up as a customer id.
    expect((await inbox('YX4K7M9QD2')).items.map((c) => c.id)).toEqual([created.body.id]);
  });
});

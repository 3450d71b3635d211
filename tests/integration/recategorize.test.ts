import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';

const TOKEN = 'recategorize-token';
let pipeline: LocalPipeline;
const api = client(() => pipeline.url, TOKEN);
const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((c) => c.id);

describe('moving a complaint to the right category (local pipeline, DynamoDB Local)', () => {
  let id: string;

  beforeAll(async () => {
    // Monday 10:00 in Shanghai.
    pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: new Date('2026-11-23T02:00:00Z') });
    const created = await api.call('POST', '/complaints', {
      channel: 'web',
      customer: { id: 'cust-lens', email: 'lens@example.com', locale: 'en' },
      title: 'Lens arrived late and scratched',
      description: 'The courier was late and the lens has a mark on it',
      category: 'logistics-delay',
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    expect((await api.call('POST', `/complaints/${id}/events`, { type: 'acknowledge', actor: 'agent:li' })).status).toBe(200);
    await api.settle();
  }, 120_000);
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('moves it to the category and its department, keeps its due times, tells the bus and not the customer', async () => {
    const before = (await api.call('GET', `/complaints/${id}`)).body;
    const sentBefore = (await api.outbox()).filter((m) => m.complaintId === id).length;
    const res = await api.call('POST', `/complaints/${id}/events`, { type: 'recategorize', category: 'product-quality', actor: 'agent:li', note: 'The scratch is the problem, not the delay' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ category: 'product-quality', department: 'quality', status: 'acknowledged', version: before.version + 1, resolutionDueAt: before.resolutionDueAt });
    expect(res.body.timeline.at(-1)).toMatchObject({
      event: 'recategorize',
      internal: true,
      recategorized: { from: { category: 'logistics-delay', department: 'logistics' }, to: { category: 'product-quality', department: 'quality' } },
    });
    await api.settle();

    // The department's lists have it now, the old one's not (the index keys moved with the item).
    expect(ids(await api.call('GET', '/complaints?department=quality'))).toContain(id);
    expect(ids(await api.call('GET', '/complaints?department=logistics'))).not.toContain(id);
    expect(ids(await api.call('GET', '/complaints?category=product-quality'))).toContain(id);

    const events = (await api.call('GET', '/local/events')).body as Array<{ detailType: string; detail: Record<string, unknown> }>;
    expect(events.filter((e) => e.detailType === 'complaint.recategorized' && e.detail.complaintId === id).map((e) => e.detail)).toEqual([
      expect.objectContaining({ category: 'product-quality', department: 'quality', from: { category: 'logistics-delay', department: 'logistics' }, actor: 'agent:li' }),
    ]);
    expect((await api.outbox()).filter((m) => m.complaintId === id)).toHaveLength(sentBefore);
  });

  it('changes nothing when asked again, and refuses an unknown category by name and a resolved complaint by the lifecycle', async () => {
    const current = (await api.call('GET', `/complaints/${id}`)).body;
    const again = await api.call('POST', `/complaints/${id}/events`, { type: 'recategorize', category: 'product-quality', actor: 'agent:li' });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(current.version);

    const unknown = await api.call('POST', `/complaints/${id}/events`, { type: 'recategorize', category: 'weather', actor: 'agent:li' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([{ path: 'category', message: `unknown category; one of: ${defaultConfig.categories.map((c) => c.id).join(', ')}` }]);
    const missing = await api.call('POST', `/complaints/${id}/events`, { type: 'recategorize', actor: 'agent:li' });
    expect(missing.body.issues).toEqual([{ path: 'category', message: 'a recategorize event needs the new category' }]);

    for (const type of ['start', 'resolve'] as const) expect((await api.call('POST', `/complaints/${id}/events`, { type, actor: 'agent:li' })).status).toBe(200);
    const resolved = await api.call('POST', `/complaints/${id}/events`, { type: 'recategorize', category: 'refund', actor: 'agent:li' });
    expect(resolved.status).toBe(409);
    expect(resolved.body).toMatchObject({ error: 'invalid_transition', status: 'resolved' });
  });
});

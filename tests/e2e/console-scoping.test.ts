import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';

const TOKEN = 'scoping-agent-token';
let pipeline: LocalPipeline;
const admin = client(() => pipeline.url, TOKEN);
const ids: Record<string, string> = {};

/** Signs in on the console form with a department scope and returns the session token it issues. */
async function departmentSession(department: string): Promise<string> {
  const res = await fetch(`${pipeline.url}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: TOKEN, department }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly; SameSite=Strict; Max-Age=\d+/);
  return /console_session=([^;]+)/.exec(cookie)?.[1] ?? '';
}

describe('department scoping in the agent API', () => {
  let logistics: ReturnType<typeof client>;

  beforeAll(async () => {
    pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: new Date('2026-11-20T02:00:00Z') });
    for (const [key, category] of [
      ['parcel', 'logistics-delay'],
      ['refund', 'refund'],
    ] as const) {
      const res = await admin.call('POST', '/complaints', { channel: 'web', customer: { id: `cust-${key}` }, description: `about ${key}`, category });
      expect(res.status).toBe(201);
      ids[key] = res.body.id;
    }
    await admin.settle();
    // The session token a logistics user got on the console is also a bearer token for the API.
    logistics = client(() => pipeline.url, await departmentSession('logistics'));
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('lets a department user read their own complaint and not another department\'s', async () => {
    expect((await logistics.call('GET', `/complaints/${ids.parcel}`)).status).toBe(200);
    const other = await logistics.call('GET', `/complaints/${ids.refund}`);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('about refund');
    expect((await admin.call('GET', `/complaints/${ids.refund}`)).status).toBe(200);
  });

  it('narrows listings to the user\'s department and refuses another department or category', async () => {
    const mine = await logistics.call('GET', '/complaints?status=received');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([ids.parcel]);
    expect((await logistics.call('GET', '/complaints?department=finance')).status).toBe(403);
    expect((await logistics.call('GET', '/complaints?category=refund')).status).toBe(403);
  });

  it('refuses to act on another department\'s complaint and records the person as the actor on their own', async () => {
    const refused = await logistics.call('POST', `/complaints/${ids.refund}/events`, { type: 'acknowledge', actor: 'someone' });
    expect(refused.status).toBe(404);
    expect((await pipeline.runtime.complaints.get(ids.refund!))?.status).toBe('received');
    const done = await logistics.call('POST', `/complaints/${ids.parcel}/events`, { type: 'acknowledge', actor: 'pretending-to-be-admin' });
    expect(done.status).toBe(200);
    expect(done.body.timeline.at(-1).actor).toBe('local-logistics');
  });

  it('keeps another department\'s incidents, silences, overrides and report figures out of reach', async () => {
    const silence = await admin.call('POST', '/silences', { category: 'refund', from: '2026-11-20T02:00:00Z', to: '2026-11-20T06:00:00Z', reason: 'finance migration' });
    expect(silence.status).toBe(201);
    expect((await logistics.call('GET', '/silences')).body.silences).toEqual([]);
    expect((await logistics.call('POST', '/silences', { category: 'refund', from: '2026-11-20T02:00:00Z', to: '2026-11-20T03:00:00Z', reason: 'x' })).status).toBe(403);
    expect((await logistics.call('DELETE', `/silences/${silence.body.id}`)).status).toBe(404);
    expect((await logistics.call('PUT', '/categories/refund/alerting', { threshold: { count: 3, windowMinutes: 60 }, actor: 'x' })).status).toBe(404);
    expect((await logistics.call('GET', '/categories/refund/alerting')).status).toBe(404);
    expect((await logistics.call('GET', '/categories/logistics-delay/alerting')).status).toBe(200);
    const alerts = await logistics.call('GET', '/alerts?state=resolved');
    expect(alerts.status).toBe(200);
    const kpis = await logistics.call('GET', '/reports/kpis?from=2026-11-01&to=2026-12-01');
    expect(kpis.status).toBe(200);
    expect(Object.keys(kpis.body.byDepartment)).toEqual(['logistics']);
    expect(kpis.body.total.received).toBe(1);
  });

  it('ends a silence through DELETE /silences/{id} for a user who may see it', async () => {
    const created = await admin.call('POST', '/silences', { category: 'refund', from: '2026-11-20T02:00:00Z', to: '2026-11-21T02:00:00Z', reason: 'to be ended' });
    const ended = await admin.call('DELETE', `/silences/${created.body.id}`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id: created.body.id, active: false, endedBy: 'agent-token' });
    const listed = (await admin.call('GET', '/silences')).body.silences.find((x: { id: string }) => x.id === created.body.id);
    expect(listed).toMatchObject({ active: false, endedBy: 'agent-token' });
    expect(Date.parse(listed.to)).toBeLessThanOrEqual(pipeline.clock.now().getTime());
  });

  it('answers 401 without a token, with a forged one and with an expired-looking garbage token', async () => {
    for (const token of [undefined, 'forged', 'eyJhbGciOiJSUzI1NiJ9.e30.AAAA']) {
      const res = await client(() => pipeline.url, token).call('GET', `/complaints/${ids.parcel}`);
      expect(res.status).toBe(401);
    }
  });

  describe('signing in from a link', () => {
    /** Posts the sign-in form with `next`, from this origin, and returns where it leads. */
    async function signInTo(next: string): Promise<string | null> {
      const res = await fetch(`${pipeline.url}/console/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: pipeline.url },
        body: new URLSearchParams({ token: TOKEN, next }).toString(),
      });
      expect(res.status).toBe(303);
      return res.headers.get('location');
    }

    it('sends a person without a session to sign in with the page they asked for, and signing in leads there', async () => {
      const asked = `/console/inbox?department=logistics&overdue=1`;
      const res = await fetch(`${pipeline.url}${asked}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      const location = res.headers.get('location')!;
      expect(location).toBe(`/console/login?next=${encodeURIComponent(asked)}`);
      const form = await (await fetch(`${pipeline.url}${location}`)).text();
      expect(form).toContain(`<input type="hidden" name="next" value="${asked.replace('&', '&amp;')}">`);
      expect(await signInTo(asked)).toBe(asked);
      expect(await signInTo(`/console/complaints/${ids.parcel}`)).toBe(`/console/complaints/${ids.parcel}`);
    });

    it('leads to the inbox, never elsewhere, for a hostile or foreign `next`', async () => {
      for (const next of ['//evil.example.com', '/\\evil.example.com', 'https://evil.example.com/console/inbox', '/console/%2F%2Fevil.example.com', '/console/inbox\r\nSet-Cookie: x=1', '/console/inbox?q=%0D%0Ax', '/local/outbox', '/console/login']) {
        expect(await signInTo(next), next).toBe('/console/inbox');
        const page = await (await fetch(`${pipeline.url}/console/login?next=${encodeURIComponent(next)}`)).text();
        expect(page, next).not.toContain('name="next"');
      }
    });
  });
});

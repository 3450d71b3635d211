import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';

let app: LocalProcess;
const TOKEN = 'e2e-agent-token';

beforeAll(async () => {
  app = await startLocalProcess({ AGENT_TOKEN: TOKEN });
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(app.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Lets the stream pollers finish everything written so far (the clock endpoint waits for them). */
const settle = () => call('POST', '/local/clock', { advanceBy: 'PT0S' });

const complaint = (i: number) => ({
  channel: 'app',
  customer: { id: `cust-${i}`, email: `c${i}@example.com`, locale: 'zh-CN' },
  title: `账号异常登录 #${i}`,
  description: '我的账号被盗了，有人异常登录并修改了密码',
});

describe('npm start: the local pipeline end to end', () => {
  it('answers health and shows the active config', async () => {
    expect(await call('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } });
    const config = await call('GET', '/config');
    expect(config.body.categories.map((c: { id: string }) => c.id)).toContain('account-security');
  });

  it('posts complaints, counts them, and raises exactly one alert to the department head by email and SMS', async () => {
    // account-security: threshold 5 within 30 minutes, owned by security (head 刘洋).
    for (let i = 1; i <= 4; i += 1) expect((await call('POST', '/complaints', complaint(i))).status).toBe(201);
    await settle();
    const volume = await call('GET', '/local/volume');
    expect(volume.body.find((v: { category: string }) => v.category === 'account-security')).toMatchObject({ count: 4, threshold: 5 });
    const alerts = async () => (await call('GET', '/local/outbox')).body.filter((m: { kind: string }) => m.kind === 'alert');
    expect(await alerts()).toEqual([]);

    const fifth = await call('POST', '/complaints', complaint(5));
    expect(fifth.body).toMatchObject({ status: 'received', category: 'account-security', department: 'security', severity: 'high' });
    await settle();
    let outbox = await alerts();
    expect(outbox.map((m: { channel: string; to: string; kind: string }) => [m.channel, m.to, m.kind])).toEqual([
      ['email', 'liu.yang@youxuan-mall.example.com', 'alert'],
      ['sms', '+8613800138005', 'alert'],
    ]);
    expect(outbox[0].subject).toBe('【投诉预警】账户安全：30 分钟内 5 起投诉');
    expect(outbox[0].body).toContain('账号异常登录 #5');
    expect(outbox[1].body).toContain('达到阈值 5 起');

    // More complaints in the same window: counted, no second alert.
    for (let i = 6; i <= 9; i += 1) await call('POST', '/complaints', complaint(i));
    await settle();
    outbox = await alerts();
    expect(outbox).toHaveLength(2);
    const volumeAfter = await call('GET', '/local/volume');
    expect(volumeAfter.body.find((v: { category: string }) => v.category === 'account-security').count).toBe(9);
    const events = (await call('GET', '/local/events')).body;
    expect(events.filter((e: { detailType: string }) => e.detailType.startsWith('alert.')).map((e: { detailType: string }) => e.detailType)).toEqual(['alert.raised']);
  });

  it('stores a repeated externalId once and answers 200 with the first complaint', async () => {
    const body = { ...complaint(100), externalId: 'ZD-42', channel: 'email' };
    const first = await call('POST', '/complaints', body);
    const again = await call('POST', '/complaints', body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
  });

  it('rejects bad input with field paths, 413 and JSON 404s', async () => {
    const bad = await call('POST', '/complaints', { channel: 'fax', customer: { id: 'x', phone: '123' }, description: '', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['channel', 'customer.phone', 'description', 'extra']);
    expect((await call('POST', '/complaints', '{"channel":')).status).toBe(400);
    expect((await call('POST', '/complaints', { ...complaint(1), description: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });

  it('serves a complaint to agents only', async () => {
    const created = await call('POST', '/complaints', complaint(200));
    expect((await call('GET', `/complaints/${created.body.id}`)).status).toBe(401);
    expect((await call('GET', `/complaints/${created.body.id}`, undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    const got = await call('GET', `/complaints/${created.body.id}`, undefined, { authorization: `Bearer ${TOKEN}` });
    expect(got).toMatchObject({ status: 200, body: { id: created.body.id } });
    expect((await call('GET', '/complaints/NOPE', undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });

  it('moves the simulated clock forward only', async () => {
    const before = (await call('GET', '/local/clock')).body.now;
    const moved = await call('POST', '/local/clock', { advanceBy: 'PT1H' });
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.now) - Date.parse(before)).toBeGreaterThanOrEqual(3_600_000);
    expect((await call('POST', '/local/clock', { now: '2020-01-01T00:00:00Z' })).status).toBe(409);
    expect((await call('POST', '/local/clock', { advanceBy: 'soon' })).status).toBe(400);
  });
});

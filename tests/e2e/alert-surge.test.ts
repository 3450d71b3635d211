import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http.ts';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';

const TOKEN = 'e2e-alert-surge-token';
let app: LocalProcess;
const api = client(() => app.url, TOKEN);
let n = 0;

beforeAll(async () => {
  app = await startLocalProcess({ AGENT_TOKEN: TOKEN });
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

/** account-security: 5 within 30 minutes is a breach; its head is 刘洋. */
async function complaints(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    n += 1;
    const res = await api.call('POST', '/complaints', { channel: 'app', customer: { id: `surge-${n}`, email: `surge${n}@example.com` }, title: `账号异常登录 #${n}`, description: '我的账号被盗了，有人异常登录' });
    expect(res.status).toBe(201);
  }
  await api.settle();
}

const worse = async () => (await api.outbox()).filter((m) => m.kind === 'alert' && /情况恶化|恶化/.test(`${m.subject ?? ''} ${m.body}`));

describe('npm start: an incident that gets worse', () => {
  it('opens at the threshold; when the rate triples, one "getting worse" message with the count now, then silence at that level', async () => {
    await complaints(5);
    const raised = (await api.outbox()).filter((m) => m.kind === 'alert');
    expect(raised.map((m) => m.channel)).toEqual(['email', 'sms']);
    expect(raised[0]!.body).toContain('已达到预警阈值 5 起');

    // Triple the rate: 10 more within the same window, so the window holds 15 (3× the 5 it opened at).
    await api.advance('PT2M');
    await complaints(10);
    expect(await worse()).toEqual([]);
    await api.advance('PT5M');
    const messages = await worse();
    expect(messages.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const email = messages.find((m) => m.channel === 'email')!;
    expect(email.to).toBe('liu.yang@youxuan-mall.example.com');
    expect(email.subject).toBe('【投诉预警·情况恶化】账户安全：30 分钟内 15 起，为开始时的 3.0 倍');
    expect(email.body).toContain('当前计数：最近 30 分钟 15 起');
    expect(email.html).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_-]{32}"/);

    // The same level again, later: nothing more (once per step).
    await api.advance('PT5M');
    await complaints(1);
    await api.advance('PT5M');
    expect(await worse()).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { startTestPipeline } from '../support/local-pipeline.ts';

/**
 * The local scheduler skips the alert evaluator's runs before the open incident's next action
 * (`nextWork`). End to end, that must not change what anyone receives: the same walk (a breach, a
 * surge, three escalation levels, the all-clear) with every run invoked, as EventBridge does, and
 * with the runs skipped sends the same messages at the same simulated times.
 */
const TOKEN = 'alert-skip-equivalence-token';
/** Wednesday 10:00 in Shanghai. */
const START = new Date('2026-11-18T02:00:00.000Z');

let pipeline: LocalPipeline;
const api = client(() => pipeline.url, TOKEN);

/** account-security (critical, so SMS go at any hour): 5 within 30 minutes is a breach. */
async function burst(from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i += 1) {
    const res = await api.call('POST', '/complaints', { channel: 'app', customer: { id: `eq-${i}`, email: `eq${i}@example.com` }, title: `账号异常登录 #${i}`, description: '我的账号被盗了，有人异常登录' });
    expect(res.status).toBe(201);
  }
  await api.settle();
}

/** Messages compared to the minute. */
const minute = (at: string) => at.slice(0, 16);

async function walk(skipIdleRuns: boolean): Promise<{ messages: string[]; evaluatorRuns: number; skipped: number }> {
  // The clock moves only by the walk's jumps: followed in real time, the raise would land a few hundred
  // milliseconds after 02:00 in one walk and on it in the other, and the escalation 30 minutes later
  // in different five-minute runs, by how fast the machine was.
  pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: START, skipIdleRuns, followRealTime: false });
  try {
    await burst(0, 5);
    for (const by of ['PT10M', 'PT10M']) expect((await api.advance(by)).status).toBe(200);
    // Twice the count it opened at, inside one window: "getting worse".
    await burst(5, 5);
    // Escalations at 30, 60 and 90 minutes; the window empties at 50 and stays calm for the hour the all-clear needs.
    for (const by of ['PT25M', 'PT30M', 'PT1H', 'PT30M']) expect((await api.advance(by)).status).toBe(200);
    const messages = (await api.outbox())
      .filter((e) => e.alertId !== undefined)
      .map((e) => `${minute(e.at)} ${e.kind} ${e.channel} ${e.to} ${e.channel === 'email' ? e.subject : ''}`);
    const schedules = (await api.call('GET', '/local/schedules')).body as Array<{ name: string; runs: number; skippedIdle: number }>;
    const stats = schedules.find((s) => s.name === 'alertEvaluator')!;
    return { messages, evaluatorRuns: stats.runs, skipped: stats.skippedIdle };
  } finally {
    await pipeline.stop();
  }
}

describe('alert evaluator runs skipped locally', () => {
  it('sends what a run every five minutes sends: raise, surge, escalations, all-clear', async () => {
    const every = await walk(false);
    const skipping = await walk(true);
    expect(skipping.messages).toEqual(every.messages);
    const kinds = every.messages.map((m) => m.split(' ')[1]);
    for (const kind of ['alert', 'alert_escalation', 'alert_resolved']) expect(kinds, kind).toContain(kind);
    expect(every.messages.some((m) => /恶化/.test(m)), 'a "getting worse" message').toBe(true);
    expect(every.skipped).toBe(0);
    expect(skipping.evaluatorRuns, 'far fewer runs invoked').toBeLessThan(every.evaluatorRuns / 4);
  }, 120_000);
});

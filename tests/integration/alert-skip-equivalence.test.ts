import { describe, expect, it } from 'vitest';
import type { LocalPipeline } from '../../functions/local/local-pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
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

async function post(pipeline: LocalPipeline, path: string, body: unknown): Promise<Response> {
  return fetch(`${pipeline.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** account-security (critical, so SMS go at any hour): 5 within 30 minutes is a breach. */
async function burst(pipeline: LocalPipeline, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i += 1) {
    const res = await post(pipeline, '/complaints', { channel: 'app', customer: { id: `eq-${i}`, email: `eq${i}@example.com` }, title: `账号异常登录 #${i}`, description: '我的账号被盗了，有人异常登录' });
    expect(res.status).toBe(201);
  }
  await pipeline.idle();
}

/** The raise goes out from the stream, a moment after the breach: the simulated clock moves with real time between steps. */
const minute = (at: string) => at.slice(0, 16);

async function advance(pipeline: LocalPipeline, by: string): Promise<void> {
  expect((await post(pipeline, '/local/clock', { advanceBy: by })).status).toBe(200);
}

async function walk(skipIdleRuns: boolean): Promise<{ messages: string[]; evaluatorRuns: number; skipped: number }> {
  const pipeline = await startTestPipeline({ config: defaultConfig, port: 0, agentToken: TOKEN, startTime: START, skipIdleRuns });
  try {
    await burst(pipeline, 0, 5);
    for (const by of ['PT10M', 'PT10M']) await advance(pipeline, by);
    // Twice the count it opened at, inside one window: "getting worse".
    await burst(pipeline, 5, 5);
    // Escalations at 30, 60 and 90 minutes; the window empties at 50 and stays calm for the hour the all-clear needs.
    for (const by of ['PT25M', 'PT30M', 'PT1H', 'PT30M']) await advance(pipeline, by);
    const messages = pipeline.outbox
      .entries()
      .filter((e) => e.alertId !== undefined)
      .map((e) => `${minute(e.at)} ${e.kind} ${e.channel} ${e.to} ${e.channel === 'email' ? e.subject : ''}`);
    const evaluator = (await (await fetch(`${pipeline.url}/local/schedules`)).json()) as Array<{ name: string; runs: number; skippedIdle: number }>;
    const stats = evaluator.find((s) => s.name === 'alertEvaluator')!;
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

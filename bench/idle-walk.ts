import { randomBytes } from 'node:crypto';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { startLocalPipeline } from '../functions/local/local-pipeline.ts';
import { functions, type FunctionName } from '../functions/pipeline.ts';

/** Monday 10:00 in Shanghai: the walk passes working days, evenings and the quiet hours of nights. */
const START = new Date('2026-11-16T02:00:00.000Z');
/** Simulated days the walk covers, in steps of six hours (as a test moving the clock would). */
const DAYS = 3;
const STEP = 'PT6H';
/** The functions on a rate schedule (the SLA sweeper, alert evaluator, survey dispatcher): the runs counted. */
const SCHEDULED = new Set((Object.keys(functions) as FunctionName[]).filter((name) => functions[name].trigger.kind === 'schedule'));

export interface IdleWalkBenchResult {
  bench: 'idle-walk';
  simulatedDays: number;
  /** Scheduled runs invoked (SLA sweeper, alert evaluator, survey dispatcher). */
  runs: number;
  naiveRuns: number;
  /** DynamoDB requests the functions made during the walk. */
  requests: number;
  naiveRequests: number;
  /** naiveRequests / requests. */
  requestRatio: number;
  seconds: number;
  naiveSeconds: number;
  /** naiveSeconds / seconds. */
  ratio: number;
  /** Messages sent during the walk (SLA warnings and escalations, SMS held for quiet hours, summaries). */
  messages: number;
  /**
   * Whether both walks sent the same messages (kind, channel, recipient, time). Within one run the
   * order of the people written to follows the complaints' ids, which differ between the walks.
   */
  sameMessages: boolean;
}

interface WalkResult {
  runs: number;
  requests: number;
  seconds: number;
  messages: string[];
}

/**
 * `POST /local/clock` through days of SLA steps on the local runtime, with the scheduler skipping
 * the runs that would find nothing due (`skipIdleRuns`, the default) against invoking every run as
 * EventBridge does (`skipIdleRuns: false`, the naive baseline), on one DynamoDB Local, one walk after
 * the other with the same complaints and clock. Counts the scheduled runs invoked and the functions'
 * DynamoDB requests, times the walk, and compares the messages both walks sent.
 */
export async function benchIdleWalk(log: (line: string) => void): Promise<IdleWalkBenchResult> {
  const config = loadConfigFile();
  const dynamo = await startDynamoDbLocal();
  try {
    const walk = async (skipIdleRuns: boolean): Promise<WalkResult> => {
      let requests = 0;
      let runs = 0;
      let walking = false;
      const pipeline = await startLocalPipeline({
        config,
        port: 0,
        agentToken: randomBytes(16).toString('hex'),
        startTime: START,
        dynamoDbEndpoint: dynamo.endpoint,
        tablePrefix: `idle-walk-${skipIdleRuns ? 'skip' : 'all'}`,
        skipIdleRuns,
        instrument: {
          dynamoClient: (_name, client) => {
            client.middlewareStack.add(
              (next) => async (args) => {
                if (walking) requests += 1;
                return next(args);
              },
              { step: 'initialize', name: 'benchRequestCount' },
            );
          },
          invoke: (name, _event, run) => {
            if (walking && SCHEDULED.has(name)) runs += 1;
            return run();
          },
        },
      });
      try {
        const complaints = [
          { customer: { id: 'walk-1', email: 'walk-1@example.com' }, title: '快递延迟', description: '快递一周没有更新', category: 'logistics-delay', severity: 'high' },
          { customer: { id: 'walk-2', email: 'walk-2@example.com' }, title: '杯子碎了', description: '收到的杯子是碎的', category: 'product-quality', severity: 'medium' },
          { customer: { id: 'walk-3', email: 'walk-3@example.com', locale: 'en' }, title: 'Account taken over', description: 'someone logged in to my account', category: 'account-security', severity: 'critical' },
        ];
        // Received a minute past a five-minute run: every due time then falls between two runs,
        // however long the posts take, and both walks send at the same run.
        await fetch(`${pipeline.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceBy: 'PT1M' }) });
        for (const c of complaints) {
          const res = await fetch(`${pipeline.url}/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'web', ...c }) });
          if (res.status !== 201) throw new Error(`intake answered ${res.status}`);
        }
        await pipeline.idle();
        const before = pipeline.outbox.entries().length;
        walking = true;
        const t0 = performance.now();
        for (let i = 0; i < DAYS * 4; i++) {
          const res = await fetch(`${pipeline.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceBy: STEP }) });
          if (res.status !== 200) throw new Error(`POST /local/clock answered ${res.status}`);
        }
        const seconds = (performance.now() - t0) / 1000;
        walking = false;
        const messages = pipeline.outbox.entries().slice(before).map((e) => `${e.at} ${e.kind} ${e.channel} ${e.to}`).sort();
        return { runs, requests, seconds, messages };
      } finally {
        await pipeline.stop();
      }
    };
    log(`idle walk: ${DAYS} simulated days of SLA steps, every run invoked (the naive baseline)…`);
    const naive = await walk(false);
    log(`idle walk: the same with idle runs skipped…`);
    const skipped = await walk(true);
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      bench: 'idle-walk',
      simulatedDays: DAYS,
      runs: skipped.runs,
      naiveRuns: naive.runs,
      requests: skipped.requests,
      naiveRequests: naive.requests,
      requestRatio: round(naive.requests / Math.max(1, skipped.requests)),
      seconds: round(skipped.seconds),
      naiveSeconds: round(naive.seconds),
      ratio: round(naive.seconds / skipped.seconds),
      messages: skipped.messages.length,
      sameMessages: JSON.stringify(skipped.messages) === JSON.stringify(naive.messages),
    };
  } finally {
    await dynamo.stop();
  }
}

import { randomBytes } from 'node:crypto';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { setRuntime } from '../functions/adapters/runtime.ts';
import { startLocalPipeline, type LocalPipeline } from '../functions/local/local-pipeline.ts';

/** Complaints posted under load; `INTAKE_BENCH_COMPLAINTS` changes it. */
const COMPLAINTS = positiveInt('INTAKE_BENCH_COMPLAINTS', 2000);
/** Concurrent clients; `INTAKE_BENCH_CLIENTS` changes it. */
const CLIENTS = positiveInt('INTAKE_BENCH_CLIENTS', 50);
/** Complaints posted by one client first: the baseline the concurrent throughput is compared with. */
const SEQUENTIAL = Math.max(1, Math.min(200, Math.floor(COMPLAINTS / 10)));
/** A weekday 10:00 in the company's time zone, so no receipt waits out quiet hours. */
const START = new Date('2026-11-18T02:00:00.000Z');
/** Waiting for the stream consumers to catch up after the load. */
const DRAIN_TIMEOUT_MS = 600_000;

/** Texts of several categories, so the volume monitor counts into several counters. */
const TEXTS = [
  { title: '快递三天没动', description: '物流一直没有更新，快递延迟了三天还没到' },
  { title: '商品质量问题', description: '收到的商品有破损，质量很差，要求换货' },
  { title: 'Refund not received', description: 'I returned the item two weeks ago and the refund has not arrived' },
  { title: '账号异常登录', description: '我的账号被盗了，有人异常登录并修改了密码' },
  { title: '客服态度差', description: '客服态度很差，挂了我的电话' },
];

export interface IntakeLoadBenchResult {
  bench: 'intake-load';
  complaints: number;
  clients: number;
  /** Accepted complaints per second at `clients` concurrent clients. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Accepted complaints per second from one client posting one after another (`sequential` of them). */
  sequential: number;
  sequentialPerSecond: number;
  /** perSecond / sequentialPerSecond. */
  ratio: number;
  /** Answers other than 201 under load. */
  rejected: number;
  /** After the stream consumers caught up, over everything posted (sequential and concurrent). */
  accepted: number;
  stored: number;
  counted: number;
  receipted: number;
}

/**
 * Intake under load on the local runtime, loopback only and bounded: a fixed number of complaints
 * posted by `CLIENTS` concurrent clients to `POST /complaints` of an embedded local pipeline
 * (DynamoDB Local, the stream pollers, the same handlers Lambda runs), against one client posting
 * one after another in the same run. Every complaint has its own customer, so the per-recipient
 * receipt cap never withholds a receipt. Afterwards, once the stream consumers caught up: how many
 * were stored (read back by id), counted (the volume monitor's minute counters) and receipted (a
 * receipt in the outbox).
 */
export async function benchIntakeLoad(log: (line: string) => void): Promise<IntakeLoadBenchResult> {
  const config = loadConfigFile();
  const pipeline = await startLocalPipeline({ config, port: 0, agentToken: randomBytes(16).toString('hex'), startTime: START });
  try {
    let next = 0;
    const ids: string[] = [];
    const post = async (): Promise<{ status: number; ms: number }> => {
      const i = next++;
      const text = TEXTS[i % TEXTS.length]!;
      const body = { channel: 'app', customer: { id: `bench-${i}`, email: `bench-${i}@example.com`, locale: 'zh-CN' }, ...text, title: `${text.title} #${i}` };
      const t0 = performance.now();
      const res = await fetch(`${pipeline.url}/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await res.json()) as { id?: string };
      const ms = performance.now() - t0;
      if (res.status === 201 && answer.id) ids.push(answer.id);
      return { status: res.status, ms };
    };

    // Warm-up (module loading, first table writes), not measured.
    for (let i = 0; i < 5; i++) await post();

    const s0 = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) await post();
    const sequentialSeconds = (performance.now() - s0) / 1000;

    const latencies: number[] = [];
    let rejected = 0;
    let remaining = COMPLAINTS;
    const c0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (remaining > 0) {
          remaining--;
          const { status, ms } = await post();
          latencies.push(ms);
          if (status !== 201) rejected++;
        }
      }),
    );
    const seconds = (performance.now() - c0) / 1000;
    log(`intake load: ${COMPLAINTS} complaints from ${CLIENTS} clients in ${seconds.toFixed(1)} s; ${SEQUENTIAL} from one client in ${sequentialSeconds.toFixed(1)} s`);

    await pipeline.idle(DRAIN_TIMEOUT_MS);
    const { stored, counted, receipted } = await tally(pipeline, ids);
    log(`intake load: ${ids.length} accepted → ${stored} stored, ${counted} counted, ${receipted} receipted`);

    const perSecond = round((COMPLAINTS - rejected) / seconds, 1);
    const sequentialPerSecond = round(SEQUENTIAL / sequentialSeconds, 1);
    latencies.sort((a, b) => a - b);
    return {
      bench: 'intake-load',
      complaints: COMPLAINTS,
      clients: CLIENTS,
      perSecond,
      p50Ms: round(quantile(latencies, 0.5), 1),
      p99Ms: round(quantile(latencies, 0.99), 1),
      sequential: SEQUENTIAL,
      sequentialPerSecond,
      ratio: round(perSecond / sequentialPerSecond, 2),
      rejected,
      accepted: ids.length,
      stored,
      counted,
      receipted,
    };
  } finally {
    await pipeline.stop();
    setRuntime(undefined);
  }
}

/** What the pipeline holds for the accepted complaints once its consumers are idle. */
async function tally(pipeline: LocalPipeline, ids: readonly string[]): Promise<{ stored: number; counted: number; receipted: number }> {
  const { runtime } = pipeline;
  let stored = 0;
  for (let i = 0; i < ids.length; i += 50) {
    const found = await Promise.all(ids.slice(i, i + 50).map((id) => runtime.complaints.get(id)));
    stored += found.filter((c) => c !== undefined).length;
  }
  // The simulated clock stood still: every complaint is in the minutes around the start.
  const from = new Date(START.getTime() - 3_600_000).toISOString();
  const to = new Date(runtime.clock.now().getTime() + 3_600_000).toISOString();
  let counted = 0;
  for (const category of runtime.config.categories) for (const b of await runtime.volume.buckets(category.id, from, to)) counted += b.count;
  const accepted = new Set(ids);
  const receipted = new Set(pipeline.outbox.entries().flatMap((e) => (e.kind === 'progress' && e.complaintId && accepted.has(e.complaintId) ? [e.complaintId] : []))).size;
  return { stored, counted, receipted };
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { localConsoleAuth } from '../adapters/local-authenticator.ts';
import { buildRuntime, setRuntime, type Runtime } from '../adapters/runtime.ts';
import { systemClock } from '../adapters/system-clock.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { windowBuckets, windowCount } from '../domain/volume.ts';
import { functions, type FunctionName, type TableName } from '../pipeline.ts';
import { createTables } from './create-tables.ts';
import { localDynamoClients, startDynamoDbLocal } from './dynamodb-local.ts';
import { createLocalServer, type LocalRoute, type LocalServerOptions } from './http-server.ts';
import { Outbox } from './outbox.ts';
import { RecordedEvents } from './recorded-events.ts';
import { LocalScheduler } from './scheduler.ts';
import { ClockRewindError, SimulatedClock } from './simulated-clock.ts';
import { StreamPoller } from './stream-poller.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How often the simulated clock catches up with real time. */
const TICK_MS = 250;

export interface LocalPipelineOptions {
  readonly config: PipelineConfig;
  /** HTTP port; 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** Keep DynamoDB Local's data in this folder instead of memory. */
  readonly persistDir?: string;
  /** Bearer token for agent routes. */
  readonly agentToken: string;
  /** Where the simulated clock starts. @default the real time */
  readonly startTime?: Date;
}

export interface LocalPipeline {
  readonly url: string;
  readonly clock: SimulatedClock;
  readonly outbox: Outbox;
  readonly events: RecordedEvents;
  readonly runtime: Runtime;
  /** Failed batches the pollers gave up on, as Lambda would send them to the on-failure queue. */
  readonly deadLetters: readonly unknown[];
  /** Resolves when every stream record written so far has been handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the whole pipeline on this machine: DynamoDB Local with the stack's tables, a poller per
 * stream trigger, the scheduler, and the HTTP API, all invoking the same handler modules Lambda runs.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const dynamo = await startDynamoDbLocal(options.persistDir ? { persistDir: options.persistDir } : {});
  const stops: Array<() => Promise<void>> = [() => dynamo.stop()];
  try {
    const clients = localDynamoClients(dynamo.endpoint);
    const tableNames: Record<TableName, string> = { complaints: 'complaint-pipeline-complaints', state: 'complaint-pipeline-state' };
    const created = await createTables(clients.dynamo, tableNames);

    const clock = new SimulatedClock(options.startTime);
    const outbox = new Outbox(options.config, clock);
    const events = new RecordedEvents('complaint-pipeline-local-bus');
    // Links in messages (survey, unsubscribe) point at this server once it listens.
    let publicBaseUrl: string | undefined;
    const runtime = buildRuntime({
      config: options.config,
      clock,
      doc: clients.doc,
      tableNames,
      notifier: outbox,
      events,
      publicBaseUrl: () => publicBaseUrl,
      // Console sessions expire in real time, whatever the simulated clock says.
      auth: localConsoleAuth(options.agentToken, options.config, systemClock),
      local: { outbox: () => outbox.entries(), events: () => events.entries() },
    });
    setRuntime(runtime);

    const routes: LocalRoute[] = [];
    let authorizer: LocalServerOptions['authorizer'] | undefined;
    const pollers: StreamPoller[] = [];
    const deadLetters: unknown[] = [];
    // Every write through the runtime's DynamoDB client is counted, so settling after a scheduled run
    // that wrote nothing (most runs) returns at once: no write, no stream record to wait for. This is
    // what lets `POST /local/clock` move a week (thousands of schedule runs) in seconds.
    let writes = 0;
    let settledWrites = -1;
    clients.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        if (!/^(Get|Query|Scan|Describe|List|BatchGet|TransactGet)/.test(context.commandName ?? '')) writes += 1;
        return next(args);
      },
      { step: 'initialize', name: 'localWriteCounter' },
    );
    // Declared before the pollers exist; resolves once every stream record so far is handled, and
    // again while handling produced more (a consumer's writes feed another consumer).
    const idle = async () => {
      if (writes === settledWrites) return;
      let before: number;
      let seen: number;
      do {
        seen = writes;
        before = pollers.reduce((n, p) => n + p.stats.recordsRead, 0);
        await Promise.all(pollers.map((p) => p.idle()));
      } while (pollers.reduce((n, p) => n + p.stats.recordsRead, 0) !== before || writes !== seen);
      settledWrites = seen;
    };
    const scheduler = new LocalScheduler(clock, { settle: idle });
    for (const [name, def] of Object.entries(functions) as Array<[FunctionName, (typeof functions)[FunctionName]]>) {
      const mod = (await import(pathToFileURL(resolve(REPO_ROOT, def.entry)).href)) as { handler: (event: any) => Promise<any> };
      const trigger = def.trigger;
      switch (trigger.kind) {
        case 'http':
          routes.push({ name, trigger, handler: mod.handler });
          break;
        case 'stream': {
          const streamArn = created[trigger.table].streamArn;
          if (!streamArn) throw new Error(`table ${trigger.table} has no stream for ${name}`);
          pollers.push(
            new StreamPoller({
              name,
              streams: clients.streams,
              streamArn,
              trigger,
              handler: mod.handler,
              onFailure: (info) => {
                deadLetters.push({ function: name, ...info });
              },
              log: (level, message, details) => {
                if (level === 'warn' || level === 'error') console.error(`[${name}] ${message}`, details ?? '');
              },
            }),
          );
          break;
        }
        case 'schedule':
          scheduler.add(name, trigger.expression, mod.handler);
          break;
        case 'authorizer':
          authorizer = mod.handler;
          break;
      }
    }
    await Promise.all(pollers.map((p) => p.start()));
    stops.unshift(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    // The simulated clock follows real time (plus whatever POST /local/clock added), in steps made
    // through the scheduler so schedules also fire as real time passes.
    let offsetMs = clock.now().getTime() - Date.now();
    const ticker = setInterval(() => {
      const target = new Date(Date.now() + offsetMs);
      if (target > clock.now()) {
        scheduler.advanceTo(target).catch((err: unknown) => {
          // A jump queued just before this tick already moved the clock further: nothing to do.
          if (!(err instanceof ClockRewindError)) console.error('local scheduler tick failed', err);
        });
      }
    }, TICK_MS);
    stops.unshift(async () => clearInterval(ticker));

    const server: Server = createLocalServer({
      routes,
      clock,
      authorizer: authorizer ?? (async () => ({ isAuthorized: false, context: {} })),
      advanceClock: async (t) => {
        await idle();
        // The ticker may have moved the clock a few milliseconds past `t` since the request checked it.
        for (;;) {
          const target = new Date(Math.max(t.getTime(), clock.now().getTime()));
          try {
            await scheduler.advanceTo(target);
            offsetMs = target.getTime() - Date.now();
            break;
          } catch (err) {
            if (!(err instanceof ClockRewindError)) throw err;
          }
        }
        await idle();
        return clock.now();
      },
      localViews: {
        '/config': () => options.config,
        '/local/outbox': () => outbox.entries(),
        '/local/events': () => events.entries(),
        '/local/dead-letters': () => deadLetters,
        '/local/clock': () => ({ now: clock.now().toISOString() }),
        '/local/volume': () => volumeView(runtime, clock.now()),
      },
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 3000, '127.0.0.1', () => ok());
    });
    stops.unshift(
      () =>
        new Promise<void>((ok) => {
          server.closeAllConnections();
          server.close(() => ok());
        }),
    );
    const { port } = server.address() as AddressInfo;
    publicBaseUrl = `http://127.0.0.1:${port}`;
    return {
      url: `http://127.0.0.1:${port}`,
      clock,
      outbox,
      events,
      runtime,
      deadLetters,
      idle,
      stop: async () => {
        for (const stop of stops) await stop();
        setRuntime(undefined);
      },
    };
  } catch (err) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw err;
  }
}

/** Each category's current window count against its threshold. */
async function volumeView(runtime: Runtime, now: Date) {
  return Promise.all(
    runtime.config.categories.map(async (c) => {
      const range = windowBuckets(now, c.threshold.windowMinutes);
      const count = windowCount(await runtime.volume.buckets(c.id, range.from, range.to));
      return { category: c.id, name: c.name, department: c.department, windowMinutes: c.threshold.windowMinutes, count, threshold: c.threshold.count };
    }),
  );
}

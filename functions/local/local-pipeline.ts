import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { allStores } from '../adapters/dynamodb-stores.ts';
import { buildRuntime, runWithRuntime, setRuntime, type Runtime, type StoreFactories } from '../adapters/runtime.ts';
import { applyOverride } from '../domain/alerting-override.ts';
import { LocalMailStore } from '../adapters/local-mail-store.ts';
import { localConsoleAuth } from '../adapters/local-authenticator.ts';
import { systemClock } from '../adapters/system-clock.ts';
import type { PipelineConfig } from '../domain/config.ts';
import { compileTextModel, type TextModel } from '../domain/text-model.ts';
import { windowBuckets, windowCount } from '../domain/volume.ts';
import { claimLeaseSecondsOf, functions, type FunctionDefinition, type FunctionName, type TableName } from '../pipeline.ts';
import { incidentLine, messageLine } from './activity-log.ts';
import { FileCheckpointStore } from './checkpoint-file.ts';
import type { LocalInstrumentation } from './instrumentation.ts';
import { createTables } from './create-tables.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClients, startDynamoDbLocal } from './dynamodb-local.ts';
import { ClockBacklogError, createLocalServer, type LocalRoute, type LocalServerOptions } from './http-server.ts';
import { scopedDynamoClients, scopedEvents, scopedNotifier, watchWrites } from './local-access.ts';
import { localLinkKeys } from './local-link-keys.ts';
import { Outbox, outboxHtml } from './outbox.ts';
import { lockPersistDir, preparePersistDir, readSavedClock, resumeClockAt, saveClock, type PersistDirLock } from './persist-dir.ts';
import { SmtpPortInUseError, startLocalSmtp } from './smtp-server.ts';
import { RecordedEvents } from './recorded-events.ts';
import { LocalScheduler, type NextWork } from './scheduler.ts';
import { ClockRewindError, SimulatedClock } from './simulated-clock.ts';
import { StreamPoller, StreamPollerIdleTimeoutError } from './stream-poller.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How often the simulated clock catches up with real time. */
const TICK_MS = 250;
/**
 * The longest pause of an idle stream poller. Polling four times a second, as Lambda does, was most
 * of an idle `npm start`'s CPU (and DynamoDB Local's); the runtime's own writes nudge the pollers of
 * their table, so only a write from another client (a script writing to the table) waits this long.
 */
export const STREAM_IDLE_POLL_MS = 2_000;
/** How long `POST /local/clock` waits for the stream consumers before it answers with what is pending. */
const IDLE_TIMEOUT_MS = 30_000;

/** Thrown when the HTTP port is taken; says which variable chooses another. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} is already in use: set PORT to a free port (for example PORT=${port + 1} npm start), or PORT=0 for any free port`);
  }
}

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
  /**
   * Receives one line per alert incident change (raised, acknowledged, escalated, resolved) and per
   * message sent: ids, kinds and categories only, no personal data.
   * @default undefined: nothing is logged
   */
  readonly activityLog?: (line: string) => void;
  /** The trained classifier the config's `classifier.model` names (see `loadClassifierModel`). */
  readonly textModel?: TextModel;
  /** SMTP port for inbound mail (when the config has `inbound`); 0 picks a free one. @default 0 */
  readonly smtpPort?: number;
  /** Measurement hooks (`npm run cost`): each function's clients and invocations. @default none */
  readonly instrument?: LocalInstrumentation;
  /**
   * Use a DynamoDB Local (or any DynamoDB endpoint) that is already running instead of starting one;
   * `stop()` then leaves it running. Cannot be combined with `persistDir`, which belongs to the
   * DynamoDB Local this pipeline starts.
   * @default undefined: start a DynamoDB Local of its own
   */
  readonly dynamoDbEndpoint?: string;
  /**
   * Physical table names are `<tablePrefix>-<table>`; a distinct prefix lets several pipelines share
   * one DynamoDB Local, each polling only its own tables' streams.
   * @default 'complaint-pipeline'
   */
  readonly tablePrefix?: string;
  /**
   * Skip the scheduled runs that would find nothing due (the SLA sweeper, survey dispatcher and alert
   * evaluator say when they next could: see LocalScheduler), so `POST /local/clock` passes an idle
   * week in a few requests. `false` invokes every run, as EventBridge does (`npm run cost` prices
   * the idle runs). @default true
   */
  readonly skipIdleRuns?: boolean;
  /**
   * Whether the simulated clock also follows real time between `POST /local/clock` jumps, as
   * `npm start` does. `false` moves it only by those jumps, so the simulated times a test reads do
   * not depend on how fast the machine ran its requests. @default true
   */
  readonly followRealTime?: boolean;
}

/** Thrown when options contradict each other; names the options. */
export class LocalPipelineOptionsError extends Error {
  override readonly name = 'LocalPipelineOptionsError';
}

/** The table prefix when `tablePrefix` is not given. */
export const DEFAULT_TABLE_PREFIX = 'complaint-pipeline';

export interface LocalPipeline {
  readonly url: string;
  readonly clock: SimulatedClock;
  readonly outbox: Outbox;
  readonly events: RecordedEvents;
  readonly runtime: Runtime;
  /** The local SMTP server's port, when the config has `inbound`. */
  readonly smtpPort: number | undefined;
  /** The local mail bucket: raw inbound messages, quarantine, attachments. */
  readonly mail: LocalMailStore;
  /** Where the tables are (for the AWS CLI or `npm run export-training -- --endpoint … --table …`). */
  readonly dynamoDb: { readonly endpoint: string; readonly tables: Readonly<Record<TableName, string>> };
  /** Failed batches the pollers gave up on, as Lambda would send them to the on-failure queue. */
  readonly deadLetters: readonly unknown[];
  /**
   * Resolves when every stream record written so far has been handled.
   * @throws StreamPollerIdleTimeoutError when a consumer is still busy after `timeoutMs`, saying what is pending
   */
  idle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the whole pipeline on this machine: DynamoDB Local with the stack's tables, a poller per
 * stream trigger, the scheduler, and the HTTP API, all invoking the same handler modules Lambda runs.
 * Each function runs with only the tables, channels and bus its `access` grants. With `persistDir`
 * the data, each consumer's stream checkpoints and the outbox survive a restart (even `kill -9`):
 * consumers start at TRIM_HORIZON and resume after their checkpoint, as deployed mappings do.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  if (options.dynamoDbEndpoint !== undefined && options.persistDir) {
    throw new LocalPipelineOptionsError('persistDir and dynamoDbEndpoint exclude each other: persistDir is the data folder of the DynamoDB Local this pipeline starts');
  }
  // A port in use would otherwise be found only after Java, the tables and every handler have started.
  const wantedPort = options.port ?? 3000;
  if (wantedPort !== 0 && !(await portIsFree(wantedPort))) throw new PortInUseError(wantedPort);
  const wantedSmtpPort = options.smtpPort ?? 0;
  if (options.config.inbound && wantedSmtpPort !== 0 && !(await portIsFree(wantedSmtpPort))) throw new SmtpPortInUseError(wantedSmtpPort);
  // The folder must be writable and ours alone before Java opens its files: two JVMs on one folder
  // each see only their own writes on their streams.
  const persistDir = options.persistDir ? preparePersistDir(options.persistDir) : undefined;
  // Read (or made) before the folder is locked and Java starts: a damaged key file stops npm start with one line naming it.
  const linkKeys = localLinkKeys(persistDir);
  let lock: PersistDirLock | undefined;
  if (persistDir !== undefined) lock = await lockPersistDir(persistDir, { log: (line) => console.warn(line) });
  let dynamo;
  try {
    dynamo =
      options.dynamoDbEndpoint !== undefined
        ? { endpoint: options.dynamoDbEndpoint, stop: async () => undefined }
        : await startDynamoDbLocal(persistDir !== undefined ? { persistDir, onSpawn: (pid) => lock?.recordJava(pid) } : {});
  } catch (err) {
    lock?.release();
    throw err;
  }
  const stops: Array<() => Promise<void>> = [
    async () => {
      await dynamo.stop();
      lock?.release();
    },
  ];
  try {
    const clients = localDynamoClients(dynamo.endpoint);
    stops.unshift(async () => {
      clients.dynamo.destroy();
      clients.streams.destroy();
    });
    if (options.dynamoDbEndpoint !== undefined) await assertAnswers(options.dynamoDbEndpoint);
    const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
    const tableNames: Record<TableName, string> = { complaints: `${prefix}-complaints`, state: `${prefix}-state` };
    const created = await createTables(clients.dynamo, tableNames);

    const clock = persistDir === undefined ? new SimulatedClock(options.startTime) : resumedClock(persistDir, options.startTime);
    const activity = options.activityLog;
    const outbox = new Outbox(options.config, clock, {
      ...(persistDir !== undefined && { journal: join(persistDir, 'outbox.jsonl') }),
      ...(activity && { onEntry: (entry) => activity(messageLine(entry)) }),
    });
    const events = new RecordedEvents('complaint-pipeline-local-bus', (event) => {
      const line = activity && incidentLine(event);
      if (line) activity(line);
    });
    // Links in messages (survey, unsubscribe) point at this server once it listens.
    let publicBaseUrl: string | undefined;
    const textModel = options.textModel && compileTextModel(options.textModel);
    // Raw mail and attachments: files next to DynamoDB Local's data when it is kept, else memory.
    const mail = new LocalMailStore(options.persistDir ? join(options.persistDir, 'mail') : undefined);
    // The sentiment stays the config's lexicon locally (fully offline), whatever escalationRisk.sentiment says.
    // Console sessions expire in real time, whatever the simulated clock says.
    const consoleAuth = localConsoleAuth(options.agentToken, options.config, systemClock);
    const inspection = { outbox: () => outbox.entries(), events: () => events.entries() };
    const runtime = buildRuntime({
      stores: allStores,
      config: options.config,
      clock,
      doc: clients.doc,
      tableNames,
      notifier: outbox,
      events,
      publicBaseUrl: () => publicBaseUrl,
      ...(textModel && { textModel }),
      mail,
      auth: consoleAuth,
      local: inspection,
    });
    setRuntime(runtime);

    const routes: LocalRoute[] = [];
    let authorizer: LocalServerOptions['authorizer'] | undefined;
    const pollers: StreamPoller[] = [];
    const pollerTables = new Map<StreamPoller, string>();
    const deadLetters: unknown[] = [];
    // Every write to a table whose stream a poller reads is counted (through the runtime's client and
    // every function's), so settling after a scheduled run that wrote no such item returns at once: no
    // record any consumer could see, nothing to wait for. Most runs write nothing, or only to the state
    // table (the SLA sweeper's run lease, when it has something to do), which has no consumer; this is
    // what lets `POST /local/clock` move days of schedule runs without a poll each.
    const polledTables = new Set(
      Object.values(functions).flatMap((def) => (def.trigger.kind === 'stream' ? [tableNames[def.trigger.table]] : [])),
    );
    let writes = 0;
    let settledWrites = -1;
    // Every write to any table, counted when sent and again when answered: a schedule's answer to
    // "when is my next work?" holds only while this has not moved (LocalScheduler's `writes`).
    let allWrites = 0;
    const countWrite = (tables: readonly string[]) => {
      allWrites += 1;
      if (tables.some((t) => polledTables.has(t))) writes += 1;
    };
    // A write to a polled table, answered: its stream record is there now, so the pollers of that
    // table read at once, however long they had been pausing (STREAM_IDLE_POLL_MS).
    const countWriteDone = (tables: readonly string[]) => {
      allWrites += 1;
      for (const poller of pollers) {
        if (tables.includes(pollerTables.get(poller)!)) poller.nudge();
      }
    };
    watchWrites(clients.dynamo, countWrite, countWriteDone);
    // Declared before the pollers exist; resolves once every stream record so far is handled, and
    // again while handling produced more (a consumer's writes feed another consumer). A consumer
    // asleep on the simulated clock (waiting out a held claim's lease) counts as idle: only moving
    // the clock can wake it, and the scheduler and `POST /local/clock` wait here before they move it.
    const idle = async (timeoutMs = IDLE_TIMEOUT_MS) => {
      if (writes === settledWrites) return;
      let before: number;
      let seen: number;
      let asleep: boolean;
      do {
        seen = writes;
        before = pollers.reduce((n, p) => n + p.stats.recordsRead, 0);
        const outcomes = await Promise.allSettled(pollers.map((p) => p.idle(timeoutMs)));
        asleep = outcomes.some((o) => o.status === 'fulfilled' && o.value === 'waitingForClock');
        const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        if (failed.length > 0) {
          if (failed.every((e) => e instanceof StreamPollerIdleTimeoutError)) {
            throw new StreamPollerIdleTimeoutError(failed.map((e) => (e as Error).message).join('; '));
          }
          throw failed.find((e) => !(e instanceof StreamPollerIdleTimeoutError));
        }
      } while (pollers.reduce((n, p) => n + p.stats.recordsRead, 0) !== before || writes !== seen);
      // Not settled while a consumer sleeps: once the clock wakes it, its delivery may write only to
      // tables no consumer reads (the ledger), and the next settle must still wait for it.
      if (!asleep) settledWrites = seen;
    };
    const skipIdleRuns = options.skipIdleRuns ?? true;
    const scheduler = new LocalScheduler(clock, { settle: () => idle(), ...(skipIdleRuns && { writes: () => allWrites }) });
    // As in Lambda, a function sees only what its description grants: its own runtime per invocation.
    const instrument = options.instrument;
    const clientConfig = { endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const runtimeFor = (name: FunctionName, def: FunctionDefinition, stores: StoreFactories): Runtime => {
      const scoped = scopedDynamoClients({ function: name, access: def.access, tableNames, clientConfig, onWrite: countWrite, onWriteDone: countWriteDone });
      stops.push(async () => scoped.dynamo.destroy());
      instrument?.dynamoClient?.(name, scoped.dynamo);
      const notifier = scopedNotifier(name, def.access, outbox);
      const published = scopedEvents(name, def.access, events);
      const granted = Object.fromEntries((Object.keys(tableNames) as TableName[]).filter((t) => def.access.tables[t]).map((t) => [t, tableNames[t]]));
      return buildRuntime({
        config: options.config,
        clock,
        doc: scoped.doc,
        // Only the stores the handler names, as its Lambda bundle has (provideStores in aws-runtime.ts).
        stores,
        tableNames: granted,
        notifier: instrument?.notifier?.(name, notifier) ?? notifier,
        events: instrument?.events?.(name, published) ?? published,
        ...(def.access.publicUrl && { publicBaseUrl: () => publicBaseUrl }),
        ...(def.access.textModel && textModel && { textModel }),
        ...((def.access.mailBucket || def.access.eraseMailFiles || def.access.readMailFiles || def.access.writeMailFiles) && { mail }),
        ...(def.access.userPool && { auth: consoleAuth }),
        ...(def.access.linkKeys && { linkKeys: async () => linkKeys }),
        local: inspection,
        claimLeaseSeconds: claimLeaseSecondsOf(name),
      });
    };
    let inboundMailHandler: ((event: any) => Promise<any>) | undefined;
    for (const [name, def] of Object.entries(functions) as Array<[FunctionName, (typeof functions)[FunctionName]]>) {
      const mod = (await import(pathToFileURL(resolve(REPO_ROOT, def.entry)).href)) as {
        handler: (event: any, context?: any) => Promise<any>;
        stores?: StoreFactories;
        /** A scheduled handler's "when could a run next find work?" (LocalScheduler's NextWork). */
        nextWork?: NextWork;
      };
      // A handler that names no stores (the console root) gets none, as in Lambda.
      const fnRuntime = runtimeFor(name, def, mod.stores ?? {});
      const run = (event: any, context?: any) => runWithRuntime(fnRuntime, () => mod.handler(event, context));
      const measure = instrument?.invoke;
      const handler = measure ? (event: any, context?: any) => measure(name, event, () => run(event, context)) : run;
      const trigger = def.trigger;
      switch (trigger.kind) {
        case 'http':
          routes.push({ name, trigger, handler });
          break;
        case 'stream': {
          const streamArn = created[trigger.table].streamArn;
          if (!streamArn) throw new Error(`table ${trigger.table} has no stream for ${name}`);
          const poller = new StreamPoller({
            name,
            streams: clients.streams,
            streamArn,
            trigger,
            handler,
            // Like the deployed mappings: from the oldest record, then from the checkpoint.
            startingPosition: 'TRIM_HORIZON',
            // Lambda reads four times a second; an idle local runtime slows down and is nudged by its writes.
            idlePollIntervalMs: STREAM_IDLE_POLL_MS,
            ...(persistDir !== undefined && { checkpoints: new FileCheckpointStore(join(persistDir, 'stream-checkpoints'), name) }),
            timeoutSeconds: def.timeoutSeconds,
            memoryMb: def.memoryMb,
            // Leases are on the simulated clock: so are the invocation's remaining time and its waits.
            invocationClock: clock,
            onFailure: (info) => {
              deadLetters.push({ function: name, ...info });
            },
            log: (level, message, details) => {
              if (level === 'warn' || level === 'error') console.error(`[${name}] ${message}`, details ?? '');
            },
          });
          pollers.push(poller);
          pollerTables.set(poller, tableNames[trigger.table]);
          break;
        }
        case 'schedule': {
          const nextWork = mod.nextWork;
          scheduler.add(name, trigger.expression, handler, nextWork && (() => runWithRuntime(fnRuntime, nextWork)));
          break;
        }
        case 'companySchedule':
          // EventBridge Scheduler in AWS: the cron reads the company's wall clock, not UTC.
          scheduler.addZoned(name, trigger.expression(options.config), options.config.company.timeZone, handler);
          break;
        case 'inboundMail':
          inboundMailHandler = handler;
          break;
        case 'authorizer':
          authorizer = handler;
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
    const ticker = options.followRealTime === false ? undefined : setInterval(() => {
      const target = new Date(Date.now() + offsetMs);
      if (target > clock.now()) {
        scheduler.advanceTo(target).catch((err: unknown) => {
          // A jump queued just before this tick already moved the clock further: nothing to do.
          if (err instanceof ClockRewindError) return;
          // A backlog (after a restart) outlasts a settle: say so in one line, not a stack trace.
          if (err instanceof StreamPollerIdleTimeoutError) console.error(`local scheduler: stream consumers are still draining a backlog (${err.message})`);
          else console.error('local scheduler tick failed', err);
        });
      }
    }, TICK_MS);
    stops.unshift(async () => clearInterval(ticker));

    const server: Server = createLocalServer({
      routes,
      clock,
      authorizer: authorizer ?? (async () => ({ isAuthorized: false, context: {} })),
      advanceClock: async (t) => {
        // A test or tool may have written to the tables with a client of its own, which no count sees.
        scheduler.forgetNextWork();
        try {
          await idle();
        } catch (err) {
          // A backlog (say, after a restart) is still draining: nothing moved; the caller may retry.
          if (err instanceof StreamPollerIdleTimeoutError) throw new ClockBacklogError(false, clock.now(), err.message);
          throw err;
        }
        try {
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
        } catch (err) {
          // The clock moved (maybe only part of the way); what the runs wrote is still being handled.
          if (err instanceof StreamPollerIdleTimeoutError) {
            offsetMs = clock.now().getTime() - Date.now();
            throw new ClockBacklogError(true, clock.now(), err.message);
          }
          throw err;
        }
        return clock.now();
      },
      localViews: {
        '/config': () => options.config,
        '/local/outbox': () => outbox.entries(),
        '/local/events': () => events.entries(),
        '/local/dead-letters': () => deadLetters,
        '/local/clock': () => ({ now: clock.now().toISOString() }),
        '/local/volume': () => volumeView(runtime, clock.now()),
        '/local/streams': () => pollers.map((p) => ({ function: p.name, ...p.stats })),
        '/local/schedules': () => scheduler.upcoming(),
        '/local/mail': () => mail.list(),
      },
      mailDownload: (query) => mail.download(query),
      // An email as a mail client shows it, inline images included (`cid:` made `data:` for the browser).
      localPage: (pathname) => {
        const id = /^\/local\/outbox\/(msg-\d+)\.html$/.exec(pathname)?.[1];
        const entry = id === undefined ? undefined : outbox.entries().find((e) => e.id === id);
        return entry && outboxHtml(entry);
      },
    });
    const wanted = options.port ?? 3000;
    await new Promise<void>((ok, fail) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        fail(err.code === 'EADDRINUSE' ? new PortInUseError(wanted) : err);
      });
      server.listen(wanted, '127.0.0.1', () => ok());
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
    let smtpPort: number | undefined;
    if (options.config.inbound && inboundMailHandler) {
      const smtp = await startLocalSmtp({ inbound: options.config.inbound, port: options.smtpPort ?? 0, store: mail, deliver: inboundMailHandler });
      stops.unshift(() => smtp.stop());
      smtpPort = smtp.port;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      clock,
      outbox,
      events,
      runtime,
      smtpPort,
      mail,
      dynamoDb: { endpoint: dynamo.endpoint, tables: tableNames },
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

/**
 * The clock of a persist folder: it resumes where the last run left it when that is later than
 * `startTime` (or the machine's time), so it never goes back across restarts of one folder, and
 * saves every move there.
 */
function resumedClock(persistDir: string, startTime: Date | undefined): SimulatedClock {
  const saved = readSavedClock(persistDir);
  const { start, ignored } = resumeClockAt(saved, startTime ?? new Date());
  if (ignored !== undefined && startTime !== undefined) {
    console.warn(`LOCAL_CLOCK_START ${startTime.toISOString()} is before the clock of DYNAMODB_PERSIST_DIR (${start.toISOString()}), which never goes back: resuming there`);
  }
  saveClock(persistDir, start);
  return new SimulatedClock(start, { onSet: (now) => saveClock(persistDir, now) });
}

/**
 * A DynamoDB endpoint given by DYNAMODB_ENDPOINT must answer before the tables are created, or the
 * first error would name a table and a socket error instead of the variable.
 * @throws LocalPipelineOptionsError naming DYNAMODB_ENDPOINT
 */
async function assertAnswers(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).name;
    throw new LocalPipelineOptionsError(
      `DynamoDB Local is not answering at DYNAMODB_ENDPOINT ${endpoint} (${code}): start it there, or unset DYNAMODB_ENDPOINT and npm start runs its own`,
    );
  } finally {
    client.destroy();
  }
}

/** Whether nothing listens on `port` at 127.0.0.1 (where the HTTP server will listen). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/**
 * Each category's current window count against its effective threshold: a run-time override
 * (`PUT /categories/{id}/alerting`) if one is set, else the deployed config's.
 */
async function volumeView(runtime: Runtime, now: Date) {
  return Promise.all(
    runtime.config.categories.map(async (deployed) => {
      const override = await runtime.alertOps.getOverride(deployed.id);
      const c = applyOverride(deployed, override);
      const range = windowBuckets(now, c.threshold.windowMinutes);
      const count = windowCount(await runtime.volume.buckets(c.id, range.from, range.to));
      return {
        category: c.id,
        name: c.name,
        department: c.department,
        windowMinutes: c.threshold.windowMinutes,
        count,
        threshold: c.threshold.count,
        deployedThreshold: { ...deployed.threshold },
        overridden: override !== undefined,
      };
    }),
  );
}

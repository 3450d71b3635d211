import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamTrigger } from '../pipeline.ts';
import { matchesFilter, validateFilterPatterns } from './event-filter.ts';
import {
  interpretBatchResponse,
  lambdaContext,
  toLambdaRecord,
  type BatchOutcome,
  type StreamBatchFailure,
  type StreamHandler,
} from './lambda-stream-shapes.ts';

/**
 * Where the poller reads the time and schedules its waits. Injected so tests drive the batching
 * window, backoffs and `idle()` timeouts by events instead of waiting out real time.
 */
export interface PollerTimer {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock and Node's timers. */
export const realTimer: PollerTimer = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A clock the invoked function can sleep on: the local runtime's simulated clock (SimulatedClock).
 */
export interface InvocationClock {
  now(): Date;
  /** Resolves once the clock reads `t` or later; rejects with the signal's reason when it aborts first. */
  sleepUntil(t: Date, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/**
 * How `idle()` found the poller: everything handled, or an invocation asleep on the invocation
 * clock (a held claim's lease), which only a move of that clock can end.
 */
export type StreamPollerIdleState = 'idle' | 'waitingForClock';

/**
 * Where the poller keeps, per shard, the sequence number up to which every record is handled (or
 * filtered, or given to `onFailure`): the event source mapping's checkpoint. A restarted poller
 * resumes just after it, so it neither skips records nor re-delivers more than the last batch.
 */
export interface StreamCheckpointStore {
  /** Checkpoints by shard id, as last saved for this stream. */
  load(streamArn: string): Promise<Readonly<Record<string, string>>>;
  save(streamArn: string, shardId: string, sequenceNumber: string): Promise<void>;
}

export type StreamPollerLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;

export interface StreamPollerOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  /** The function's trigger from `pipeline.ts`: filter, batch size, window, retries, bisect, record age. */
  readonly trigger: StreamTrigger;
  readonly handler: StreamHandler;
  /**
   * Receives each batch the poller gives up on, in Lambda's on-failure shape, plus (locally only)
   * the records themselves. Errors it throws are logged and do not stop the poller.
   */
  readonly onFailure: (info: StreamBatchFailure, records: readonly DynamoDBRecord[]) => unknown;
  /** The function name, used in logs, the request context and the function ARN. */
  readonly name: string;
  /**
   * Pause between reads when a shard has nothing new. Lambda polls a DynamoDB stream's shards four
   * times a second; polling faster only loads DynamoDB Local (an idle `npm start` has a poller per
   * stream consumer reading all the time), and `idle()` cuts a pause short anyway.
   * @default 250
   */
  readonly pollIntervalMs?: number;
  /**
   * The longest pause between reads once the shards have stayed empty: after each empty turn the
   * pause doubles from `pollIntervalMs` up to this, and any record read, `nudge()` or `idle()`
   * brings it back (records waiting for their batching window keep the usual pace). The local runtime nudges a poller whenever one of its functions' writes
   * to the poller's table is answered, so an idle `npm start` reads rarely and a new record is still
   * read at once; only writes from outside the runtime wait for the pause to end.
   * @default pollIntervalMs (no slowing down, as Lambda)
   */
  readonly idlePollIntervalMs?: number;
  /**
   * First retry delay; it doubles per attempt up to one second.
   * @default 100
   */
  readonly retryBackoffMs?: number;
  /**
   * Where reading starts in the shards open at `start()`. `LATEST` skips what is already in the
   * stream (what Lambda does for a new mapping created with LATEST); `TRIM_HORIZON` replays it.
   * Shards that appear later are always read from their beginning.
   * @default 'LATEST'
   */
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  /**
   * The function's timeout, as the handler's Lambda context reports it (`getRemainingTimeInMillis`,
   * counted down on `invocationClock` when there is one); not enforced locally.
   * @default 60
   */
  readonly timeoutSeconds?: number;
  /**
   * The function's memory, as the handler's Lambda context reports it.
   * @default 512
   */
  readonly memoryMb?: number;
  /**
   * The clock and timers for the batching window, backoffs, record age and `idle()` timeouts.
   * @default realTimer
   */
  readonly timer?: PollerTimer;
  /**
   * The clock the invoked function lives on, when it is not `timer`: the local runtime's simulated
   * clock. The handler's context then counts its remaining time down on it and offers `sleep` on it
   * (functions/adapters/held-claim-wait.ts waits out a lease with it). While an invocation sleeps
   * there, `idle()` resolves ('waitingForClock'): nothing can move until that clock does, and whoever
   * waits for idle (the scheduler, `POST /local/clock`) is the one who can move it. `stop()` ends
   * such a sleep with a StreamPollerStateError; the batch is left for the next start.
   * @default undefined: remaining time on `timer`, and no `sleep` in the context (a handler uses a timer)
   */
  readonly invocationClock?: InvocationClock;
  /**
   * Keeps the checkpoint per shard across restarts. Shards with a saved checkpoint are read from
   * just after it, whatever `startingPosition` says.
   * @default undefined: nothing is kept, a new poller starts at `startingPosition`
   */
  readonly checkpoints?: StreamCheckpointStore;
  /**
   * Where the poller reports failures and retries.
   * @default warnings and errors to the console, so a failing handler is never silent
   */
  readonly log?: StreamPollerLog;
}

const consoleLog: StreamPollerLog = (level, message, details) => {
  if (level === 'error') console.error(message, details ?? '');
  else if (level === 'warn') console.warn(message, details ?? '');
};

/** Counters since `start()`. */
export interface StreamPollerStats {
  /** Stream records read, filtered or not. */
  recordsRead: number;
  /** Records the filter patterns dropped (checkpointed without an invocation, as in Lambda). */
  recordsFiltered: number;
  /** Records handed to the handler, counting each redelivery. */
  recordsDelivered: number;
  /** Handler invocations. */
  batches: number;
  /** Invocations that threw or reported batch item failures. */
  failures: number;
  /** Batches given to `onFailure`. */
  deadLetteredBatches: number;
  /** Records in those batches. */
  deadLetteredRecords: number;
  /** Failed DescribeStream / GetShardIterator / GetRecords calls (retried). */
  pollErrors: number;
  /** Iterators re-positioned because they pointed before the oldest record of their shard. */
  trimmedRecoveries: number;
  /** Sleeps of invocations on the invocation clock (held claims' leases waited out). */
  clockWaits: number;
}

/** Thrown by `start()` twice or after `stop()`, and by `idle()` when the poller is not running. */
export class StreamPollerStateError extends Error {
  override readonly name = 'StreamPollerStateError';
}

/** Thrown by `idle()` when the records written before it were not all handled in time. */
export class StreamPollerIdleTimeoutError extends Error {
  override readonly name = 'StreamPollerIdleTimeoutError';
}

interface ShardState {
  readonly id: string;
  readonly parentId: string | undefined;
  /** How to (re)acquire an iterator: the initial position, or just after the last record read. */
  position: 'LATEST' | 'TRIM_HORIZON' | { readonly after: string };
  /** Sequence number of the last record read; records at or before it are never read twice. */
  lastRead: string | undefined;
  /** Everything up to this sequence number is handled (the checkpoint last saved). */
  checkpoint: string | undefined;
  iterator: string | undefined;
  /** Records that passed the filter and are not yet handled, in sequence order. */
  readonly buffer: DynamoDBRecord[];
  bufferedSince: number;
  /** GetRecords returned no next iterator: the shard is closed and fully read. */
  ended: boolean;
  /** The last read returned nothing new. */
  caughtUp: boolean;
  /** Read counter value of the last read that found the shard caught up. */
  caughtUpAtRead: number;
  /** Sizes of the sub-batches still to retry after a bisect or partial failure, front first. */
  readonly pending: number[];
  /** A failed batch waits to be retried (without waiting for the batching window). */
  retrying: boolean;
  /** Failed invocations counting toward `retryAttempts` since the head record last changed. */
  attempts: number;
  /** Invocations that included the head record since it last changed. */
  invocations: number;
  lastResponse: StreamBatchFailure['responseContext'] | undefined;
  lastRequestId: string;
  lastInvocationEndedAt: number;
}

interface IdleWaiter {
  readonly afterRead: number;
  readonly resolve: (state: StreamPollerIdleState) => void;
  readonly reject: (err: Error) => void;
}

const GET_RECORDS_LIMIT = 1000;
const MAX_BACKOFF_MS = 1000;
const REDISCOVER_EVERY_MS = 10_000;

/**
 * Reads a DynamoDB (Local) stream and invokes a handler the way the Lambda event source mapping
 * for a `StreamTrigger` does: records reshaped exactly as Lambda delivers them, filter patterns
 * applied before batching, batch size and batching window, in-order processing per shard with one
 * batch in flight, partial batch responses, bisect on error, bounded retries and record age, and
 * an on-failure capture in Lambda's destination format.
 */
export class StreamPoller {
  readonly #options: StreamPollerOptions;
  readonly #trigger: StreamTrigger;
  readonly #log: StreamPollerLog;
  readonly #region: string;
  readonly #functionArn: string;
  readonly #stats: StreamPollerStats = {
    recordsRead: 0,
    recordsFiltered: 0,
    recordsDelivered: 0,
    batches: 0,
    failures: 0,
    deadLetteredBatches: 0,
    deadLetteredRecords: 0,
    pollErrors: 0,
    trimmedRecoveries: 0,
    clockWaits: 0,
  };
  /** Shards being read or waiting for their parent, by id. */
  readonly #active = new Map<string, ShardState>();
  readonly #seen = new Set<string>();
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #loop: Promise<void> | undefined;
  #rediscover = false;
  #lastDiscovery = 0;
  /** Increments before every GetRecords, so "read started after idle() was called" is exact. */
  #reads = 0;
  readonly #waiters = new Set<IdleWaiter>();
  #wake: (() => void) | undefined;
  /** `idle()`, `stop()` or `nudge()` asked for attention while a turn was running: skip the next nap. */
  #poked = false;
  /** The pause after the next empty turn: from `pollIntervalMs`, doubling up to `idlePollIntervalMs`. */
  #idlePause = 0;
  readonly #timer: PollerTimer;
  #saved: Readonly<Record<string, string>> = {};
  /** When the invocation in flight sleeps on the invocation clock: the times it sleeps until. */
  readonly #sleeps = new Set<{ readonly until: number }>();
  /** Aborted by `stop()`, ending a sleep on the invocation clock that nothing else would end. */
  readonly #stopping = new AbortController();
  /** `stop()` ended the in-flight invocation's sleep: its failure is not the handler's. */
  #cutShort = false;

  constructor(options: StreamPollerOptions) {
    const { trigger } = options;
    validateFilterPatterns(trigger.filterPatterns);
    if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > 10_000) {
      throw new RangeError(`${options.name}: batchSize must be 1-10000, got ${trigger.batchSize}`);
    }
    if (!Number.isInteger(trigger.retryAttempts) || trigger.retryAttempts < -1) {
      throw new RangeError(`${options.name}: retryAttempts must be -1 (infinite) or more, got ${trigger.retryAttempts}`);
    }
    this.#options = options;
    this.#trigger = trigger;
    this.#log = options.log ?? consoleLog;
    this.#timer = options.timer ?? realTimer;
    // arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
    const [, , , region = 'local', account = '000000000000'] = options.streamArn.split(':');
    this.#region = region;
    this.#functionArn = `arn:aws:lambda:${region}:${account}:function:${options.name}`;
  }

  /** The function name the poller invokes. */
  get name(): string {
    return this.#options.name;
  }

  /** A copy of the counters. */
  get stats(): StreamPollerStats {
    return { ...this.#stats };
  }

  /**
   * Finds the stream's shards, positions an iterator in each open one and starts polling.
   * Resolves once positioned: with `LATEST`, records written after that are never missed.
   * @throws StreamPollerStateError when already started or stopped
   * @throws the SDK error when the stream cannot be described (the poller stays stopped)
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new StreamPollerStateError(`stream poller "${this.#options.name}" was already started`);
    this.#state = 'running';
    try {
      this.#saved = (await this.#options.checkpoints?.load(this.#options.streamArn)) ?? {};
      await this.#discover(true);
      for (const shard of this.#active.values()) {
        if (this.#eligible(shard)) shard.iterator = await this.#acquireIterator(shard);
      }
    } catch (err) {
      this.#state = 'stopped';
      throw err;
    }
    this.#loop = this.#run();
  }

  /** Stops polling after the batch in flight (if any) completes; pending `idle()` calls reject. */
  async stop(): Promise<void> {
    if (this.#state === 'new') this.#state = 'stopped';
    if (this.#state !== 'running') {
      await this.#loop;
      return;
    }
    this.#state = 'stopping';
    this.#poke();
    // Once stopped nobody moves the invocation clock for this poller: end its sleep instead.
    this.#stopping.abort(new StreamPollerStateError(`stream poller "${this.#options.name}" stopped while an invocation waited for the clock`));
    await this.#loop;
    this.#state = 'stopped';
    for (const waiter of this.#waiters) {
      waiter.reject(new StreamPollerStateError(`stream poller "${this.#options.name}" stopped before it was idle`));
    }
    this.#waiters.clear();
  }

  /**
   * Says a record may have just been written to the stream: ends a pause between reads now (or
   * skips the next one when a read is under way), and shortens the pauses to `pollIntervalMs` again.
   */
  nudge(): void {
    if (this.#state !== 'running') return;
    this.#idlePause = this.#pollInterval;
    this.#poke();
  }

  /**
   * Resolves once every record written to the table before this call has been handled: read,
   * filtered or delivered, and succeeded or given to `onFailure` ('idle'); or as soon as the
   * invocation in flight sleeps on the invocation clock ('waitingForClock'), since nothing here can
   * move before that clock does. A batching window still open is cut short, since nothing else is
   * coming that the caller waits for.
   * @throws StreamPollerIdleTimeoutError after `timeoutMs`, saying what is still pending
   * @throws StreamPollerStateError when the poller is not running
   */
  idle(timeoutMs = 30_000): Promise<StreamPollerIdleState> {
    if (this.#state !== 'running') {
      return Promise.reject(new StreamPollerStateError(`stream poller "${this.#options.name}" is not running`));
    }
    if (this.#waitingForClock()) return Promise.resolve('waitingForClock');
    return new Promise<StreamPollerIdleState>((resolve, reject) => {
      const timer = this.#timer.setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new StreamPollerIdleTimeoutError(`stream poller "${this.#options.name}" was not idle within ${timeoutMs} ms: ${this.#describePending()}`));
      }, timeoutMs);
      const waiter: IdleWaiter = {
        afterRead: this.#reads,
        resolve: (state) => {
          this.#timer.clearTimeout(timer);
          resolve(state);
        },
        reject: (err) => {
          this.#timer.clearTimeout(timer);
          reject(err);
        },
      };
      this.#waiters.add(waiter);
      this.#idlePause = this.#pollInterval;
      this.#poke();
    });
  }

  async #run(): Promise<void> {
    while (this.#state === 'running') {
      let busy = false;
      try {
        if (this.#rediscover || this.#timer.now() - this.#lastDiscovery > REDISCOVER_EVERY_MS) await this.#discover(false);
        for (const shard of [...this.#active.values()]) {
          if (this.#state !== 'running') break;
          if (this.#eligible(shard)) busy = (await this.#step(shard)) || busy;
        }
      } catch (err) {
        this.#stats.pollErrors++;
        this.#log('warn', `${this.#options.name}: reading the stream failed; retrying`, { error: String(err) });
        await this.#nap(this.#pollInterval * 5);
        continue;
      }
      this.#settleWaiters();
      if (busy) {
        this.#idlePause = this.#pollInterval;
      } else if ([...this.#active.values()].some((shard) => shard.buffer.length > 0)) {
        // Records wait for their batching window: keep looking at the usual pace, so it closes on time.
        this.#idlePause = this.#pollInterval;
        await this.#nap(this.#pollInterval);
      } else {
        const pause = Math.max(this.#idlePause, this.#pollInterval);
        this.#idlePause = Math.min(pause * 2, this.#options.idlePollIntervalMs ?? this.#pollInterval);
        await this.#nap(pause);
      }
    }
  }

  get #pollInterval(): number {
    return this.#options.pollIntervalMs ?? 250;
  }

  /** Ends the current nap, or the next one when a turn is running (so the request is never lost). */
  #poke(): void {
    if (this.#wake) this.#wake();
    else this.#poked = true;
  }

  /** Sleeps until the time is up, or until `idle()` or `stop()` wants attention. */
  #nap(ms: number): Promise<void> {
    if (this.#poked) {
      this.#poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        this.#timer.clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = this.#timer.setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** Waits out a retry backoff; only `stop()` cuts it short. */
  async #backoff(ms: number): Promise<void> {
    const until = this.#timer.now() + ms;
    while (this.#state === 'running' && this.#timer.now() < until) await this.#nap(until - this.#timer.now());
  }

  async #discover(initial: boolean): Promise<void> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const out = await this.#options.streams.send(
        new DescribeStreamCommand({ StreamArn: this.#options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      shards.push(...(out.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    this.#lastDiscovery = this.#timer.now();
    this.#rediscover = false;
    for (const shard of shards) {
      const id = shard.ShardId;
      if (id === undefined || this.#seen.has(id)) continue;
      this.#seen.add(id);
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const startingPosition = this.#options.startingPosition ?? 'LATEST';
      const checkpoint = this.#saved[id];
      // Everything in a shard closed before we started was written before we started.
      if (initial && startingPosition === 'LATEST' && closed && checkpoint === undefined) continue;
      this.#active.set(id, {
        id,
        parentId: shard.ParentShardId,
        // A shard born after start holds only records written after start: read all of it.
        position: checkpoint !== undefined ? { after: checkpoint } : initial ? startingPosition : 'TRIM_HORIZON',
        lastRead: checkpoint,
        checkpoint,
        iterator: undefined,
        buffer: [],
        bufferedSince: 0,
        ended: false,
        caughtUp: false,
        caughtUpAtRead: -1,
        pending: [],
        retrying: false,
        attempts: 0,
        invocations: 0,
        lastResponse: undefined,
        lastRequestId: '',
        lastInvocationEndedAt: 0,
      });
      if (!initial) this.#log('info', `${this.#options.name}: new shard ${id}`, { parent: shard.ParentShardId });
    }
  }

  /** Lambda finishes a parent shard before it reads the children. */
  #eligible(shard: ShardState): boolean {
    return shard.parentId === undefined || !this.#active.has(shard.parentId);
  }

  async #acquireIterator(shard: ShardState): Promise<string | undefined> {
    const { position } = shard;
    const out = await this.#options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.#options.streamArn,
        ShardId: shard.id,
        ...(typeof position === 'string'
          ? { ShardIteratorType: position }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.after }),
      }),
    );
    return out.ShardIterator;
  }

  /** One turn for one shard: read if there is room, then invoke if a batch is ready. */
  async #step(shard: ShardState): Promise<boolean> {
    let busy = false;
    if (!shard.ended && shard.buffer.length < this.#batchLimit(shard)) busy = await this.#read(shard);
    if (this.#batchReady(shard)) {
      await this.#dispatch(shard);
      busy = true;
    }
    if (shard.ended && shard.buffer.length === 0) {
      this.#active.delete(shard.id);
      this.#rediscover = true;
      this.#log('info', `${this.#options.name}: shard ${shard.id} closed and fully processed`);
    }
    return busy;
  }

  #batchLimit(shard: ShardState): number {
    return shard.pending[0] ?? this.#trigger.batchSize;
  }

  async #read(shard: ShardState): Promise<boolean> {
    shard.iterator ??= await this.#acquireIterator(shard);
    if (shard.iterator === undefined) {
      shard.ended = true;
      return false;
    }
    const read = ++this.#reads;
    let out;
    try {
      out = await this.#options.streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: GET_RECORDS_LIMIT }));
    } catch (err) {
      // Never retry a read with the iterator that just failed: the next turn takes a fresh one at
      // the shard's position, as the event source mapping does.
      shard.iterator = undefined;
      if (err instanceof ExpiredIteratorException) {
        // A long retry can outlive the 15-minute iterator; resume after the last record read.
        return true;
      }
      if (err instanceof TrimmedDataAccessException) {
        this.#recoverTrimmed(shard);
        return true;
      }
      throw err;
    }
    const records = out.Records ?? [];
    for (const raw of records) {
      const record = toLambdaRecord(raw, this.#options.streamArn, this.#region);
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      // After a re-position at TRIM_HORIZON the shard's oldest records may be ones already read.
      if (sequenceNumber !== undefined && shard.lastRead !== undefined && !sequenceAfter(sequenceNumber, shard.lastRead)) continue;
      if (sequenceNumber !== undefined) {
        shard.position = { after: sequenceNumber };
        shard.lastRead = sequenceNumber;
      }
      this.#stats.recordsRead++;
      if (!matchesFilter(record, this.#trigger.filterPatterns)) {
        this.#stats.recordsFiltered++;
        continue;
      }
      if (shard.buffer.length === 0) shard.bufferedSince = this.#timer.now();
      shard.buffer.push(record);
    }
    shard.iterator = out.NextShardIterator;
    if (shard.iterator === undefined) shard.ended = true;
    shard.caughtUp = records.length === 0 || shard.ended;
    if (shard.caughtUp) shard.caughtUpAtRead = read;
    // Filtered records are checkpointed without an invocation, as in Lambda.
    if (shard.buffer.length === 0) await this.#checkpoint(shard, shard.lastRead);
    return records.length > 0;
  }

  /**
   * The iterator points before the oldest record the shard still holds. DynamoDB (Local) answers
   * this way when the iterator was taken while the shard was empty and the shard's first record got
   * a later sequence number (a transaction's first write: the sequence number it skipped went to
   * another table), and in AWS when records aged out of the 24-hour retention. Either way the event
   * source mapping resumes at the oldest record available; records at or before the last one read
   * are skipped, so nothing is delivered twice.
   */
  #recoverTrimmed(shard: ShardState): void {
    this.#stats.trimmedRecoveries++;
    const hadRead = shard.lastRead !== undefined;
    shard.position = 'TRIM_HORIZON';
    this.#log(hadRead ? 'warn' : 'info', `${this.#options.name}: shard ${shard.id}: iterator is before the oldest record; re-positioning at TRIM_HORIZON`, {
      ...(hadRead && { after: shard.lastRead }),
    });
  }

  /** Saves the shard's checkpoint when it moved and a store is configured. */
  async #checkpoint(shard: ShardState, sequenceNumber: string | undefined): Promise<void> {
    if (sequenceNumber === undefined || sequenceNumber === shard.checkpoint) return;
    shard.checkpoint = sequenceNumber;
    await this.#options.checkpoints?.save(this.#options.streamArn, shard.id, sequenceNumber);
  }

  #batchReady(shard: ShardState): boolean {
    if (shard.buffer.length === 0) return false;
    if (shard.retrying || shard.pending.length > 0 || shard.ended) return true;
    if (shard.buffer.length >= this.#trigger.batchSize) return true;
    // Someone waits in idle(): nothing else is coming that they care about, so close the window now.
    if (this.#waiters.size > 0 && shard.caughtUp) return true;
    // As in Lambda, the window opens when records are waiting and the previous invocation is done.
    const opened = Math.max(shard.bufferedSince, shard.lastInvocationEndedAt);
    return this.#timer.now() - opened >= this.#trigger.maxBatchingWindowSeconds * 1000;
  }

  async #dispatch(shard: ShardState): Promise<void> {
    const size = Math.min(this.#batchLimit(shard), shard.buffer.length);
    const expired = this.#expiredPrefix(shard.buffer.slice(0, size));
    if (expired > 0) {
      await this.#giveUp(shard, expired, 'RecordAgeExceeded');
      return;
    }
    const batch = shard.buffer.slice(0, size);
    const outcome = await this.#invoke(shard, batch);
    if (this.#cutShort) {
      this.#cutShort = false;
      // stop() ended its wait for the clock: no retry and no give-up; after a restart the batch is read again.
      if (outcome.kind !== 'success') return;
    }
    shard.invocations++;
    shard.lastInvocationEndedAt = this.#timer.now();
    if (outcome.kind === 'success') {
      await this.#advance(shard, size);
      shard.lastResponse = undefined;
      return;
    }
    this.#stats.failures++;
    const bisect = this.#trigger.bisectBatchOnError;
    if (outcome.kind === 'partial') {
      // Checkpoint just before the lowest failed record; that record has now failed once more.
      if (outcome.index > 0) await this.#advance(shard, outcome.index);
      shard.attempts++;
      shard.invocations = Math.max(shard.invocations, 1);
      const remaining = size - outcome.index;
      this.#log('warn', `${this.#options.name}: batch item failure at ${batch[outcome.index]?.dynamodb?.SequenceNumber}`, {
        attempt: shard.attempts,
      });
      if (this.#exhausted(shard)) {
        await this.#giveUp(shard, remaining, 'RetryAttemptsExhausted');
        return;
      }
      // With bisect on, Lambda retries only the rest of this batch; without, a fresh batch from the checkpoint.
      if (bisect) this.#replaceFront(shard, [remaining]);
      shard.retrying = true;
      await this.#backoff(this.#backoffMs(shard.attempts));
      return;
    }
    this.#log('warn', `${this.#options.name}: batch of ${size} failed: ${outcome.reason}`, { attempt: shard.attempts + 1 });
    if (bisect && size > 1) {
      // Splitting does not consume the retry quota.
      this.#replaceFront(shard, [Math.ceil(size / 2), Math.floor(size / 2)]);
      shard.retrying = true;
      await this.#backoff(this.#backoffMs(1));
      return;
    }
    shard.attempts++;
    if (this.#exhausted(shard)) {
      await this.#giveUp(shard, size, 'RetryAttemptsExhausted');
      return;
    }
    shard.retrying = true;
    await this.#backoff(this.#backoffMs(shard.attempts));
  }

  #backoffMs(attempt: number): number {
    return Math.min((this.#options.retryBackoffMs ?? 100) * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
  }

  #exhausted(shard: ShardState): boolean {
    return this.#trigger.retryAttempts >= 0 && shard.attempts > this.#trigger.retryAttempts;
  }

  /** How many leading records are older than `maxRecordAgeSeconds` (records are in time order). */
  #expiredPrefix(batch: readonly DynamoDBRecord[]): number {
    const maxAge = this.#trigger.maxRecordAgeSeconds;
    if (maxAge < 0) return 0;
    const now = this.#timer.now() / 1000;
    let n = 0;
    while (n < batch.length && now - (batch[n]?.dynamodb?.ApproximateCreationDateTime ?? now) > maxAge) n++;
    return n;
  }

  /** Replaces the sub-batch at the front of the retry plan (or the implicit full batch) with `sizes`. */
  #replaceFront(shard: ShardState, sizes: number[]): void {
    if (shard.pending.length > 0) shard.pending.shift();
    shard.pending.unshift(...sizes.filter((s) => s > 0));
  }

  /** Checkpoints past the first `count` buffered records. */
  async #advance(shard: ShardState, count: number): Promise<void> {
    const done = shard.buffer.splice(0, count);
    let left = count;
    while (left > 0 && shard.pending.length > 0) {
      const front = shard.pending[0] ?? 0;
      const take = Math.min(front, left);
      left -= take;
      if (front - take === 0) shard.pending.shift();
      else shard.pending[0] = front - take;
    }
    shard.retrying = false;
    shard.attempts = 0;
    shard.invocations = 0;
    if (shard.buffer.length > 0) shard.bufferedSince = this.#timer.now();
    // With the buffer empty, every record read so far (filtered ones too) is done.
    await this.#checkpoint(shard, shard.buffer.length === 0 ? shard.lastRead : done.at(-1)?.dynamodb?.SequenceNumber);
  }

  async #giveUp(shard: ShardState, count: number, condition: StreamBatchFailure['requestContext']['condition']): Promise<void> {
    const records = shard.buffer.slice(0, count);
    const first = records[0]?.dynamodb;
    const last = records.at(-1)?.dynamodb;
    const info: StreamBatchFailure = {
      requestContext: {
        requestId: shard.lastRequestId || randomUUID(),
        functionArn: this.#functionArn,
        condition,
        approximateInvokeCount: shard.invocations,
      },
      responseContext: shard.lastResponse ?? { statusCode: 0, executedVersion: '$LATEST' },
      version: '1.0',
      timestamp: new Date(this.#timer.now()).toISOString(),
      DDBStreamBatchInfo: {
        shardId: shard.id,
        startSequenceNumber: first?.SequenceNumber ?? '',
        endSequenceNumber: last?.SequenceNumber ?? '',
        approximateArrivalOfFirstRecord: arrival(first?.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: arrival(last?.ApproximateCreationDateTime),
        batchSize: records.length,
        streamArn: this.#options.streamArn,
      },
    };
    this.#stats.deadLetteredBatches++;
    this.#stats.deadLetteredRecords += records.length;
    this.#log('error', `${this.#options.name}: giving up on ${records.length} record(s): ${condition}`, {
      shardId: shard.id,
      startSequenceNumber: info.DDBStreamBatchInfo.startSequenceNumber,
      endSequenceNumber: info.DDBStreamBatchInfo.endSequenceNumber,
    });
    try {
      await this.#options.onFailure(info, structuredClone(records));
    } catch (err) {
      this.#log('error', `${this.#options.name}: onFailure threw; the batch is still skipped`, { error: String(err) });
    }
    await this.#advance(shard, count);
    shard.lastResponse = undefined;
  }

  async #invoke(shard: ShardState, batch: readonly DynamoDBRecord[]): Promise<BatchOutcome> {
    const requestId = randomUUID();
    shard.lastRequestId = requestId;
    this.#stats.batches++;
    this.#stats.recordsDelivered += batch.length;
    // A fresh copy per invocation: Lambda sends new JSON each time, so a handler's mutations never leak into a retry.
    const event: DynamoDBStreamEvent = { Records: structuredClone([...batch]) };
    let response: unknown;
    try {
      const context = lambdaContext({
        functionName: this.#options.name,
        functionArn: this.#functionArn,
        awsRequestId: requestId,
        timeoutSeconds: this.#options.timeoutSeconds ?? 60,
        memoryMb: this.#options.memoryMb ?? 512,
        ...this.#invocationTime(),
      });
      response = await this.#options.handler(event, context);
    } catch (err) {
      shard.lastResponse = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' };
      return { kind: 'failure', reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
    shard.lastResponse = { statusCode: 200, executedVersion: '$LATEST' };
    return interpretBatchResponse(response, batch);
  }

  /** The context's clock: the invocation clock when there is one (with a sleep on it), else the timer. */
  #invocationTime(): { now: () => number; sleep?: (ms: number) => Promise<void> } {
    const clock = this.#options.invocationClock;
    if (clock === undefined) return { now: () => this.#timer.now() };
    return { now: () => clock.now().getTime(), sleep: (ms) => this.#sleepOn(clock, ms) };
  }

  async #sleepOn(clock: InvocationClock, ms: number): Promise<void> {
    const sleep = { until: clock.now().getTime() + ms };
    this.#stats.clockWaits++;
    this.#sleeps.add(sleep);
    this.#settleWaiters();
    try {
      await clock.sleepUntil(new Date(sleep.until), { signal: this.#stopping.signal });
    } catch (err) {
      if (this.#stopping.signal.aborted) this.#cutShort = true;
      throw err;
    } finally {
      this.#sleeps.delete(sleep);
    }
  }

  /**
   * The invocation in flight sleeps until a time the invocation clock has not reached. Read from the
   * clock, not from the sleep's end, so the moment the clock moves past it the poller is busy again,
   * before the woken handler has run a single step.
   */
  #waitingForClock(): boolean {
    const clock = this.#options.invocationClock;
    if (clock === undefined || this.#sleeps.size === 0) return false;
    const now = clock.now().getTime();
    return [...this.#sleeps].every((s) => s.until > now);
  }

  /** Called between turns, and when the invocation in flight starts sleeping on the invocation clock. */
  #settleWaiters(): void {
    if (this.#waitingForClock()) {
      for (const waiter of this.#waiters) waiter.resolve('waitingForClock');
      this.#waiters.clear();
      return;
    }
    for (const waiter of this.#waiters) {
      const done =
        !this.#rediscover &&
        [...this.#active.values()].every((shard) => shard.buffer.length === 0 && (shard.ended || shard.caughtUpAtRead > waiter.afterRead));
      if (done) {
        this.#waiters.delete(waiter);
        waiter.resolve('idle');
      }
    }
  }

  #describePending(): string {
    const shards = [...this.#active.values()].map(
      (s) =>
        `${s.id}: ${s.buffer.length} buffered${s.retrying ? `, retrying (attempt ${s.attempts})` : ''}${s.caughtUp ? '' : ', not caught up'}${
          this.#eligible(s) ? '' : ', waiting for parent shard'
        }`,
    );
    return shards.length > 0 ? shards.join('; ') : 'no shards';
  }
}

/** Stream sequence numbers are decimal strings of varying length; compare them as numbers. */
function sequenceAfter(a: string, b: string): boolean {
  return BigInt(a) > BigInt(b);
}

function arrival(epochSeconds: number | undefined): string {
  return epochSeconds === undefined ? '' : new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

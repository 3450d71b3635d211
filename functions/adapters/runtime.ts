import { AsyncLocalStorage } from 'node:async_hooks';
import { BaselineCache } from '../use-cases/read-baseline.ts';
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PipelineConfig } from '../domain/config.ts';
import type { TableName } from '../pipeline.ts';
import { shortRef, ulid } from '../domain/ids.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { ConsoleAuth } from '../ports/authenticator.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MailStore, ReplyTokenStore } from '../ports/inbound-mail.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { CustomerDataStore } from '../ports/customer-data.ts';
import type { ReceiptQuota } from '../ports/receipt-quota.ts';
import type { ReplyLinkStore } from '../ports/reply-links.ts';
import type { LinkKeys } from '../domain/link-signing.ts';
import type { CompiledTextModel } from '../domain/text-model.ts';
import type { SentimentAnalyzer } from '../ports/sentiment.ts';
import type { OptOutStore, SurveyFactStore, SurveyStore } from '../ports/survey-store.ts';
import type { DueTimes } from '../ports/due-times.ts';
import type { SlaSmsStore } from '../ports/sla-sms-store.ts';
import type { VolumeStore } from '../ports/volume-store.ts';
import { meteredNotifier } from './metered-notifier.ts';
import { selectedEvents } from './selected-events.ts';

/** Everything a handler needs, wired once per container (Lambda) or once per process (local). */
export interface Runtime {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly newId: () => string;
  /** A fresh short complaint reference with the configured prefix. */
  readonly newRef: () => string;
  readonly complaints: ComplaintRepository;
  readonly volume: VolumeStore;
  readonly alerts: AlertStore;
  /** Acknowledge links, silences, run-time overrides and SMS held for quiet hours. */
  readonly alertOps: AlertOpsStore;
  readonly ledger: MessageLedger;
  readonly notifier: Notifier;
  readonly events: EventPublisher;
  readonly surveys: SurveyStore;
  /** The surveys' reporting facts (CSAT, response and reopen rates). */
  readonly surveyFacts: SurveyFactStore;
  readonly optOuts: OptOutStore;
  /** A customer's data across both tables, for export and erasure requests. */
  readonly customerData: CustomerDataStore;
  /** Receipts per recipient in the last hour (the receipt cap). */
  readonly receipts: ReceiptQuota;
  /** Fitted early-warning baselines, kept for the life of the container (refitted once a local day). */
  readonly baselineCache: BaselineCache;
  /** Reply addresses on customer emails (`REPLY#` items in the state table). */
  readonly replyTokens: ReplyTokenStore;
  /** Reply links in "waiting on you" and "resolved" SMS (`REPLYLINK#` items in the state table). */
  readonly replyLinks: ReplyLinkStore;
  /** The mail bucket: raw inbound messages, quarantine, attachments. */
  readonly mail: MailStore;
  /** The SLA sweeper's hourly SMS ceiling and what quiet hours hold. */
  readonly slaSms: SlaSmsStore;
  /** When the scheduled functions' next work is due (asked by the local scheduler only). */
  readonly dueTimes: DueTimes;
  /**
   * Base URL of the public pages (survey and unsubscribe links), without a trailing slash:
   * `survey.publicBaseUrl` from the config, else what the runtime knows (the HTTP API URL in AWS, the
   * local server's URL); undefined when neither is known.
   */
  publicBaseUrl(): string | undefined;
  /** The trained classifier (config `classifier`), bundled with the functions that use it. */
  readonly textModel?: CompiledTextModel;
  /** The sentiment service for the escalation-risk score; absent: the config's lexicon. */
  readonly sentiment?: SentimentAnalyzer;
  /** Who is calling the agent API and the console (user pool tokens in AWS, the agent token locally). */
  readonly auth: ConsoleAuth;
  /** Local runtime only: the outbox and the recorded domain events, for the console's local pages. */
  readonly local?: LocalInspection;
}

/** What the local runtime recorded instead of sending (read by the console's local-only pages). */
export interface LocalInspection {
  /** Every email, SMS and webhook as it would have left, oldest first. */
  outbox(): ReadonlyArray<{ readonly id: string; readonly channel: string; readonly to: string; readonly subject?: string; readonly body: string; readonly kind: string; readonly at: string; readonly complaintId?: string }>;
  /** Every domain event published, oldest first. */
  events(): ReadonlyArray<{ readonly detailType: string; readonly time: string; readonly detail: unknown }>;
}

export interface RuntimeParts {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly doc: DynamoDBDocumentClient;
  /**
   * Physical table names. In Lambda a function only has the tables its `access` grants, so a name
   * may be missing; using a port that needs it then fails with a clear error.
   */
  readonly tableNames: Partial<Record<TableName, string>>;
  /**
   * The DynamoDB-backed ports this runtime can build: factories exported beside each adapter (e.g.
   * `complaintStore` in dynamodb-complaint-repository.ts; `allStores` in dynamodb-stores.ts has them
   * all). A Lambda function gets the ones its handler names, so its bundle carries no other
   * adapter; reading a port whose factory is not here throws {@link MissingResourceError}.
   */
  readonly stores: StoreFactories;
  readonly notifier: Notifier | (() => Notifier);
  readonly events: EventPublisher | (() => EventPublisher);
  /** Where the public pages are served, when the runtime knows (read when a link is made). */
  readonly publicBaseUrl?: string | (() => string | undefined);
  /** The trained classifier, when the config names one. */
  readonly textModel?: CompiledTextModel;
  /** Made on first use; absent: the config's lexicon judges negative emotion. */
  readonly sentiment?: () => SentimentAnalyzer;
  /** The mail bucket (S3 in AWS, a local folder or memory under `npm start`); only the inbound-mail function has one. */
  readonly mail?: MailStore | (() => MailStore);
  /** Sign-in and token verification; created on first use. */
  readonly auth?: ConsoleAuth | (() => ConsoleAuth);
  readonly local?: LocalInspection;
  /** The lease on this function's message claims (functions/pipeline.ts `claimLeaseSecondsOf`); @default claimLeaseSeconds */
  readonly claimLeaseSeconds?: number;
  /** The keys that sign links (Secrets Manager in AWS, a local file under `npm start`); only functions whose access says `linkKeys`. */
  readonly linkKeys?: () => Promise<LinkKeys>;
}

/** The runtime's DynamoDB-backed ports, by name; `surveys` also serves `optOuts`. */
export interface StorePorts {
  readonly complaints: ComplaintRepository;
  readonly volume: VolumeStore;
  readonly alerts: AlertStore;
  readonly alertOps: AlertOpsStore;
  readonly ledger: MessageLedger;
  readonly receipts: ReceiptQuota;
  readonly surveys: SurveyStore & OptOutStore;
  readonly surveyFacts: SurveyFactStore;
  readonly customerData: CustomerDataStore;
  readonly slaSms: SlaSmsStore;
  readonly replyTokens: ReplyTokenStore;
  readonly replyLinks: ReplyLinkStore;
  readonly dueTimes: DueTimes;
}

/** The name of a DynamoDB-backed port. */
export type StoreName = keyof StorePorts;

/** What a store factory is given: the client, the table names this function may use, the config. */
export interface StoreContext {
  readonly doc: DynamoDBDocumentClient;
  readonly config: PipelineConfig;
  /**
   * The physical name of a table.
   * @throws MissingResourceError when this function was not granted the table
   */
  table(name: TableName): string;
  /** The lease on this function's message claims. */
  readonly claimLeaseSeconds?: number;
  /** The runtime's complaint repository (built on first use). */
  complaints(): ComplaintRepository;
  /** The keys that sign links, where this function has them (`linkKeys` access). */
  readonly linkKeys?: () => Promise<LinkKeys>;
}

/** Builds one port; called once, on the port's first use. */
export type StoreFactory<K extends StoreName> = (ctx: StoreContext) => StorePorts[K];

/** The store factories a runtime may use, by port name. */
export type StoreFactories = { readonly [K in StoreName]?: StoreFactory<K> };

/** Thrown when a handler uses a port whose resource its function was not granted. */
export class MissingResourceError extends Error {
  override readonly name = 'MissingResourceError';
}

/**
 * Builds the DynamoDB-backed runtime both sides share; only the clock, notifier and events differ.
 * Ports are created on first use, so a function is only asked for the resources it actually uses.
 */
export function buildRuntime(parts: RuntimeParts): Runtime {
  const table = (name: TableName): string => {
    const physical = parts.tableNames[name];
    if (!physical) throw new MissingResourceError(`this function has no access to the ${name} table (see functions/pipeline.ts)`);
    return physical;
  };
  const once = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const ctx: StoreContext = {
    doc: parts.doc,
    config: parts.config,
    table,
    ...(parts.claimLeaseSeconds !== undefined && { claimLeaseSeconds: parts.claimLeaseSeconds }),
    complaints: () => complaints(),
    ...(parts.linkKeys && { linkKeys: parts.linkKeys }),
  };
  const store = <K extends StoreName>(name: K): (() => StorePorts[K]) =>
    once(() => {
      const make = parts.stores[name] as StoreFactory<K> | undefined;
      if (!make) throw new MissingResourceError(`this function's handler does not wire the ${name} store (provideStores in its handler module)`);
      return make(ctx);
    });
  const complaints = store('complaints');
  const volume = store('volume');
  const alerts = store('alerts');
  const alertOps = store('alertOps');
  const ledger = store('ledger');
  const receipts = store('receipts');
  const surveys = store('surveys');
  const surveyFacts = store('surveyFacts');
  const customerData = store('customerData');
  const slaSms = store('slaSms');
  const replyTokens = store('replyTokens');
  const replyLinks = store('replyLinks');
  const dueTimes = store('dueTimes');
  // Every send is counted per channel (MessagesSent / MessagesFailed), whichever notifier is underneath.
  const notifier = once(() => meteredNotifier(typeof parts.notifier === 'function' ? parts.notifier() : parts.notifier));
  // Only the event types the config names go to the bus (every type by default).
  const events = once(() => selectedEvents(typeof parts.events === 'function' ? parts.events() : parts.events, parts.config.events.publish));
  const sentiment = parts.sentiment && once(parts.sentiment);
  const mail = once((): MailStore => {
    if (parts.mail) return typeof parts.mail === 'function' ? parts.mail() : parts.mail;
    // Fails on use, not on access: callers spread the runtime into deps objects.
    const missing = async (): Promise<never> => {
      throw new MissingResourceError('this function has no access to the mail bucket (see functions/pipeline.ts)');
    };
    return { readRaw: missing, putAttachment: missing, quarantine: missing, deleteUnder: missing, downloadUrl: missing, fileMessage: missing };
  });
  // Reading `auth` never throws (callers spread the runtime); using it without a user pool does.
  const auth = once((): ConsoleAuth => {
    if (parts.auth) return typeof parts.auth === 'function' ? parts.auth() : parts.auth;
    const missing = (): never => {
      throw new MissingResourceError('this function has no access to the user pool (see functions/pipeline.ts)');
    };
    return {
      authenticator: { verify: async () => missing() },
      get signIn() {
        return missing();
      },
    };
  });
  return {
    ...(parts.textModel && { textModel: parts.textModel }),
    get sentiment() {
      return sentiment?.();
    },
    config: parts.config,
    clock: parts.clock,
    newId: () => ulid(parts.clock.now(), randomBytes(10)),
    newRef: () => shortRef(parts.config.company.refPrefix, randomBytes(5)),
    get complaints() {
      return complaints();
    },
    get volume() {
      return volume();
    },
    get alerts() {
      return alerts();
    },
    get alertOps() {
      return alertOps();
    },
    get ledger() {
      return ledger();
    },
    get notifier() {
      return notifier();
    },
    get events() {
      return events();
    },
    get surveys() {
      return surveys();
    },
    get optOuts() {
      return surveys();
    },
    get surveyFacts() {
      return surveyFacts();
    },
    get customerData() {
      return customerData();
    },
    get receipts() {
      return receipts();
    },
    baselineCache: new BaselineCache(),
    get replyTokens() {
      return replyTokens();
    },
    get replyLinks() {
      return replyLinks();
    },
    get mail() {
      return mail();
    },
    get slaSms() {
      return slaSms();
    },
    get dueTimes() {
      return dueTimes();
    },
    get auth() {
      return auth();
    },
    ...(parts.local && { local: parts.local }),
    publicBaseUrl: () => {
      const known = typeof parts.publicBaseUrl === 'function' ? parts.publicBaseUrl() : parts.publicBaseUrl;
      return (parts.config.survey.publicBaseUrl ?? known)?.replace(/\/+$/, '');
    },
  };
}

/**
 * The runtime plus ports only one handler wires (e.g. the MIME parser, which only the inbound-mail
 * function bundles). The runtime's own ports stay lazy getters: nothing is created by extending it,
 * unlike a spread, which would read (and so create, or fail on) every port.
 *
 * @param rt the runtime
 * @param extra the additional ports
 * @returns an object with the runtime's ports and `extra`'s
 */
export function extendRuntime<T extends object>(rt: Runtime, extra: T): Runtime & T {
  return Object.create(rt, Object.getOwnPropertyDescriptors(extra)) as Runtime & T;
}

let current: Runtime | undefined;
let factory: (() => Runtime) | undefined;
const scoped = new AsyncLocalStorage<Runtime>();

/**
 * Runs `fn` (a handler invocation) with `rt` as the runtime its code sees, whatever is installed
 * globally. The local runtime gives each function its own runtime this way, holding only what the
 * function's `access` in functions/pipeline.ts grants, as a Lambda function's environment does.
 */
export function runWithRuntime<T>(rt: Runtime, fn: () => T): T {
  return scoped.run(rt, fn);
}

/**
 * Installs the runtime handlers use. The local runtime installs its own before invoking handlers;
 * in Lambda the AWS runtime module registers a factory that builds on first use (cold start).
 */
export function setRuntime(runtime: Runtime | undefined): void {
  current = runtime;
}

export function setRuntimeFactory(make: () => Runtime): void {
  factory = make;
}

/** The runtime in force. */
export function runtime(): Runtime {
  const inScope = scoped.getStore();
  if (inScope) return inScope;
  if (current) return current;
  if (!factory) throw new Error('no runtime installed: import functions/adapters/aws-runtime.ts or call setRuntime()');
  current = factory();
  return current;
}

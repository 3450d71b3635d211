import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PipelineConfig } from '../domain/config.ts';
import type { TableName } from '../pipeline.ts';
import { ulid } from '../domain/ids.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { ConsoleAuth } from '../ports/authenticator.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { OptOutStore, SurveyStore } from '../ports/survey-store.ts';
import type { VolumeStore } from '../ports/volume-store.ts';
import { DynamoAlertOpsStore } from './dynamodb-alert-ops-store.ts';
import { DynamoAlertStore } from './dynamodb-alert-store.ts';
import { DynamoComplaintRepository } from './dynamodb-complaint-repository.ts';
import { DynamoMessageLedger } from './dynamodb-message-ledger.ts';
import { DynamoSurveyStore } from './dynamodb-survey-store.ts';
import { DynamoVolumeStore } from './dynamodb-volume-store.ts';

/** Everything a handler needs, wired once per container (Lambda) or once per process (local). */
export interface Runtime {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly complaints: ComplaintRepository;
  readonly volume: VolumeStore;
  readonly alerts: AlertStore;
  /** Acknowledge links, silences, run-time overrides and SMS held for quiet hours. */
  readonly alertOps: AlertOpsStore;
  readonly ledger: MessageLedger;
  readonly notifier: Notifier;
  readonly events: EventPublisher;
  readonly surveys: SurveyStore;
  readonly optOuts: OptOutStore;
  /**
   * Base URL of the public pages (survey and unsubscribe links), without a trailing slash:
   * `survey.publicBaseUrl` from the config, else what the runtime knows (the HTTP API URL in AWS, the
   * local server's URL); undefined when neither is known.
   */
  publicBaseUrl(): string | undefined;
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
  readonly notifier: Notifier | (() => Notifier);
  readonly events: EventPublisher | (() => EventPublisher);
  /** Where the public pages are served, when the runtime knows (read when a link is made). */
  readonly publicBaseUrl?: string | (() => string | undefined);
  /** Sign-in and token verification; created on first use. */
  readonly auth?: ConsoleAuth | (() => ConsoleAuth);
  readonly local?: LocalInspection;
}

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
  const complaints = once(() => new DynamoComplaintRepository(parts.doc, { complaints: table('complaints'), state: table('state') }));
  const volume = once(() => new DynamoVolumeStore(parts.doc, table('state')));
  const alerts = once(() => new DynamoAlertStore(parts.doc, table('state')));
  const alertOps = once(() => new DynamoAlertOpsStore(parts.doc, table('state')));
  const ledger = once(() => new DynamoMessageLedger(parts.doc, table('state')));
  const surveys = once(() => new DynamoSurveyStore(parts.doc, { complaints: () => table('complaints'), state: () => table('state') }));
  const notifier = once(() => (typeof parts.notifier === 'function' ? parts.notifier() : parts.notifier));
  const events = once(() => (typeof parts.events === 'function' ? parts.events() : parts.events));
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
    config: parts.config,
    clock: parts.clock,
    newId: () => ulid(parts.clock.now(), randomBytes(10)),
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

let current: Runtime | undefined;
let factory: (() => Runtime) | undefined;

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
  if (current) return current;
  if (!factory) throw new Error('no runtime installed: import functions/adapters/aws-runtime.ts or call setRuntime()');
  current = factory();
  return current;
}

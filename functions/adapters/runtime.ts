import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PipelineConfig } from '../domain/config.ts';
import { ulid } from '../domain/ids.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MessageLedger, Notifier } from '../ports/notifier.ts';
import type { VolumeStore } from '../ports/volume-store.ts';
import { DynamoAlertStore } from './dynamodb-alert-store.ts';
import { DynamoComplaintRepository } from './dynamodb-complaint-repository.ts';
import { DynamoMessageLedger } from './dynamodb-message-ledger.ts';
import { DynamoVolumeStore } from './dynamodb-volume-store.ts';

/** Everything a handler needs, wired once per container (Lambda) or once per process (local). */
export interface Runtime {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly complaints: ComplaintRepository;
  readonly volume: VolumeStore;
  readonly alerts: AlertStore;
  readonly ledger: MessageLedger;
  readonly notifier: Notifier;
  readonly events: EventPublisher;
}

export interface RuntimeParts {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly doc: DynamoDBDocumentClient;
  readonly tableNames: { complaints: string; state: string };
  readonly notifier: Notifier;
  readonly events: EventPublisher;
}

/** Builds the DynamoDB-backed runtime both sides share; only the clock, notifier and events differ. */
export function buildRuntime(parts: RuntimeParts): Runtime {
  return {
    config: parts.config,
    clock: parts.clock,
    newId: () => ulid(parts.clock.now(), randomBytes(10)),
    complaints: new DynamoComplaintRepository(parts.doc, parts.tableNames),
    volume: new DynamoVolumeStore(parts.doc, parts.tableNames.state),
    alerts: new DynamoAlertStore(parts.doc, parts.tableNames.state),
    ledger: new DynamoMessageLedger(parts.doc, parts.tableNames.state),
    notifier: parts.notifier,
    events: parts.events,
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

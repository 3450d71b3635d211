/**
 * The pipeline, described once as data.
 *
 * `lib/` turns this into Lambda functions, event source mappings, routes and schedules;
 * `functions/local/` wires the very same handler modules to DynamoDB Local, its streams,
 * a local scheduler and a local HTTP server. Nothing here imports the AWS CDK or the SDK,
 * so both sides can read it and a filter, route or schedule cannot drift between them.
 */

import { CHART_BUNDLE_ASSETS } from './adapters/chart-png.ts';
import type { PipelineConfig } from './domain/config.ts';

/** Logical table names; physical names are derived by the stack (AWS) or the local runtime. */
export type TableName = 'complaints' | 'state';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * Non-key attributes the index projects (INCLUDE; empty: KEYS_ONLY); absent: it projects ALL. An
   * index that projects less is written only when its keys or these attributes change, and stores
   * less (README "Cost"); its readers fetch anything else from the table.
   */
  readonly include?: readonly string[];
}

/** How an index projects, as DynamoDB and CloudFormation spell it. */
export function projectionOf(index: IndexDefinition): { readonly type: 'ALL' | 'INCLUDE' | 'KEYS_ONLY'; readonly nonKeyAttributes?: readonly string[] } {
  if (index.include === undefined) return { type: 'ALL' };
  return index.include.length > 0 ? { type: 'INCLUDE', nonKeyAttributes: index.include } : { type: 'KEYS_ONLY' };
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attribute holding an epoch-seconds expiry for DynamoDB TTL. */
  readonly ttlAttribute: string;
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  /** Global secondary indexes, projected ALL unless `include` says otherwise. Sparse where the key attributes are only set when relevant. */
  readonly indexes: readonly IndexDefinition[];
}

export const tables: Readonly<Record<TableName, TableDefinition>> = {
  complaints: {
    partitionKey: { name: 'id', type: 'S' },
    ttlAttribute: 'expiresAt',
    stream: 'NEW_AND_OLD_IMAGES',
    indexes: [
      // The listings' and reports' indexes project keys and the few small attributes their readers filter
      // on inside the Query; readers fetch each complaint they return from the table (BatchGetItem), so
      // a complaint update rewrites no full copy here and only a change of these attributes writes at all.
      // Newest complaints per category: alert context (newest titles) and listings filtered by status.
      { name: 'byCategory', partitionKey: { name: 'category', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' }, include: ['status'] },
      { name: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' }, include: [] },
      // Listings, the console's department pages (filtered by status, category, severity), KPIs and digests.
      { name: 'byDepartment', partitionKey: { name: 'department', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' }, include: ['status', 'category', 'severity'] },
      // A customer's recent complaints: repeat detection at intake, the console's search, export and
      // erasure. Its readers ask for id, category and receivedAt only, so complaint updates need not rewrite it.
      { name: 'byCustomer', partitionKey: { name: 'customerId', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' }, include: ['category'] },
      // Sparse: the console finds a customer's complaints by email (lower-cased) or phone. Keys only: the
      // console reads each complaint it finds from the table, so complaint updates need not rewrite them.
      { name: 'byEmail', partitionKey: { name: 'customerEmail', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' }, include: [] },
      { name: 'byPhone', partitionKey: { name: 'customerPhone', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' }, include: [] },
      // Sparse: only complaints whose SLA clock runs carry dueBucket/dueAt ("overdue" listings, filtered
      // by status, department and category inside the Query).
      { name: 'byDueAt', partitionKey: { name: 'dueBucket', type: 'S' }, sortKey: { name: 'dueAt', type: 'S' }, include: ['status', 'department', 'category'] },
      // Sparse: only complaints with a pending SLA warning or escalation carry sweepBucket/sweepAt, so the
      // sweeper's reads are proportional to what is due, not to the table.
      { name: 'bySweepAt', partitionKey: { name: 'sweepBucket', type: 'S' }, sortKey: { name: 'sweepAt', type: 'S' }, include: [] },
      // Sparse: only resolved complaints whose survey waits to be sent carry surveyBucket/surveyDueAt.
      { name: 'bySurveyDue', partitionKey: { name: 'surveyBucket', type: 'S' }, sortKey: { name: 'surveyDueAt', type: 'S' }, include: [] },
    ],
  },
  state: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    ttlAttribute: 'expiresAt',
    indexes: [
      // Sparse: only open-incident pointers carry openList, so the alert evaluator Queries what is open.
      { name: 'openAlerts', partitionKey: { name: 'openList', type: 'S' }, sortKey: { name: 'openedAt', type: 'S' } },
      // Sparse: items about one customer that are keyed by something else (survey and unsubscribe links,
      // external-id claims, opt-outs of an address) carry customerId, so an export or erasure finds them
      // with a Query, not a Scan.
      { name: 'byCustomer', partitionKey: { name: 'customerId', type: 'S' } },
    ],
  },
};

/** An HTTP API route served by a function. */
export interface HttpTrigger {
  readonly kind: 'http';
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax, e.g. `/complaints/{id}`. */
  readonly path: string;
  /**
   * `public`: no authorizer. `agent`: the Lambda authorizer (the `authorizer` trigger below) verifies a
   * user pool access token or the console session and hands the route the caller's principal; locally
   * the agent token or a console session. `session`: console pages, which verify the session cookie
   * themselves so a missing or expired session leads to the sign-in page rather than a bare 401.
   */
  readonly auth: 'public' | 'agent' | 'session';
  /**
   * The largest request body the route's handler takes, in bytes; the handler checks it itself (API
   * Gateway takes up to 10 MB, Lambda up to 6 MB), and the local server buffers up to it.
   * @default MAX_BODY_BYTES (64 KiB, `functions/adapters/http.ts`)
   */
  readonly maxBodyBytes?: number;
}

/** The HTTP API's Lambda authorizer for `agent` routes (at most one function has this trigger). */
export interface AuthorizerTrigger {
  readonly kind: 'authorizer';
}

/**
 * A DynamoDB stream event source mapping. The local poller implements these settings with
 * the semantics of the Lambda event source mapping.
 */
export interface StreamTrigger {
  readonly kind: 'stream';
  readonly table: TableName;
  /** Lambda event filter patterns (any pattern matching lets the record through). */
  readonly filterPatterns: readonly Record<string, unknown>[];
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly bisectBatchOnError: boolean;
  readonly reportBatchItemFailures: true;
  readonly parallelizationFactor: 1;
}

/**
 * A consumer of the complaints table's stream with the delivery policy every consumer shares: a
 * failing batch is bisected and retried at most 5 times within 6 hours, records fail alone, and one
 * batch per shard runs at a time (ordering). Only what differs per consumer is given.
 */
function complaintsStream(
  consumer: Pick<StreamTrigger, 'filterPatterns' | 'batchSize' | 'maxBatchingWindowSeconds'>,
): StreamTrigger {
  return {
    kind: 'stream',
    table: 'complaints',
    ...consumer,
    retryAttempts: 5,
    maxRecordAgeSeconds: 6 * 3600,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    parallelizationFactor: 1,
  };
}

/** An EventBridge schedule (`rate(...)` or six-field `cron(...)`, UTC). */
export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly expression: string;
}

/**
 * A weekly schedule people set in the config, read on the company's wall clock (`company.timeZone`):
 * in AWS an EventBridge Scheduler schedule with `ScheduleExpressionTimezone` (so 09:00 stays 09:00
 * local across daylight-saving changes; EventBridge rules know only UTC), locally the scheduler on the
 * simulated clock. The function receives `{ scheduleArn, scheduledTime }` (Scheduler's context).
 */
export interface CompanyScheduleTrigger {
  readonly kind: 'companySchedule';
  /** The six-field `cron(...)` expression, from the config. */
  readonly expression: (config: PipelineConfig) => string;
}

/** `cron(...)` for a weekday and `HH:MM` time (fields read in whatever zone the schedule has). */
export function weeklyCron(schedule: { readonly weekday: string; readonly time: string }): string {
  const [hours, minutes] = schedule.time.split(':').map(Number);
  return `cron(${minutes} ${hours} ? * ${schedule.weekday} *)`;
}

/**
 * Mail to the configured complaints address: in AWS an SES receipt rule (raw message to the mail
 * bucket, then this function, asynchronously); locally the SMTP server of `npm start`.
 */
export interface InboundMailTrigger {
  readonly kind: 'inboundMail';
}

export type Trigger = HttpTrigger | StreamTrigger | ScheduleTrigger | CompanyScheduleTrigger | InboundMailTrigger | AuthorizerTrigger;

/** What a function may touch; the stack grants exactly this. */
export interface FunctionAccess {
  readonly tables: Partial<Record<TableName, 'read' | 'readWrite'>>;
  readonly sendEmail?: boolean;
  /** Publish to the department alert topics. */
  readonly publishSms?: boolean;
  /** SMS straight to a phone number (customers, escalation contacts): SNS has no resource to scope it to. */
  readonly sendSmsToPhones?: boolean;
  readonly publishEvents?: boolean;
  /** Gets the public base URL (survey and unsubscribe links) in its environment. */
  readonly publicUrl?: boolean;
  /** Carries the trained text classifier (config `classifier`) in its bundle. */
  readonly textModel?: boolean;
  /** May call Comprehend DetectSentiment, granted only when the config's `escalationRisk.sentiment` is `comprehend`. */
  readonly detectSentiment?: boolean;
  /** The inbound mail bucket: read raw messages, write quarantine copies and attachments. */
  readonly mailBucket?: boolean;
  /** Reads the keys that sign unsubscribe links and reply addresses (a Secrets Manager secret): issuing or checking one then needs no table item. */
  readonly linkKeys?: boolean;
  /** Lists and deletes the files attached to customers' emails (`attachments/` in the mail bucket), where the config has `inbound`. */
  readonly eraseMailFiles?: boolean;
  /** Reads the files attached to customers' emails (`attachments/` in the mail bucket), where the config has `inbound`. */
  readonly readMailFiles?: boolean;
  /** Writes the files sent with a reply from the reply page (`attachments/` in the mail bucket, nothing else), where the config has `inbound`. */
  readonly writeMailFiles?: boolean;
  /** Verifies user pool tokens and signs people in (user pool id, app clients, hosted UI domain in its environment). */
  readonly userPool?: boolean;
}

export interface FunctionDefinition {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly trigger: Trigger;
  readonly access: FunctionAccess;
  /**
   * Repository-relative files the function reads at run time (a WebAssembly module, a font): the
   * stack copies them next to the bundle, flat by basename; code finds them with `bundleAssetPath`
   * (`functions/adapters/bundle-asset.ts`), which points at the repository path when run locally.
   */
  readonly bundleAssets?: readonly string[];
}

export type FunctionName =
  | 'intake'
  | 'getComplaint'
  | 'volumeMonitor'
  | 'complaintEvents'
  | 'listComplaints'
  | 'progressNotifier'
  | 'slaSweeper'
  | 'alertEvaluator'
  | 'kpiReport'
  | SurveyFunctionName
  | AlertOpsFunctionName
  | PersonalDataFunctionName
  | 'inboundMail'
  | ReplyPageFunctionName
  | ConsoleFunctionName
  | 'weeklyDigest';

/** The reply page behind the link in a "waiting on you" or "resolved" SMS (README "Replying by SMS"). */
export type ReplyPageFunctionName = 'replyPage' | 'replyAnswer';

/** A customer's access and erasure requests (README "Personal data: export and erasure"). */
export type PersonalDataFunctionName = 'exportCustomer' | 'eraseCustomer';

/** The operations console and the authorizer in front of the agent API (README "Operations console"). */
export type ConsoleFunctionName = 'apiAuthorizer' | 'consoleRoot' | 'consolePages' | 'consoleReports' | 'consoleReportsCsv' | 'consoleActions' | 'consoleAttachment';

/** Early warning's human side: acknowledge links, incident listing, silences, run-time overrides (README "Early warning"). */
export type AlertOpsFunctionName =
  | 'alertAckPage'
  | 'alertAck'
  | 'listAlerts'
  | 'createSilence'
  | 'listSilences'
  | 'setCategoryAlerting'
  | 'endSilence'
  | 'getCategoryAlerting'
  | 'clearCategoryAlerting';

/** The satisfaction survey's functions (see the README's "Satisfaction survey"). */
export type SurveyFunctionName = 'surveyDispatcher' | 'surveyPage' | 'surveyAnswer' | 'surveyFollowup' | 'unsubscribePage' | 'unsubscribe' | 'csatReport';

export const functions: Readonly<Record<FunctionName, FunctionDefinition>> = {
  inboundMail: {
    entry: 'functions/handlers/inbound-mail.ts',
    description: 'Turns email to the complaints address into complaints, and customer replies into timeline entries.',
    timeoutSeconds: 60,
    memoryMb: 1024,
    trigger: { kind: 'inboundMail' },
    // Email complaints go through the same intake use case: the trained model and sentiment too.
    access: { tables: { complaints: 'readWrite', state: 'readWrite' }, mailBucket: true, textModel: true, detectSentiment: true, linkKeys: true },
  },
  alertEvaluator: {
    entry: 'functions/handlers/alert-evaluator.ts',
    description: 'Sends alert reminders and escalations while nobody acknowledges, and the all-clear when volume falls.',
    timeoutSeconds: 60,
    memoryMb: 512,
    trigger: { kind: 'schedule', expression: 'rate(5 minutes)' },
    // Escalation contacts get SMS straight to their phones; the department topic reaches only the head.
    access: { tables: { state: 'readWrite' }, sendEmail: true, publishSms: true, sendSmsToPhones: true, publishEvents: true, publicUrl: true },
  },
  intake: {
    entry: 'functions/handlers/intake.ts',
    description: 'Validates, classifies, grades and stores a complaint from any channel.',
    timeoutSeconds: 10,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'POST', path: '/complaints', auth: 'public' },
    access: { tables: { complaints: 'readWrite', state: 'readWrite' }, textModel: true, detectSentiment: true },
  },
  getComplaint: {
    entry: 'functions/handlers/get-complaint.ts',
    description: 'Returns one complaint by id (agents only: it holds contact details).',
    timeoutSeconds: 5,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/complaints/{id}', auth: 'agent' },
    access: { tables: { complaints: 'read' } },
  },
  volumeMonitor: {
    entry: 'functions/handlers/volume-monitor.ts',
    description: 'Counts new complaints per category and minute, raises one alert incident per breach.',
    timeoutSeconds: 60,
    memoryMb: 512,
    trigger: /* @__PURE__ */ complaintsStream({
      // Only new complaints count; updates (status changes) and TTL deletions never reach it.
      filterPatterns: [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['complaint'] } } } }],
      // A record's counted mark, its counter and the hourly rollup share one transaction (100 items):
      // 98 keeps every counter written once per batch (MAX_BATCH_RECORDS in domain/volume.ts).
      batchSize: 98,
      maxBatchingWindowSeconds: 2,
    }),
    access: { tables: { complaints: 'read', state: 'readWrite' }, sendEmail: true, publishSms: true, publishEvents: true, publicUrl: true },
  },
  complaintEvents: {
    entry: 'functions/handlers/complaint-events.ts',
    description: 'Agent events that move a complaint through its lifecycle (optimistic concurrency).',
    timeoutSeconds: 10,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'POST', path: '/complaints/{id}/events', auth: 'agent' },
    access: { tables: { complaints: 'readWrite' } },
  },
  listComplaints: {
    entry: 'functions/handlers/list-complaints.ts',
    description: 'Pages of complaints by status, department, category or overdue, always from an index; one by short reference.',
    timeoutSeconds: 10,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'GET', path: '/complaints', auth: 'agent' },
    // state: the short references' uniqueness records (`?ref=`).
    access: { tables: { complaints: 'read', state: 'read' } },
  },
  progressNotifier: {
    entry: 'functions/handlers/progress-notifier.ts',
    description: 'Tells customers about each visible step of their complaint and publishes complaint events.',
    timeoutSeconds: 60,
    // 256: per record it mostly waits (opt-out read, claims, SES, PutEvents; about 380 ms of SDK calls
    // against a few ms of rendering), and Lambda bills the wait by memory; nobody waits on its reply.
    memoryMb: 256,
    trigger: /* @__PURE__ */ complaintsStream({
      filterPatterns: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['complaint'] } } } }],
      batchSize: 50,
      maxBatchingWindowSeconds: 1,
    }),
    access: { tables: { state: 'readWrite' }, sendEmail: true, sendSmsToPhones: true, publishEvents: true, publicUrl: true, linkKeys: true },
  },
  slaSweeper: {
    entry: 'functions/handlers/sla-sweeper.ts',
    description: 'Warns departments before SLA targets pass and escalates overdue complaints along the chain.',
    timeoutSeconds: 120,
    memoryMb: 512,
    trigger: { kind: 'schedule', expression: 'rate(5 minutes)' },
    // publicUrl: the console links in grouped SLA messages.
    access: { tables: { complaints: 'readWrite', state: 'readWrite' }, sendEmail: true, sendSmsToPhones: true, publishEvents: true, publicUrl: true },
  },
  surveyDispatcher: {
    entry: 'functions/handlers/survey-dispatcher.ts',
    description: 'Sends the satisfaction survey once per resolution when it is due, outside the customer\'s quiet hours.',
    timeoutSeconds: 120,
    memoryMb: 512,
    trigger: { kind: 'schedule', expression: 'rate(15 minutes)' },
    access: { tables: { complaints: 'readWrite', state: 'readWrite' }, sendEmail: true, sendSmsToPhones: true, publishEvents: true, publicUrl: true, linkKeys: true },
  },
  surveyPage: {
    entry: 'functions/handlers/survey-page.ts',
    description: 'Serves the survey page behind a personal link.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/s/{token}', auth: 'public' },
    access: { tables: { state: 'read' } },
  },
  surveyAnswer: {
    entry: 'functions/handlers/survey-page.ts',
    description: 'Records a survey answer once; a poor one reopens the complaint, a good one closes it.',
    timeoutSeconds: 10,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'POST', path: '/s/{token}', auth: 'public' },
    access: { tables: { complaints: 'readWrite', state: 'readWrite' } },
  },
  surveyFollowup: {
    entry: 'functions/handlers/survey-followup.ts',
    description: 'Tells the owning department about poor survey answers and publishes survey.answered.',
    timeoutSeconds: 60,
    // 256: one PutEvents (and for a poor answer one message) per record, all waiting on the SDK.
    memoryMb: 256,
    trigger: /* @__PURE__ */ complaintsStream({
      // Only complaint changes that carry a survey answer; the handler acts on a new answer only.
      filterPatterns: [{ eventName: ['MODIFY'], dynamodb: { NewImage: { entity: { S: ['complaint'] }, surveyAnswer: { M: { answeredAt: { S: [{ exists: true }] } } } } } }],
      batchSize: 20,
      maxBatchingWindowSeconds: 1,
    }),
    // publicUrl: the console link in the follow-up; state: SMS held for quiet hours.
    access: { tables: { state: 'readWrite' }, sendEmail: true, sendSmsToPhones: true, publishEvents: true, publicUrl: true },
  },
  replyPage: {
    entry: 'functions/handlers/reply-page.ts',
    description: 'Serves the reply page behind the link in a "waiting on you" or "resolved" SMS: what the agent asked or did, a text box (reads only).',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/r/{token}', auth: 'public' },
    // state: the link (REPLYLINK#); complaints: the request's note, the reference, the customer's language.
    access: { tables: { complaints: 'read', state: 'read' } },
  },
  replyAnswer: {
    entry: 'functions/handlers/reply-page.ts',
    description: 'Records a customer\'s reply (text, photos) from their reply link once: customer_replied when the complaint waits on them, a reopen when recently resolved.',
    timeoutSeconds: 10,
    memoryMb: 256,
    // 4 MiB, REPLY_BODY_MAX_BYTES (functions/domain/web-reply.ts) written out as a literal: an import,
    // or even `4 * 1024 * 1024`, keeps this table in every bundle that uses `env` (a test holds them equal).
    trigger: { kind: 'http', method: 'POST', path: '/r/{token}', auth: 'public', maxBodyBytes: 4_194_304 },
    // The link is only read: the reply's message id on the timeline makes it one reply per link.
    // writeMailFiles: the photos sent with the reply, where the config has inbound (the mail bucket).
    access: { tables: { complaints: 'readWrite', state: 'read' }, writeMailFiles: true },
  },
  unsubscribePage: {
    entry: 'functions/handlers/unsubscribe.ts',
    description: 'Serves the one-button unsubscribe page behind a personal link.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/u/{token}', auth: 'public' },
    access: { tables: { state: 'read' }, linkKeys: true },
  },
  unsubscribe: {
    entry: 'functions/handlers/unsubscribe.ts',
    description: 'Records a customer opt-out (the page button or a one-click List-Unsubscribe POST).',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'POST', path: '/u/{token}', auth: 'public' },
    access: { tables: { state: 'readWrite' }, linkKeys: true },
  },
  alertAckPage: {
    entry: 'functions/handlers/alert-ack.ts',
    description: 'Serves the alert acknowledge page behind the link in an alert email or SMS (reads only).',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/a/{token}', auth: 'public' },
    access: { tables: { state: 'read' } },
  },
  alertAck: {
    entry: 'functions/handlers/alert-ack.ts',
    description: 'Acknowledges an alert incident from its link ("I\'m on it"): reminders and escalations stop.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'POST', path: '/a/{token}', auth: 'public' },
    access: { tables: { state: 'readWrite' }, publishEvents: true },
  },
  listAlerts: {
    entry: 'functions/handlers/alerts.ts',
    description: 'Lists alert incidents by state (open and acknowledged from the open index; resolved by bounded Queries).',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/alerts', auth: 'agent' },
    access: { tables: { state: 'read' } },
  },
  createSilence: {
    entry: 'functions/handlers/silences.ts',
    description: 'Silences a category\'s alerts for a period; breaches meanwhile are counted, not sent.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'POST', path: '/silences', auth: 'agent' },
    access: { tables: { state: 'readWrite' } },
  },
  listSilences: {
    entry: 'functions/handlers/silences.ts',
    description: 'Lists alert silences, newest first, with what each swallowed.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/silences', auth: 'agent' },
    access: { tables: { state: 'read' } },
  },
  setCategoryAlerting: {
    entry: 'functions/handlers/category-alerting.ts',
    description: 'Stores a run-time threshold/detector override for a category, with who and when.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'PUT', path: '/categories/{id}/alerting', auth: 'agent' },
    access: { tables: { state: 'readWrite' } },
  },
  apiAuthorizer: {
    entry: 'functions/handlers/api-authorizer.ts',
    description: 'Verifies user pool access tokens and console sessions for the agent routes and names the caller.',
    timeoutSeconds: 5,
    memoryMb: 256,
    trigger: { kind: 'authorizer' },
    access: { tables: {}, userPool: true },
  },
  consoleRoot: {
    entry: 'functions/handlers/console-root.ts',
    description: 'Sends people who open the API root to the console inbox.',
    timeoutSeconds: 5,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/', auth: 'session' },
    access: { tables: {} },
  },
  consolePages: {
    entry: 'functions/handlers/console-pages.ts',
    description: 'Operations console pages (inbox, complaint, early warning, SLA board), scoped by the user\'s groups.',
    timeoutSeconds: 29,
    memoryMb: 1024,
    trigger: { kind: 'http', method: 'GET', path: '/console/{proxy+}', auth: 'session' },
    access: { tables: { complaints: 'read', state: 'read' }, userPool: true },
  },
  // Written out twice, not spread from a shared object: a spread keeps this table in every bundle.
  consoleReports: {
    entry: 'functions/handlers/console-reports.ts',
    description: 'Operations console reports: week-by-week KPIs and CSAT of the user\'s departments, as tiles and charts.',
    timeoutSeconds: 29,
    memoryMb: 1024,
    trigger: { kind: 'http', method: 'GET', path: '/console/reports', auth: 'session' },
    access: { tables: { complaints: 'read', state: 'read' }, userPool: true },
  },
  consoleReportsCsv: {
    entry: 'functions/handlers/console-reports.ts',
    description: 'Operations console reports as CSV (the same figures as the reports page).',
    timeoutSeconds: 29,
    memoryMb: 1024,
    trigger: { kind: 'http', method: 'GET', path: '/console/reports.csv', auth: 'session' },
    access: { tables: { complaints: 'read', state: 'read' }, userPool: true },
  },
  consoleAttachment: {
    entry: 'functions/handlers/console-attachment.ts',
    description: 'Operations console: downloads a file a customer emailed, for a signed-in person who may see its complaint.',
    timeoutSeconds: 29,
    // The file passes through memory twice (bytes, then base64).
    memoryMb: 512,
    trigger: { kind: 'http', method: 'GET', path: '/console/attachments/{id}/{n}', auth: 'session' },
    access: { tables: { complaints: 'read' }, userPool: true, readMailFiles: true },
  },
  consoleActions: {
    entry: 'functions/handlers/console-actions.ts',
    description: 'Operations console forms: sign-in, complaint events, acknowledge, silences, threshold overrides (CSRF-checked).',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'POST', path: '/console/{proxy+}', auth: 'session' },
    access: { tables: { complaints: 'readWrite', state: 'readWrite' }, publishEvents: true, userPool: true },
  },
  endSilence: {
    entry: 'functions/handlers/silences.ts',
    description: 'Ends an alert silence early (alerts flow again); it stays listed with who ended it and when.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'DELETE', path: '/silences/{id}', auth: 'agent' },
    access: { tables: { state: 'readWrite' } },
  },
  getCategoryAlerting: {
    entry: 'functions/handlers/category-alerting.ts',
    description: 'Shows a category\'s deployed alerting settings, its run-time override (who, when) and what is in force.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'GET', path: '/categories/{id}/alerting', auth: 'agent' },
    access: { tables: { state: 'read' } },
  },
  clearCategoryAlerting: {
    entry: 'functions/handlers/category-alerting.ts',
    description: 'Removes a category\'s run-time alerting override; the deployed settings apply again.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: { kind: 'http', method: 'DELETE', path: '/categories/{id}/alerting', auth: 'agent' },
    access: { tables: { state: 'readWrite' } },
  },
  csatReport: {
    entry: 'functions/handlers/csat-report.ts',
    description: 'CSAT, response rate and reopen-after-survey rate per department and category over a time range.',
    timeoutSeconds: 30,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'GET', path: '/reports/csat', auth: 'agent' },
    access: { tables: { state: 'read' } },
  },
  kpiReport: {
    entry: 'functions/handlers/kpi-report.ts',
    description: 'First response, on-time, first-contact resolution, escalation, repeat and CSAT figures per department and category.',
    timeoutSeconds: 30,
    memoryMb: 1024,
    trigger: { kind: 'http', method: 'GET', path: '/reports/kpis', auth: 'agent' },
    access: { tables: { complaints: 'read', state: 'read' } },
  },
  weeklyDigest: {
    entry: 'functions/handlers/weekly-digest.ts',
    description: 'Emails the weekly management digest (last week against the week before, with a chart) to the configured recipients, once per week each.',
    timeoutSeconds: 60,
    // The chart is rendered in WebAssembly; memory also buys CPU.
    memoryMb: 1024,
    trigger: { kind: 'companySchedule', expression: (config) => weeklyCron(config.digest.schedule) },
    // Reads: byDepartment and the alert and survey-fact partitions (Queries); state write: the message ledger.
    access: { tables: { complaints: 'read', state: 'readWrite' }, sendEmail: true, publicUrl: true },
    // The chart's WebAssembly renderer and font (renderChartPng).
    bundleAssets: CHART_BUNDLE_ASSETS,
  },
  exportCustomer: {
    entry: 'functions/handlers/customer-data.ts',
    description: 'Exports everything stored about one customer id as JSON (an access request).',
    timeoutSeconds: 30,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'GET', path: '/customers/{id}/export', auth: 'agent' },
    access: { tables: { complaints: 'read', state: 'read' } },
  },
  eraseCustomer: {
    entry: 'functions/handlers/customer-data.ts',
    description: 'Erases one customer\'s personal data everywhere it is kept, keeps anonymous counts, records who and when.',
    timeoutSeconds: 60,
    memoryMb: 512,
    trigger: { kind: 'http', method: 'POST', path: '/customers/{id}/erase', auth: 'agent' },
    access: { tables: { complaints: 'readWrite', state: 'readWrite' }, eraseMailFiles: true },
  },
};

/** Lambda environment variable names shared by the stack and the AWS adapters. */
export const env = {
  complaintsTable: 'COMPLAINTS_TABLE',
  stateTable: 'STATE_TABLE',
  eventBus: 'EVENT_BUS_NAME',
  /** JSON object mapping department id to its alert topic ARN. */
  departmentTopics: 'DEPARTMENT_TOPICS',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** Base URL of the public pages, for functions whose access says `publicUrl`. */
  publicBaseUrl: 'PUBLIC_BASE_URL',
  /** Seconds a claim made by this function is leased for (`claimLeaseSecondsOf`), for functions that send messages. */
  claimLeaseSeconds: 'CLAIM_LEASE_SECONDS',
  /** The inbound mail bucket (raw messages, quarantine, attachments), for functions whose access says `mailBucket`. */
  inboundMailBucket: 'INBOUND_MAIL_BUCKET',
  /** Cognito user pool id, for functions whose access says `userPool`. */
  userPoolId: 'USER_POOL_ID',
  /** The console's app client id (authorization code + PKCE, no secret). */
  consoleClientId: 'CONSOLE_CLIENT_ID',
  /** The machine app client id (client credentials). */
  machineClientId: 'MACHINE_CLIENT_ID',
  /** Hosted UI base URL (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  userPoolDomainUrl: 'USER_POOL_DOMAIN_URL',
  /** OAuth scope machine clients need for the agent API, e.g. `complaint-api/agent`. */
  agentScope: 'AGENT_SCOPE',
  /** The secret holding the link signing keys, for functions whose access says `linkKeys`. */
  linkKeysSecret: 'LINK_KEYS_SECRET_ARN',
} as const;

/**
 * How long an in-progress effect claim (the message ledger, a survey's dispatch claim) is held
 * before another delivery may take it over: the longest timeout of any function that sends email or
 * SMS. A Lambda invocation cannot outlive its timeout, so a claim is never taken from a process that
 * may still be sending, and one left by a process that died (timeout, out of memory, killed) frees
 * itself after at most this long. A literal, not computed from `functions`: the adapters and use cases
 * read it in every Lambda bundle, and computing it would put the whole function table (about 10 KB)
 * into each; tests/infra/bundling.test.ts checks it against the table.
 */
export const claimLeaseSeconds: number = 120;

/** Added to a function's timeout for its claims' lease: clock skew between containers, and the send's own latency. */
export const claimLeaseMarginSeconds = 5;

/**
 * The lease on a claim made by function `name`: its timeout plus a margin. An invocation cannot
 * outlive its timeout, so a claim is never taken from a process that may still be sending; and the
 * lease is no longer than the claiming function needs, so a stream consumer meeting a dead holder's
 * claim can wait it out within one or two invocations (functions/adapters/held-claim-wait.ts)
 * instead of exhausting its retries. `claimLeaseSeconds` above stays the bound over all functions.
 */
export function claimLeaseSecondsOf(name: FunctionName): number {
  return functions[name].timeoutSeconds + claimLeaseMarginSeconds;
}

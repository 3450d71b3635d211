import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { parseConfig } from '../domain/config.ts';
import { holidayScheduleWarnings } from '../domain/holiday-schedules.ts';
import { env } from '../pipeline.ts';
import type { Authenticator } from '../ports/authenticator.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { MailStore } from '../ports/inbound-mail.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { SentimentAnalyzer } from '../ports/sentiment.ts';
import { bundledTextModel } from './classifier-model.ts';
import { LexiconSentiment } from './lexicon-sentiment.ts';
import { logger } from './observability.ts';
import { buildRuntime, MissingResourceError, setRuntimeFactory, type Runtime, type StoreFactories } from './runtime.ts';
import { systemClock } from './system-clock.ts';

let providedStores: StoreFactories = {};

/**
 * Names the DynamoDB stores a handler uses (factories from `adapters/dynamodb-stores.ts`). Every
 * handler module calls it once, at load, and exports the result as `stores`: in Lambda the runtime
 * builds only these, so a function's bundle carries no other store adapter; the local runtime gives
 * each function exactly its handler's `stores` too, so a store a handler forgot fails in the local
 * and end-to-end tests as it would in Lambda ({@link MissingResourceError}).
 *
 * @param stores the factories of the stores the handler's code uses
 * @returns `stores`, for the handler module to export
 */
export function provideStores<T extends StoreFactories>(stores: T): T {
  // Merged, not replaced: a test process may load several handler modules (Lambda loads one).
  providedStores = { ...providedStores, ...stores };
  return stores;
}

/** The adapter modules a handler hands the AWS runtime, each by a side-effect import of its own. */
interface AdapterModules {
  /** `adapters/aws-cognito.ts`: the token verifier (aws-jwt-verify). */
  readonly cognito: typeof import('./cognito-authenticator.ts');
  /** `adapters/aws-messaging.ts`: email (SES) and SMS (SNS). */
  readonly notifier: typeof import('./aws-notifier.ts');
  /** `adapters/aws-events.ts`: domain events to EventBridge. */
  readonly events: typeof import('./eventbridge-publisher.ts');
  /** `adapters/aws-mail.ts`: the inbound mail bucket (S3). */
  readonly mail: typeof import('./s3-mail-store.ts');
  /** `adapters/aws-mail-links.ts`: presigned download links to the mail bucket. */
  readonly presign: typeof import('./s3-presign.ts');
  /** `adapters/aws-sentiment.ts`: Comprehend for the escalation-risk score. */
  readonly sentiment: typeof import('./comprehend-sentiment.ts');
  /** `adapters/aws-link-keys.ts`: the link signing keys (Secrets Manager, through Powertools Parameters). */
  readonly linkKeys: typeof import('./secrets-link-keys.ts');
}
type AdapterKind = keyof AdapterModules;

const adapterLoaders: { -readonly [K in AdapterKind]?: () => Promise<AdapterModules[K]> } = {};

/**
 * Gives this function an adapter the shared AWS runtime does not carry itself. In CommonJS output a
 * dynamically imported module still sits in the file, so an adapter `import()`ed here would be in
 * every function's bundle; instead the handlers whose function is granted the resource (`access` in
 * functions/pipeline.ts) import the side-effect module that calls this, and the bundle test checks
 * that exactly those carry it.
 *
 * @param kind which adapter
 * @param load loads its module (on first use, not at cold start)
 */
export function provideAdapter<K extends AdapterKind>(kind: K, load: () => Promise<AdapterModules[K]>): void {
  (adapterLoaders as Record<K, () => Promise<AdapterModules[K]>>)[kind] = load;
}

async function adapterModule<K extends AdapterKind>(kind: K): Promise<AdapterModules[K]> {
  const load = adapterLoaders[kind] as (() => Promise<AdapterModules[K]>) | undefined;
  if (!load) throw new MissingResourceError(`this function does not carry the ${kind} adapter: its handler does not import the module that provides it (provideAdapter)`);
  return load();
}

/**
 * `load` once per container, on first use; a failed load is retried by the next call. The adapters
 * below are imported this way: only DynamoDB is needed by (nearly) every invocation, so the SES, SNS,
 * EventBridge, S3 and Comprehend clients and `aws-jwt-verify` are not loaded at cold start, and a
 * function that never sends email never loads the SES client at all (esbuild puts each dynamically
 * imported adapter in its own chunk; see lib/bundling.ts).
 */
function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    }));
}

/** A port whose methods wait for the adapter `load` gives (loaded on first use) and call it. */
function forwardTo<T extends object>(load: () => Promise<T>, methods: ReadonlyArray<keyof T & string>): T {
  return Object.fromEntries(
    methods.map((m) => [
      m,
      async (...args: unknown[]) => {
        const target = await load();
        return (target[m] as (...a: unknown[]) => unknown).apply(target, args);
      },
    ]),
  ) as T;
}

// A function only gets the variables of the resources its `access` grants; each is optional here and
// the runtime fails clearly when a port without its resource is used.
const LambdaEnvSchema = z.object({
  [env.complaintsTable]: z.string().min(1).optional(),
  [env.stateTable]: z.string().min(1).optional(),
  [env.eventBus]: z.string().min(1).optional(),
  [env.sesConfigurationSet]: z.string().min(1).optional(),
  [env.publicBaseUrl]: z.url().optional(),
  [env.inboundMailBucket]: z.string().min(1).optional(),
  [env.claimLeaseSeconds]: z.coerce.number().int().positive().optional(),
  [env.departmentTopics]: z
    .string()
    .transform((s, ctx) => {
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of department id to topic ARN' });
        return z.NEVER;
      }
    })
    .default({}),
  [env.userPoolId]: z.string().min(1).optional(),
  [env.consoleClientId]: z.string().min(1).optional(),
  [env.machineClientId]: z.string().min(1).optional(),
  [env.userPoolDomainUrl]: z.url().optional(),
  [env.agentScope]: z.string().min(1).optional(),
  [env.linkKeysSecret]: z.string().min(1).optional(),
  PIPELINE_CONFIG_INLINE: z.string().min(1),
});

/**
 * The runtime inside Lambda: SDK clients created once per container, tables and topics from the
 * environment the stack sets, the config inlined by the bundler.
 * @param source the environment
 * @param stores the store factories; @default the ones the loaded handler module provided ({@link provideStores})
 * @throws when the environment is incomplete (names the missing variables) or the config is invalid
 */
export function createAwsRuntime(source: NodeJS.ProcessEnv = process.env, stores: StoreFactories = providedStores): Runtime {
  const parsed = LambdaEnvSchema.safeParse({ ...source, PIPELINE_CONFIG_INLINE: process.env.PIPELINE_CONFIG_INLINE });
  if (!parsed.success) {
    throw new Error(`Lambda environment invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const config = parseConfig(JSON.parse(e.PIPELINE_CONFIG_INLINE), 'bundled config');
  for (const warning of holidayScheduleWarnings(config.departments, systemClock.now())) logger.warn(warning);
  // Inlined at synth only into functions whose access says textModel; parsed once per container. The
  // other bundles define it as undefined, so esbuild drops this branch and the classifier code with it.
  const textModel = process.env.PIPELINE_TEXT_MODEL_INLINE === undefined ? undefined : bundledTextModel(process.env.PIPELINE_TEXT_MODEL_INLINE, config);
  const risk = config.escalationRisk;
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return buildRuntime({
    config,
    clock: systemClock,
    doc,
    stores,
    tableNames: {
      ...(e[env.complaintsTable] && { complaints: e[env.complaintsTable] }),
      ...(e[env.stateTable] && { state: e[env.stateTable] }),
    },
    notifier: (): Notifier => {
      const notifier = loadOnce(async () => {
        const [{ AwsNotifier }, { SESClient }, { SNSClient }] = await Promise.all([
          adapterModule('notifier'),
          import('@aws-sdk/client-ses'),
          import('@aws-sdk/client-sns'),
        ]);
        return new AwsNotifier(new SESClient({}), new SNSClient({}), config.sender, e[env.departmentTopics], e[env.sesConfigurationSet]);
      });
      return { send: async (message) => (await notifier()).send(message) };
    },
    ...(e[env.publicBaseUrl] && { publicBaseUrl: e[env.publicBaseUrl] }),
    ...(textModel && { textModel }),
    ...(risk?.sentiment === 'comprehend' && {
      sentiment: (): SentimentAnalyzer => {
        const sentiment = loadOnce(async () => {
          const [{ ComprehendSentiment }, { ComprehendClient }] = await Promise.all([adapterModule('sentiment'), import('@aws-sdk/client-comprehend')]);
          return new ComprehendSentiment(new ComprehendClient({}), new LexiconSentiment(risk));
        });
        return { negativity: async (text, language) => (await sentiment()).negativity(text, language) };
      },
    }),
    ...(e[env.claimLeaseSeconds] !== undefined && { claimLeaseSeconds: e[env.claimLeaseSeconds] }),
    // Read through Powertools' cache on every use (not once per container), so a rotated secret is picked up.
    ...(e[env.linkKeysSecret] && { linkKeys: async () => (await adapterModule('linkKeys')).linkKeysFromSecret(e[env.linkKeysSecret]!) }),
    ...(e[env.inboundMailBucket] && {
      mail: (): MailStore => {
        const bucket = e[env.inboundMailBucket]!;
        const store = loadOnce(async () => {
          const [{ S3MailStore }, { S3Client }] = await Promise.all([adapterModule('mail'), import('@aws-sdk/client-s3')]);
          return new S3MailStore(new S3Client({}), bucket, () => adapterModule('presign'));
        });
        return forwardTo(store, ['readRaw', 'putAttachment', 'quarantine', 'fileMessage', 'deleteUnder', 'downloadUrl']);
      },
    }),
    // Only functions whose access says `userPool` get these variables; the others have no `auth`.
    ...(e[env.userPoolId] &&
      e[env.consoleClientId] &&
      e[env.userPoolDomainUrl] && {
        auth: () => {
          const authenticator = loadOnce(async (): Promise<Authenticator> => {
            const { cognitoAuthenticator } = await adapterModule('cognito');
            return cognitoAuthenticator(
              {
                userPoolId: e[env.userPoolId]!,
                clientIds: [e[env.consoleClientId]!, ...(e[env.machineClientId] ? [e[env.machineClientId]!] : [])],
                agentScope: e[env.agentScope] ?? '',
              },
              config,
            );
          });
          return {
            authenticator: { verify: async (token: string) => (await authenticator()).verify(token) },
            signIn: { kind: 'hosted-ui' as const, domainUrl: e[env.userPoolDomainUrl]!, clientId: e[env.consoleClientId]! },
          };
        },
      }),
    events: (): EventPublisher => {
      const bus = e[env.eventBus];
      if (!bus) throw new MissingResourceError('this function has no access to the event bus (see functions/pipeline.ts)');
      const publisher = loadOnce(async () => {
        const [{ EventBridgePublisher }, { EventBridgeClient }] = await Promise.all([adapterModule('events'), import('@aws-sdk/client-eventbridge')]);
        return new EventBridgePublisher(new EventBridgeClient({}), bus);
      });
      return { publish: async (events) => (await publisher()).publish(events) };
    },
  });
}

setRuntimeFactory(() => createAwsRuntime());

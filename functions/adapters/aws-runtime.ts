import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { parseConfig } from '../domain/config.ts';
import { holidayScheduleWarnings } from '../domain/holiday-schedules.ts';
import { env } from '../pipeline.ts';
import { AwsNotifier } from './aws-notifier.ts';
import { bundledTextModel } from './classifier-model.ts';
import { ComprehendSentiment } from './comprehend-sentiment.ts';
import { LexiconSentiment } from './lexicon-sentiment.ts';
import { logger } from './observability.ts';
import { cognitoAuthenticator } from './cognito-authenticator.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { S3MailStore } from './s3-mail-store.ts';
import { buildRuntime, MissingResourceError, setRuntimeFactory, type Runtime } from './runtime.ts';
import { systemClock } from './system-clock.ts';

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
  PIPELINE_CONFIG_INLINE: z.string().min(1),
});

/**
 * The runtime inside Lambda: SDK clients created once per container, tables and topics from the
 * environment the stack sets, the config inlined by the bundler.
 * @throws when the environment is incomplete (names the missing variables) or the config is invalid
 */
export function createAwsRuntime(source: NodeJS.ProcessEnv = process.env): Runtime {
  const parsed = LambdaEnvSchema.safeParse({ ...source, PIPELINE_CONFIG_INLINE: process.env.PIPELINE_CONFIG_INLINE });
  if (!parsed.success) {
    throw new Error(`Lambda environment invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const config = parseConfig(JSON.parse(e.PIPELINE_CONFIG_INLINE), 'bundled config');
  for (const warning of holidayScheduleWarnings(config.departments, systemClock.now())) logger.warn(warning);
  // Inlined at synth only into functions whose access says textModel; parsed once per container.
  const textModel = bundledTextModel(process.env.PIPELINE_TEXT_MODEL_INLINE, config);
  const risk = config.escalationRisk;
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return buildRuntime({
    config,
    clock: systemClock,
    doc,
    tableNames: {
      ...(e[env.complaintsTable] && { complaints: e[env.complaintsTable] }),
      ...(e[env.stateTable] && { state: e[env.stateTable] }),
    },
    notifier: () =>
      new AwsNotifier(new SESClient({}), new SNSClient({}), config.sender, e[env.departmentTopics], e[env.sesConfigurationSet]),
    ...(e[env.publicBaseUrl] && { publicBaseUrl: e[env.publicBaseUrl] }),
    ...(textModel && { textModel }),
    ...(risk?.sentiment === 'comprehend' && { sentiment: () => new ComprehendSentiment(new ComprehendClient({}), new LexiconSentiment(risk)) }),
    ...(e[env.claimLeaseSeconds] !== undefined && { claimLeaseSeconds: e[env.claimLeaseSeconds] }),
    ...(e[env.inboundMailBucket] && { mail: () => new S3MailStore(new S3Client({}), e[env.inboundMailBucket]!) }),
    // Only functions whose access says `userPool` get these variables; the others have no `auth`.
    ...(e[env.userPoolId] &&
      e[env.consoleClientId] &&
      e[env.userPoolDomainUrl] && {
        auth: () => ({
          authenticator: cognitoAuthenticator(
            {
              userPoolId: e[env.userPoolId]!,
              clientIds: [e[env.consoleClientId]!, ...(e[env.machineClientId] ? [e[env.machineClientId]!] : [])],
              agentScope: e[env.agentScope] ?? '',
            },
            config,
          ),
          signIn: { kind: 'hosted-ui' as const, domainUrl: e[env.userPoolDomainUrl]!, clientId: e[env.consoleClientId]! },
        }),
      }),
    events: () => {
      const bus = e[env.eventBus];
      if (!bus) throw new MissingResourceError('this function has no access to the event bus (see functions/pipeline.ts)');
      return new EventBridgePublisher(new EventBridgeClient({}), bus);
    },
  });
}

setRuntimeFactory(() => createAwsRuntime());

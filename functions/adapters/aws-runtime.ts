import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { parseConfig } from '../domain/config.ts';
import { env } from '../pipeline.ts';
import { AwsNotifier } from './aws-notifier.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { buildRuntime, setRuntimeFactory, type Runtime } from './runtime.ts';
import { systemClock } from './system-clock.ts';

const LambdaEnvSchema = z.object({
  [env.complaintsTable]: z.string().min(1),
  [env.stateTable]: z.string().min(1),
  [env.eventBus]: z.string().min(1),
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
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return buildRuntime({
    config,
    clock: systemClock,
    doc,
    tableNames: { complaints: e[env.complaintsTable], state: e[env.stateTable] },
    notifier: new AwsNotifier(new SESClient({}), new SNSClient({}), config.sender, e[env.departmentTopics]),
    events: new EventBridgePublisher(new EventBridgeClient({}), e[env.eventBus]),
  });
}

setRuntimeFactory(() => createAwsRuntime());

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { FunctionName } from '../pipeline.ts';

/**
 * Optional hooks into the local runtime for measuring what each function does (`npm run cost`):
 * they see every function's own DynamoDB client, notifier and event publisher, and every invocation.
 * Without them the local runtime behaves exactly as before.
 */
export interface LocalInstrumentation {
  /** Called once per function with the DynamoDB client only that function uses (add middleware here). */
  dynamoClient?(name: FunctionName, client: DynamoDBClient): void;
  /** Wraps the notifier a function sends email and SMS through. */
  notifier?(name: FunctionName, notifier: Notifier): Notifier;
  /** Wraps the event publisher a function publishes domain events through. */
  events?(name: FunctionName, events: EventPublisher): EventPublisher;
  /** Wraps every invocation of a function's handler (HTTP route, stream batch, schedule run, authorizer, inbound mail). */
  invoke?<T>(name: FunctionName, event: unknown, run: () => Promise<T>): Promise<T>;
}

import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../domain/events.ts';
import type { OutboundMessage } from '../domain/messages.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { FunctionAccess, TableName } from '../pipeline.ts';

/**
 * What AWS answers when a function's role lacks a permission; the local runtime throws it where IAM
 * would refuse, so a handler reaching for something its `access` does not grant fails on the laptop too.
 */
export class LocalAccessDeniedError extends Error {
  override readonly name = 'AccessDeniedException';
}

/** The DynamoDB actions the stack grants per access level (lib/house-function.ts); Scan is never granted. */
const READ_ACTIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem', 'DescribeTable']);
const WRITE_ACTIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** Each (action, physical table name) pair a DynamoDB command needs authorised, as IAM evaluates it. */
export function requiredDynamoActions(commandName: string, input: Record<string, any>): Array<{ action: string; table: string }> {
  const action = commandName.replace(/Command$/, '');
  switch (action) {
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Array<Record<string, { TableName: string }>>).flatMap((item) => {
        const [kind, op] = Object.entries(item)[0] ?? [];
        if (!kind || !op) return [];
        const perItem = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[kind];
        return perItem ? [{ action: perItem, table: op.TableName }] : [];
      });
    case 'TransactGetItems':
      return ((input.TransactItems ?? []) as Array<{ Get?: { TableName: string } }>).flatMap((i) => (i.Get ? [{ action: 'GetItem', table: i.Get.TableName }] : []));
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems ?? {}).map((table) => ({ action, table }));
    default:
      return typeof input.TableName === 'string' ? [{ action, table: input.TableName }] : [];
  }
}

/** Whether a DynamoDB command (by its SDK name) may write: anything that is not a read. */
function isWrite(commandName: string): boolean {
  return !/^(Get|Query|Scan|Describe|List|BatchGet|TransactGet)/.test(commandName);
}

/**
 * Calls `onWrite` for every request of `client` that is not a read, before it is sent, with the
 * physical tables it writes (a transaction's condition checks write nothing), and `onDone` once it
 * has been answered (or failed).
 */
export function watchWrites(
  client: DynamoDBClient,
  onWrite: (tables: readonly string[]) => void,
  onDone?: (tables: readonly string[]) => void,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = context.commandName ?? '';
      if (!isWrite(commandName)) return next(args);
      const required = requiredDynamoActions(commandName, args.input as Record<string, any>);
      const tables = [...new Set(required.flatMap((r) => (r.action === 'ConditionCheckItem' ? [] : [r.table])))];
      onWrite(tables);
      try {
        return await next(args);
      } finally {
        onDone?.(tables);
      }
    },
    { step: 'initialize', name: 'localWriteWatch' },
  );
}

export interface ScopedClientsOptions {
  readonly function: string;
  readonly access: FunctionAccess;
  readonly tableNames: Readonly<Record<TableName, string>>;
  readonly clientConfig: DynamoDBClientConfig;
  /**
   * Called for every request that is not a read, before it is sent, with the physical tables it
   * writes (the local runtime counts writes to tables whose streams it polls).
   */
  readonly onWrite?: (tables: readonly string[]) => void;
  /** Called when such a request has been answered (or failed), with the same tables. */
  readonly onWriteDone?: (tables: readonly string[]) => void;
}

/**
 * A DynamoDB client for one function that refuses, like IAM, every action on a table the function's
 * `access` does not grant, writes to a table granted `read`, and Scan everywhere.
 */
export function scopedDynamoClients(options: ScopedClientsOptions): { dynamo: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const allowed = new Map<string, Set<string>>();
  for (const [logical, level] of Object.entries(options.access.tables) as Array<[TableName, 'read' | 'readWrite' | undefined]>) {
    if (!level) continue;
    allowed.set(options.tableNames[logical], level === 'readWrite' ? new Set([...READ_ACTIONS, ...WRITE_ACTIONS]) : READ_ACTIONS);
  }
  const dynamo = new DynamoDBClient(options.clientConfig);
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = context.commandName ?? '';
      for (const { action, table } of requiredDynamoActions(commandName, args.input as Record<string, any>)) {
        if (!allowed.get(table)?.has(action)) {
          throw new LocalAccessDeniedError(
            `${options.function} is not authorized to perform: dynamodb:${action} on table ${table} (its access in functions/pipeline.ts does not grant it)`,
          );
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'localAccessCheck' },
  );
  if (options.onWrite) watchWrites(dynamo, options.onWrite, options.onWriteDone);
  return { dynamo, doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }) };
}

/** The permission a message's channel needs: SES for email, the department topics, or SMS to a phone. */
const CHANNEL_GRANT = { email: 'sendEmail', topic: 'publishSms', sms: 'sendSmsToPhones' } as const satisfies Record<OutboundMessage['channel'], keyof FunctionAccess>;

/** The notifier for one function: sends only through the channels its `access` grants. */
export function scopedNotifier(name: string, access: FunctionAccess, notifier: Notifier): Notifier {
  return {
    send: async (message: OutboundMessage) => {
      const grant = CHANNEL_GRANT[message.channel];
      if (!access[grant]) {
        throw new LocalAccessDeniedError(`${name} may not send ${message.channel} messages: its access in functions/pipeline.ts lacks ${grant}`);
      }
      await notifier.send(message);
    },
  };
}

/** The event publisher for one function: only with `publishEvents`. */
export function scopedEvents(name: string, access: FunctionAccess, events: EventPublisher): EventPublisher {
  return {
    publish: async (batch: readonly DomainEvent[]) => {
      if (!access.publishEvents) throw new LocalAccessDeniedError(`${name} may not publish events: its access in functions/pipeline.ts lacks publishEvents`);
      await events.publish(batch);
    },
  };
}

import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoVolumeStore } from '../../functions/adapters/dynamodb-volume-store.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
const store = new DynamoVolumeStore(doc, 'state');
const now = new Date('2026-11-20T09:30:00.000Z');
const inc = { category: 'refund', bucket: '2026-11-20T09:30:00.000Z', count: 2 };

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

beforeEach(() => ddb.reset());

describe('DynamoVolumeStore', () => {
  it('reads the marks of every record, 100 keys a call, and reads again what came back unprocessed', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `e${i}`);
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { state: [{ pk: 'COUNTED#e1' }] }, UnprocessedKeys: { state: { Keys: [{ pk: 'COUNTED#e7', sk: 'volume-monitor' }] } } })
      .resolvesOnce({ Responses: { state: [{ pk: 'COUNTED#e7' }] } })
      .resolvesOnce({ Responses: { state: [{ pk: 'COUNTED#e120' }] } });
    expect(await store.alreadyCounted([...ids, 'e1'])).toEqual(new Set(['e1', 'e7', 'e120']));
    const calls = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.state!);
    expect(calls.map((c) => c.Keys!.length)).toEqual([100, 1, 50]);
    expect(calls.every((c) => c.ConsistentRead)).toBe(true);
  });

  it('writes a conditional mark per record with the counter and its hourly rollup in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.commit(['a', 'b'], [inc], now)).toBe('committed');
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => i.Put?.Item?.pk ?? i.Update?.Key?.pk)).toEqual(['COUNTED#a', 'COUNTED#b', 'CNT#refund', 'HCNT#refund']);
    expect(items[0]!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(items[2]!.Update!.ExpressionAttributeValues![':n']).toBe(2);
  });

  it.each([
    [['None', 'ConditionalCheckFailed', 'None', 'None'], 'already-counted'],
    [['None', 'None', 'TransactionConflict', 'None'], 'conflict'],
  ] as const)('tells a pre-empted commit from its cancellation reasons (%j → %s)', async (codes, outcome) => {
    ddb.on(TransactWriteCommand).rejects(cancelled([...codes]));
    expect(await store.commit(['a', 'b'], [inc], now)).toBe(outcome);
  });

  it('throws any other failure, so the batch is retried', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'ValidationError', 'None']));
    await expect(store.commit(['a', 'b'], [inc], now)).rejects.toBeInstanceOf(TransactionCanceledException);
  });
});

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchGetOrdered, BATCH_GET_MAX_KEYS } from '../../functions/adapters/dynamodb-query.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
const id = (n: number) => `c${String(n).padStart(4, '0')}`;

describe('batchGetOrdered (mocked client)', () => {
  beforeEach(() => ddb.reset());

  it('asks again for the keys DynamoDB left unprocessed, and keeps the order of the keys asked', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ id: 'c' }, { id: 'a' }] }, UnprocessedKeys: { t: { Keys: [{ id: 'b' }] } } })
      .resolvesOnce({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ id: 'b' }] } } })
      .resolvesOnce({ Responses: { t: [{ id: 'b', v: 2 }] } });
    const items = await batchGetOrdered(doc, { table: 't', keys: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], keyAttrs: ['id'], baseDelayMs: 1 });
    expect(items).toEqual([{ id: 'a' }, { id: 'b', v: 2 }, { id: 'c' }]);
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(3);
    expect(calls[1]!.args[0].input.RequestItems!.t!.Keys).toEqual([{ id: 'b' }]);
  });

  it('gives up with an error, not a short answer, when keys stay unprocessed', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ id: 'a' }] } } });
    await expect(batchGetOrdered(doc, { table: 't', keys: [{ id: 'a' }], keyAttrs: ['id'], maxAttempts: 3, baseDelayMs: 1 })).rejects.toThrow(/unprocessed after 3/);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });

  it('sends at most 100 keys a request, each key once, with the projection and consistency asked for', async () => {
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> }) => ({
      Responses: { t: input.RequestItems.t!.Keys.map((k) => ({ ...k, title: `title of ${String(k.id)}` })) },
    }));
    const keys = Array.from({ length: 250 }, (_, n) => ({ id: id(249 - n) }));
    const items = await batchGetOrdered(doc, { table: 't', keys: [...keys, keys[0]!], keyAttrs: ['id'], attributes: ['title'], consistentRead: true });
    expect(items.map((i) => i?.id)).toEqual([...keys, keys[0]!].map((k) => k.id));
    const calls = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.t!);
    expect(calls.map((c) => c.Keys!.length).sort((a, b) => b - a)).toEqual([BATCH_GET_MAX_KEYS, BATCH_GET_MAX_KEYS, 50]);
    expect(calls[0]!.ConsistentRead).toBe(true);
    expect(Object.values(calls[0]!.ExpressionAttributeNames!).sort()).toEqual(['id', 'title']);
  });

  it('leaves a hole for a key without an item', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [{ id: 'b' }] } });
    expect(await batchGetOrdered(doc, { table: 't', keys: [{ id: 'a' }, { id: 'b' }], keyAttrs: ['id'] })).toEqual([undefined, { id: 'b' }]);
  });
});

describe('batchGetOrdered against DynamoDB Local', () => {
  const db = withDynamoDbLocal();

  it('reads 250 complaints in the order asked, the missing ones as holes, only the attributes asked for', async () => {
    const { names } = await db.freshTables();
    const stored = Array.from({ length: 250 }, (_, n) => ({ id: id(n), title: `t${n}`, body: 'x'.repeat(200) }));
    for (let i = 0; i < stored.length; i += 25) {
      await db.clients.doc.send(new BatchWriteCommand({ RequestItems: { [names.complaints]: stored.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    // Newest first, as a listing asks, with two keys that hold nothing.
    const keys = [{ id: 'missing-1' }, ...stored.map((s) => ({ id: s.id })).reverse(), { id: 'missing-2' }];
    const items = await batchGetOrdered(db.clients.doc, { table: names.complaints, keys, keyAttrs: ['id'], attributes: ['title'] });
    expect(items).toEqual([undefined, ...[...stored].reverse().map((s) => ({ id: s.id, title: s.title })), undefined]);
  });
});

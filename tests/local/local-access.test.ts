import { GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRuntime, MissingResourceError, runWithRuntime, runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../functions/local/dynamodb-local.ts';
import { LocalAccessDeniedError, scopedDynamoClients, scopedEvents, scopedNotifier } from '../../functions/local/local-access.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { functions, type FunctionName } from '../../functions/pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';

const db = withDynamoDbLocal();
const made: Array<{ destroy(): void }> = [];
afterAll(() => made.forEach((c) => c.destroy()));

function clientsFor(name: FunctionName) {
  const scoped = scopedDynamoClients({
    function: name,
    access: functions[name].access,
    tableNames: db.tables.names,
    clientConfig: { endpoint: db.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
  });
  made.push(scoped.dynamo);
  return scoped;
}

describe('the local runtime is as strict as IAM', () => {
  it('lets a read-only function read its table but not write it (getComplaint: complaints read)', async () => {
    const { doc } = clientsFor('getComplaint');
    const table = db.tables.names.complaints;
    await expect(doc.send(new GetCommand({ TableName: table, Key: { id: 'x' } }))).resolves.toBeDefined();
    await expect(doc.send(new PutCommand({ TableName: table, Item: { id: 'x' } }))).rejects.toThrow(LocalAccessDeniedError);
    await expect(doc.send(new PutCommand({ TableName: table, Item: { id: 'x' } }))).rejects.toThrow(/getComplaint is not authorized to perform: dynamodb:PutItem/);
  });

  it('refuses a table the function was not granted, and Scan everywhere', async () => {
    const { doc } = clientsFor('getComplaint');
    await expect(doc.send(new GetCommand({ TableName: db.tables.names.state, Key: { pk: 'a', sk: 'b' } }))).rejects.toThrow(LocalAccessDeniedError);
    await expect(doc.send(new ScanCommand({ TableName: db.tables.names.complaints }))).rejects.toThrow(/dynamodb:Scan/);
  });

  it('checks every item of a transaction (intake may write both tables; unsubscribe only state)', async () => {
    const transaction = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: db.tables.names.state, Item: { pk: 'EXT#t', sk: 'EXT' } } },
        { Put: { TableName: db.tables.names.complaints, Item: { id: 'tx-access' } } },
      ],
    });
    await expect(clientsFor('unsubscribe').doc.send(transaction)).rejects.toThrow(/dynamodb:PutItem on table .*complaints/);
    await expect(clientsFor('intake').doc.send(transaction)).resolves.toBeDefined();
    await expect(clientsFor('listSilences').doc.send(new QueryCommand({ TableName: db.tables.names.state, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'x' } }))).resolves.toBeDefined();
  });

  it('sends only through granted channels and publishes only with publishEvents', async () => {
    const clock = new SimulatedClock(new Date('2026-03-02T01:00:00Z'));
    const outbox = new Outbox(defaultConfig, clock);
    const email = { id: 'm1', kind: 'progress', channel: 'email', to: 'a@example.com', subject: 's', text: 't', html: '<p>t</p>' } as const;
    const sms = { id: 'm2', kind: 'progress', channel: 'sms', to: '+8613800000000', text: 't' } as const;
    // progressNotifier: email and SMS to phones, no department topic.
    const progress = scopedNotifier('progressNotifier', functions.progressNotifier.access, outbox);
    await progress.send(email);
    await progress.send(sms);
    await expect(progress.send({ id: 'm3', kind: 'alert', channel: 'topic', department: 'security', subject: 's', text: 't' })).rejects.toThrow(/lacks publishSms/);
    await expect(scopedNotifier('intake', functions.intake.access, outbox).send(email)).rejects.toThrow(LocalAccessDeniedError);
    expect(outbox.entries().map((e) => e.id)).toHaveLength(2);
    await expect(scopedEvents('intake', functions.intake.access, new RecordedEvents('bus')).publish([])).rejects.toThrow(/lacks publishEvents/);
  });

  it('gives a handler only the tables its access grants through runWithRuntime', async () => {
    const clock = new SimulatedClock(new Date('2026-03-02T01:00:00Z'));
    const { doc } = clientsFor('getComplaint');
    const rt = buildRuntime({
      stores: allStores,
      config: defaultConfig,
      clock,
      doc,
      tableNames: { complaints: db.tables.names.complaints },
      notifier: new Outbox(defaultConfig, clock),
      events: new RecordedEvents('bus'),
    });
    await runWithRuntime(rt, async () => {
      expect(await runtime().complaints.get('nope')).toBeUndefined();
      expect(() => runtime().alertOps).toThrow(MissingResourceError);
    });
  });
});

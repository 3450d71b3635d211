import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRuntime, setRuntime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { S3MailStore } from '../../functions/adapters/s3-mail-store.ts';
import { handler, InvalidInboundEventError } from '../../functions/handlers/inbound-mail.ts';
import { defaultConfig } from '../fixtures/config.ts';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials }));
const s3 = new S3Client({ region: 'eu-west-1', credentials });
const ddb = mockClient(doc);
const s3Mock = mockClient(s3);
setRuntime(
  buildRuntime({
    stores: allStores,
    config: defaultConfig,
    clock: { now: () => new Date('2026-11-23T02:00:00Z') },
    doc,
    tableNames: { complaints: 'complaints-t', state: 'state-t' },
    notifier: { send: async () => {} },
    events: { publish: async () => {} },
    mail: new S3MailStore(s3, 'mail-bucket'),
  }),
);
afterAll(() => setRuntime(undefined));
beforeEach(() => {
  ddb.reset();
  s3Mock.reset();
  ddb.on(QueryCommand).resolves({ Items: [] });
  // The recipient's receipt window (the receipt cap): empty.
  ddb.on(GetCommand, { TableName: 'state-t' }).resolves({});
});

const raw = readFileSync(new URL('../fixtures/mail/plain.eml', import.meta.url));
/** The SDK's streaming body, as much of it as the adapter uses. */
const body = (bytes: Buffer) =>
  ({ transformToByteArray: async () => new Uint8Array(bytes), transformToWebStream: () => new ReadableStream() }) as unknown as NonNullable<import('@aws-sdk/client-s3').GetObjectCommandOutput['Body']>;

function sesEvent(verdicts: { spam?: string; virus?: string } = {}, recipients = ['complaints@youxuan-mall.example.com']) {
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', source: 'alice@example.com', destination: recipients },
          receipt: {
            recipients,
            spamVerdict: { status: verdicts.spam ?? 'PASS' },
            virusVerdict: { status: verdicts.virus ?? 'PASS' },
            action: { type: 'Lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x', invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

describe('inbound-mail handler (SES receipt rule action)', () => {
  it('reads the raw message SES stored under inbound/<message id> and files it through intake', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body(raw), ContentLength: raw.length });
    ddb.on(TransactWriteCommand).resolves({});
    expect(await handler(sesEvent())).toEqual([{ messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', outcome: 'created' }]);
    expect(s3Mock.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'mail-bucket', Key: 'inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1' });
    const tx = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(tx[0]!.Put).toMatchObject({ TableName: 'state-t', Item: { pk: 'EXT#email#plain-0001@mail.example.com' } });
    expect(tx[1]!.Put).toMatchObject({ TableName: 'complaints-t', Item: { channel: 'email', title: 'Parcel never arrived', externalId: 'plain-0001@mail.example.com' } });
    // The sender's receipt was reserved (under the hash of the address, never the address) before storing.
    const rcpt = `RCPT#${createHash('sha256').update('email:alice@example.com', 'utf8').digest('hex')}`;
    const reservation = ddb.commandCalls(PutCommand).map((c) => c.args[0].input).find((p) => p.Item?.pk === rcpt);
    expect(reservation).toMatchObject({ TableName: 'state-t', Item: { sk: 'RCPT', sent: { [tx[1]!.Put!.Item!.id as string]: Date.parse('2026-11-23T02:00:00Z') } } });
    expect(JSON.stringify(reservation)).not.toContain('alice@example.com');
    expect(tx[1]!.Put!.Item!.receiptWithheld).toBeUndefined();
  });

  it('quarantines spam by copying it under quarantine/, without reading or filing it', async () => {
    s3Mock.on(CopyObjectCommand).resolves({});
    expect(await handler(sesEvent({ spam: 'FAIL' }))).toEqual([{ messageId: expect.any(String), outcome: 'quarantined' }]);
    expect(s3Mock.commandCalls(CopyObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'mail-bucket',
      Key: 'quarantine/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
      CopySource: 'mail-bucket/inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
    });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('drops a message with a virus (inbound.onVirus: reject) without touching anything', async () => {
    expect(await handler(sesEvent({ virus: 'FAIL' }))).toEqual([{ messageId: expect.any(String), outcome: 'rejected' }]);
    expect(s3Mock.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('does not read a message over the size limit', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body(raw), ContentLength: defaultConfig.inbound!.maxMessageBytes + 1 });
    expect(await handler(sesEvent())).toEqual([{ messageId: expect.any(String), outcome: 'ignored' }]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('throws for an event that is not an SES receipt (so it ends in the on-failure queue)', async () => {
    await expect(handler({ Records: [{ eventSource: 'aws:s3' }] })).rejects.toBeInstanceOf(InvalidInboundEventError);
  });

  it('lets an S3 error through, so Lambda retries the invocation', async () => {
    s3Mock.on(GetObjectCommand).rejects(new Error('SlowDown'));
    await expect(handler(sesEvent())).rejects.toThrow('SlowDown');
  });

  it('puts attachments with their type, as downloads', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    await new S3MailStore(s3, 'mail-bucket').putAttachment('attachments/c/1-a.png', new Uint8Array([1]), 'image/png');
    expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'mail-bucket', Key: 'attachments/c/1-a.png', ContentType: 'image/png', ContentDisposition: 'attachment' });
  });
});

describe('Reply-To on customer emails sent through SES', () => {
  it('puts the reply address in the raw message as one header line', async () => {
    const { rawEmail } = await import('../../functions/adapters/aws-notifier.ts');
    const mime = rawEmail(
      { id: 'C1:t0:progress:email', kind: 'progress', channel: 'email', to: 'a@example.com', subject: 's', text: 't', html: 'h', replyTo: 'complaints+abc@youxuan-mall.example.com\r\nBcc: evil@example.com', headers: { References: '<complaint.C1@youxuan-mall.example.com>' } },
      'care@youxuan-mall.example.com',
    );
    const headerLines = mime.split('\r\n\r\n')[0]!.split('\r\n');
    expect(headerLines).toContain('Reply-To: complaints+abc@youxuan-mall.example.com Bcc: evil@example.com');
    expect(headerLines).toContain('References: <complaint.C1@youxuan-mall.example.com>');
    expect(headerLines.some((l) => l.startsWith('Bcc:'))).toBe(false);
  });
});

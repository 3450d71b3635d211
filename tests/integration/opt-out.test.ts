import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenHash } from '../../functions/adapters/dynamodb-survey-store.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { LocalMailStore } from '../../functions/adapters/local-mail-store.ts';
import { buildRuntime, runtime, setRuntime } from '../../functions/adapters/runtime.ts';
import { parseLinkKeys, type LinkKeys } from '../../functions/domain/link-signing.ts';
import type { Complaint } from '../../functions/domain/complaint.ts';
import { applyEvent, type ComplaintEvent } from '../../functions/domain/lifecycle.ts';
import { handler as customerData } from '../../functions/handlers/customer-data.ts';
import { handler as intake } from '../../functions/handlers/intake.ts';
import { handler as progressNotifier } from '../../functions/handlers/progress-notifier.ts';
import { handler as unsubscribe } from '../../functions/handlers/unsubscribe.ts';
import { Outbox } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { dispatchSurveys } from '../../functions/use-cases/dispatch-surveys.ts';
import { defaultConfig } from '../fixtures/config.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { streamRecord } from '../support/stream-records.ts';

/**
 * Opt-outs end to end through the handlers, on DynamoDB Local: an unsubscribe link silences the inbox
 * it was sent to, never the customer id (which anyone filing a complaint can name).
 */
const db = withDynamoDbLocal();
const BASE = 'https://complaints.example';
const t0 = new Date('2026-11-16T02:00:00.000Z'); // Monday 10:00 in Shanghai
let clock: SimulatedClock;
let outbox: Outbox;
let names: Record<'complaints' | 'state', string>;
let seq = 0;
/** The deployed secret's form: `current` signs, every key verifies. */
const keysOf = (current: string, keys: Record<string, string>) => parseLinkKeys(JSON.stringify({ current, ...keys }));
const K1 = 'first-signing-key-of-this-test-0123456789';
const K2 = 'second-signing-key-of-this-test-987654321';
let linkKeys: LinkKeys;

beforeEach(async () => {
  names = (await db.freshTables()).names;
  clock = new SimulatedClock(t0);
  outbox = new Outbox(defaultConfig, clock);
  linkKeys = keysOf('k1', { k1: K1 });
  setRuntime(
    buildRuntime({ stores: allStores, config: defaultConfig, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events: new RecordedEvents('bus'), publicBaseUrl: BASE, mail: new LocalMailStore(), linkKeys: async () => linkKeys }),
  );
});

function httpEvent(method: 'GET' | 'POST', routeKey: string, path: string, init: { body?: string; contentType?: string; pathParameters?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${routeKey}`,
    rawPath: path,
    rawQueryString: '',
    headers: init.contentType ? { 'content-type': init.contentType } : {},
    ...(init.pathParameters && { pathParameters: init.pathParameters }),
    ...(init.body !== undefined && { body: init.body }),
    isBase64Encoded: false,
    // What the agent authorizer adds on the agent routes (export, erasure): an admin machine client. Public routes ignore it.
    requestContext: {
      requestId: 'r',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      authorizer: { lambda: { principal: JSON.stringify({ id: 'privacy-tool', kind: 'machine', admin: true, departments: [] }) } },
    },
  } as unknown as APIGatewayProxyEventV2;
}

/** `POST /complaints` as the public calls it, then the stream's INSERT to the progress notifier (the receipt). */
async function file(customer: Record<string, string>, description: string): Promise<Complaint> {
  const res = await intake(httpEvent('POST', '/complaints', '/complaints', { body: JSON.stringify({ channel: 'web', customer, description }), contentType: 'application/json' }));
  expect(res.statusCode).toBe(201);
  const complaint = await runtime().complaints.get(String(JSON.parse(String(res.body)).id));
  if (!complaint) throw new Error('not stored');
  expect(await progressNotifier({ Records: [streamRecord(++seq, complaint)] }, {} as Context)).toEqual({ batchItemFailures: [] });
  return complaint;
}

/** Agent events through the repository, each change delivered to the progress notifier as the stream would. */
async function walk(complaint: Complaint, types: ComplaintEvent['type'][]): Promise<Complaint> {
  let c = complaint;
  for (const type of types) {
    const r = applyEvent(c, { type, actor: 'agent:li' } as ComplaintEvent, clock.now(), defaultConfig);
    if (!r.ok) throw new Error(type);
    expect(await runtime().complaints.update(r.complaint, c.version)).toBe(true);
    expect(await progressNotifier({ Records: [streamRecord(++seq, r.complaint, c)] }, {} as Context)).toEqual({ batchItemFailures: [] });
    c = r.complaint;
  }
  return c;
}

const emailsTo = (address: string) => outbox.entries().filter((m) => m.channel === 'email' && m.to === address);
const unsubscribeToken = (address: string) => /\/u\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22})/.exec(emailsTo(address).at(-1)?.body ?? '')?.[1] ?? '';

/** The unsubscribe route: a mail client's RFC 8058 one-click POST, or the page's button. */
async function optOut(token: string, oneClick: boolean): Promise<number | undefined> {
  const res = await unsubscribe(
    httpEvent('POST', '/u/{token}', `/u/${token}`, { body: oneClick ? 'List-Unsubscribe=One-Click' : 'lang=en', contentType: 'application/x-www-form-urlencoded', pathParameters: { token } }),
  );
  return res.statusCode;
}

async function exportOf(customerId: string): Promise<Record<string, unknown>> {
  const res = await customerData(httpEvent('GET', '/customers/{id}/export', `/customers/${customerId}/export`, { pathParameters: { id: customerId } }));
  expect(res.statusCode).toBe(200);
  return JSON.parse(String(res.body)) as Record<string, unknown>;
}

async function erase(customerId: string): Promise<void> {
  const res = await customerData(
    httpEvent('POST', '/customers/{id}/erase', `/customers/${customerId}/erase`, { body: JSON.stringify({ actor: 'agent:dpo' }), contentType: 'application/json', pathParameters: { id: customerId } }),
  );
  expect(res.statusCode).toBe(200);
}

const optOutItems = async () =>
  ((await db.clients.doc.send(new ScanCommand({ TableName: names.state }))).Items ?? []).filter((i) => String(i.pk).startsWith('OPTOUT'));

describe('opting out through a link silences the inbox it was sent to, never the customer id', () => {
  it('an attacker who files under the victim\'s customer id with their own address opts out only their own address', async () => {
    const victim = await file({ id: 'victim-v', email: 'victim@example.com', locale: 'en' }, 'My parcel never arrived');
    const attacker = await file({ id: 'victim-v', email: 'attacker-o@example.com', locale: 'en' }, 'Parcel late');
    expect(emailsTo('victim@example.com')).toHaveLength(1);
    expect(await optOut(unsubscribeToken('attacker-o@example.com'), true)).toBe(200);

    // The victim still hears about their complaint, and is still asked for their verdict.
    const resolved = await walk(victim, ['acknowledge', 'start', 'resolve']);
    expect(emailsTo('victim@example.com').map((m) => m.kind)).toEqual(['progress', 'progress', 'progress', 'progress']);
    // The attacker's own address is opted out: nothing but the receipt reached it.
    await walk(attacker, ['acknowledge']);
    expect(emailsTo('attacker-o@example.com').map((m) => m.kind)).toEqual(['progress']);

    clock.set(new Date(Date.parse(resolved.survey!.dueAt) + 60_000));
    await dispatchSurveys(runtime());
    expect(emailsTo('victim@example.com').at(-1)?.kind).toBe('survey');
    // The export of the id shows the opt-out, of one email address (never which: only its hash is kept).
    expect((await exportOf('victim-v')).optOuts).toEqual([{ channel: 'email', optedOutAt: t0.toISOString(), source: 'one_click' }]);
    expect(JSON.stringify(await optOutItems())).not.toContain('attacker-o');
  });

  it('the owner\'s own link silences their inbox under any spelling and customer id, except receipts; export shows it and erasure deletes it', async () => {
    const own = await file({ id: 'cust-l', email: 'Lee.Quiet+shop@gmail.com', locale: 'en' }, 'Wrong size delivered');
    const sameInbox = await file({ id: 'cust-m', email: 'leequiet@googlemail.com', locale: 'en' }, 'Refund missing');
    const bystander = await file({ id: 'cust-l', email: 'someone.else@example.com', locale: 'en' }, 'Damaged box');
    expect(await optOut(unsubscribeToken('Lee.Quiet+shop@gmail.com'), false)).toBe(200);

    const resolved = await walk(own, ['acknowledge', 'start', 'resolve']);
    await walk(sameInbox, ['acknowledge']);
    await walk(bystander, ['acknowledge']);
    // The receipt of a new complaint is still sent (REQUIRED_PROGRESS_STEPS); nothing else to that inbox.
    const again = await file({ id: 'cust-l', email: 'lee.quiet@gmail.com', locale: 'en' }, 'Still no refund');
    expect(emailsTo('Lee.Quiet+shop@gmail.com')).toHaveLength(1);
    expect(emailsTo('leequiet@googlemail.com')).toHaveLength(1);
    expect(emailsTo('lee.quiet@gmail.com').map((m) => m.complaintId)).toEqual([again.id]);
    // Another address under the same customer id is not the link's: it hears as usual.
    expect(emailsTo('someone.else@example.com').map((m) => m.kind)).toEqual(['progress', 'progress']);

    clock.set(new Date(Date.parse(resolved.survey!.dueAt) + 60_000));
    expect((await dispatchSurveys(runtime())).skipped).toEqual({ opted_out: 1 });
    expect(outbox.entries().filter((m) => m.kind === 'survey')).toEqual([]);

    expect((await exportOf('cust-l')).optOut).toEqual({ channel: 'email', optedOutAt: t0.toISOString(), source: 'unsubscribe_link' });
    expect((await exportOf('cust-m')).optOuts).toEqual([]);
    await erase('cust-l');
    expect(await optOutItems()).toEqual([]);
    expect((await exportOf('cust-l')).optOut).toBeNull();
  });

  it('still honours an opt-out of the whole customer id stored before, and a link issued before, as they were; export and erasure find them', async () => {
    const first = await file({ id: 'cust-old', email: 'old@example.com', locale: 'en' }, 'Parcel late');
    const second = await file({ id: 'cust-old', email: 'old.other@example.com', phone: '+8613912345000', locale: 'en' }, 'Refund missing');
    // An opt-out item as it was stored before, keyed by the customer id.
    await db.clients.doc.send(new PutCommand({ TableName: names.state, Item: { pk: 'OPTOUT#cust-old', sk: 'OPTOUT', optedOutAt: '2026-10-01T00:00:00.000Z', source: 'one_click' } }));
    await walk(first, ['acknowledge']);
    await walk(second, ['acknowledge']);
    expect(emailsTo('old@example.com')).toHaveLength(1);
    expect(emailsTo('old.other@example.com')).toHaveLength(1);
    expect((await exportOf('cust-old')).optOut).toEqual({ optedOutAt: '2026-10-01T00:00:00.000Z', source: 'one_click' });
    await erase('cust-old');
    expect(await optOutItems()).toEqual([]);

    // A link issued before records no address: using it opts the customer id out, as it did then.
    const token = 'T2xkTGlua0lzc3VlZEJlZm9yZVRoZUZp';
    await db.clients.doc.send(new PutCommand({ TableName: names.state, Item: { pk: `UNSUB#${tokenHash(token)}`, sk: 'LINK', customerId: 'cust-legacy', locale: 'en', expiresAt: 1_900_000_000 } }));
    expect(await optOut(token, true)).toBe(200);
    const legacy = await file({ id: 'cust-legacy', email: 'legacy@example.com', locale: 'en' }, 'Parcel late');
    await walk(legacy, ['acknowledge']);
    expect(emailsTo('legacy@example.com')).toHaveLength(1);
    expect(await optOutItems()).toEqual([expect.objectContaining({ pk: 'OPTOUT#cust-legacy', sk: 'OPTOUT', source: 'one_click' })]);
  });

  it('signs links instead of storing them: nothing is written per email, and only an intact, unexpired link signed by a listed key opts out', async () => {
    const stateItems = async () => ((await db.clients.doc.send(new ScanCommand({ TableName: names.state }))).Items ?? []).map((i) => String(i.pk));
    const filed = await file({ id: 'cust-s', email: 'signed@example.com', locale: 'zh-CN' }, '包裹迟到');
    const token = unsubscribeToken('signed@example.com');
    expect(token).not.toBe('');
    expect((await stateItems()).filter((pk) => pk.startsWith('UNSUB#'))).toEqual([]);
    // The link names no address: only the hash of the inbox it was sent to.
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).not.toContain('signed@example.com');

    // Tampered (another customer id in the payload, the MAC kept), cut short, or signed for nothing listed: 404, nothing recorded.
    const [kid, body, mac] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')).with(0, 'cust-other')), 'utf8').toString('base64url');
    const flipped = `${mac.slice(0, 5)}${mac[5] === 'A' ? 'B' : 'A'}${mac.slice(6)}`;
    const respelled = `${mac.slice(0, -1)}${mac.at(-1) === 'A' ? 'B' : 'A'}`; // the same 16 bytes in some cases: text is compared
    for (const bad of [`${kid}.${forged}.${mac}`, `${kid}.${body}.${flipped}`, `${kid}.${body}.${respelled}`, `k9.${body}.${mac}`, token.slice(0, -1)]) {
      expect(await optOut(bad, true), bad).toBe(404);
    }
    expect(await optOutItems()).toEqual([]);

    // A rotation (k2 signs, k1 still listed) keeps the link working; it opts out the inbox in the link.
    linkKeys = keysOf('k2', { k1: K1, k2: K2 });
    expect(await optOut(token, false)).toBe(200);
    await walk(filed, ['acknowledge']);
    expect(emailsTo('signed@example.com')).toHaveLength(1);
    expect(await optOutItems()).toEqual([expect.objectContaining({ pk: expect.stringMatching(/^OPTOUTTO#[0-9a-f]{64}$/), sk: 'CUSTOMER#cust-s', source: 'unsubscribe_link' })]);

    // Once k1 is dropped, a year has passed, or both: the link is answered 404.
    const later = await file({ id: 'cust-t', email: 'later@example.com', locale: 'en' }, 'Parcel late');
    const k2Token = unsubscribeToken('later@example.com');
    expect(k2Token.startsWith('k2.')).toBe(true);
    linkKeys = keysOf('k2', { k2: K2 });
    expect(await optOut(token, true)).toBe(404);
    clock.set(new Date(t0.getTime() + 366 * 86_400_000));
    expect(await optOut(k2Token, true)).toBe(404);
    expect(later.customer.email).toBe('later@example.com');
  });
});

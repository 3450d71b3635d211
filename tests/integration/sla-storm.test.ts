import { randomBytes } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { toItem } from '../../functions/adapters/dynamodb-complaint-repository.ts';
import { buildRuntime, type Runtime } from '../../functions/adapters/runtime.ts';
import { allStores } from '../../functions/adapters/dynamodb-stores.ts';
import { createComplaint, type Complaint } from '../../functions/domain/complaint.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import { shortRef } from '../../functions/domain/ids.ts';
import { smsSegments } from '../../functions/domain/sms.ts';
import { Outbox, type OutboxEntry } from '../../functions/local/outbox.ts';
import { RecordedEvents } from '../../functions/local/recorded-events.ts';
import { SimulatedClock } from '../../functions/local/simulated-clock.ts';
import { sweepSla } from '../../functions/use-cases/sweep-sla.ts';
import { withDynamoDbLocal } from '../support/dynamodb.ts';
import { defaultConfig } from '../fixtures/config.ts';

const db = withDynamoDbLocal();
const HOUR = 3600_000;
const BASE = 'https://complaints.example.com';
let clock: SimulatedClock;
let outbox: Outbox;
let rt: Runtime;
let complaintsTable: string;

async function setup(config: PipelineConfig, t0: Date): Promise<void> {
  const { names } = await db.freshTables();
  complaintsTable = names.complaints;
  clock = new SimulatedClock(t0);
  outbox = new Outbox(config, clock);
  rt = buildRuntime({ stores: allStores, config, clock, doc: db.clients.doc, tableNames: names, notifier: outbox, events: new RecordedEvents('bus'), publicBaseUrl: BASE });
}

let n = 0;
/** Medium logistics complaints: warning at 18 h, L1 (赵敏) at 24 h, L2 (王磊, also the head) at 28 h, L3 (黄静) at 32 h. */
function complaints(count: number, at: Date, config: PipelineConfig = defaultConfig): Complaint[] {
  return Array.from({ length: count }, () => {
    n += 1;
    const r = createComplaint({ channel: 'web', customer: { id: `storm-${n}`, email: `s${n}@example.com` }, description: '快递延迟一周', category: 'logistics-delay', severity: 'medium' }, config, at, `S${String(n).padStart(7, '0')}`);
    if (!r.ok) throw new Error('fixture');
    return { ...r.complaint, ref: shortRef('YX', randomBytes(5)) };
  });
}

async function store(items: Complaint[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await db.clients.doc.send(new BatchWriteCommand({ RequestItems: { [complaintsTable]: items.slice(i, i + 25).map((c) => ({ PutRequest: { Item: toItem(c, defaultConfig.scale.dueIndexBuckets) } })) } }));
  }
}

/** Every complaint is either listed by reference or counted in "and N more". */
function listedOrCounted(email: OutboxEntry, items: readonly Complaint[]): number {
  const listed = items.filter((c) => email.body.includes(c.ref!)).length;
  const more = /(?:以及另外 (\d+) 起|and (\d+) more)/.exec(email.body);
  return listed + Number(more?.[1] ?? more?.[2] ?? 0);
}

function perRecipient(entries: readonly OutboxEntry[]): Map<string, { email: number; sms: number }> {
  const out = new Map<string, { email: number; sms: number }>();
  for (const e of entries) {
    const key = e.channel === 'email' ? e.to : e.to;
    const c = out.get(key) ?? { email: 0, sms: 0 };
    if (e.channel === 'email') c.email += 1;
    else c.sms += 1;
    out.set(key, c);
  }
  return out;
}

describe('SLA storms: one message per person per sweep', () => {
  // 10:00 in Shanghai: every step of the chain falls outside the 22:00–08:00 quiet hours except the warning.
  const t0 = new Date('2026-11-16T02:00:00.000Z');
  beforeEach(async () => setup(defaultConfig, t0));

  it('50 overdue complaints in one department: at most one email and one SMS per recipient per sweep and step, every complaint listed or counted', async () => {
    const items = complaints(50, t0);
    await store(items);
    const steps: Array<[hours: number, to: string[], sms: string[]]> = [
      [18, ['wang.lei@youxuan-mall.example.com'], []],
      [24, ['zhao.min@youxuan-mall.example.com'], ['+8613800138011']],
      [28, ['wang.lei@youxuan-mall.example.com'], ['+8613800138001']],
      [32, ['huang.jing@youxuan-mall.example.com'], ['+8613800138020']],
    ];
    for (const [hours, emails, phones] of steps) {
      const before = outbox.entries().length;
      clock.set(new Date(t0.getTime() + hours * HOUR + 5 * 60_000));
      const result = await sweepSla(rt);
      // The same scheduled run delivered again sends nothing more.
      await sweepSla(rt);
      const sent = outbox.entries().slice(before);
      expect(result.due, `${hours} h`).toBe(50);
      expect(sent.filter((m) => m.channel === 'email').map((m) => m.to)).toEqual(emails);
      expect(sent.filter((m) => m.channel === 'sms').map((m) => m.to)).toEqual(phones);
      for (const [, count] of perRecipient(sent)) expect(count.email + count.sms).toBeLessThanOrEqual(2);
      const email = sent.find((m) => m.channel === 'email')!;
      expect(listedOrCounted(email, items)).toBe(50);
      expect(email.body).toContain('以及另外 45 起');
      expect(email.html).toMatch(/<ul[^>]*>(?:<li[^>]*>.*?<\/li>){6}<\/ul>/);
      expect(email.html).toContain(`href="${BASE}/console/`);
      for (const sms of sent.filter((m) => m.channel === 'sms')) {
        expect(sms.body).toContain('50 起投诉已超时');
        expect(smsSegments(sms.body)).toBeLessThanOrEqual(2);
      }
    }
    expect((await rt.complaints.get(items[0]!.id))!.escalationLevel).toBe(3);
  }, 60_000);

  it('one overdue complaint reads as one complaint, with the link to it', async () => {
    const [c] = complaints(1, t0);
    await store([c!]);
    clock.set(new Date(t0.getTime() + 24 * HOUR + 60_000));
    await sweepSla(rt);
    const [email, sms] = outbox.entries().filter((m) => m.kind === 'escalation');
    expect(email!.subject).toBe(`【投诉升级 L1】投诉 ${c!.ref} 首次响应已超时`);
    expect(email!.body).toContain('赵敏（组长），您好：');
    expect(email!.body).toContain(`- ${c!.ref} 物流延迟 · 严重程度中 · 首次响应已超时 1 分钟 ${BASE}/console/complaints/${c!.id}`);
    expect(email!.html).toContain(`<a href="${BASE}/console/complaints/${c!.id}"`);
    expect(sms!.body).toContain(`投诉 ${c!.ref}（物流延迟）首次响应已超时 1 分钟`);
  });

  it('past the hourly SMS ceiling: email only, and the email says so', async () => {
    await setup({ ...defaultConfig, slaPolicy: { ...defaultConfig.slaPolicy, smsPerHour: 1 } }, t0);
    await store([...complaints(2, t0), ...complaints(3, new Date(t0.getTime() + 10 * 60_000))]);
    clock.set(new Date(t0.getTime() + 24 * HOUR + 5 * 60_000));
    await sweepSla(rt);
    clock.set(new Date(t0.getTime() + 24 * HOUR + 15 * 60_000));
    const second = await sweepSla(rt);
    expect(second.sms).toEqual({ sent: 0, held: 0, overQuota: 1 });
    const toZhao = outbox.entries().filter((m) => m.to === 'zhao.min@youxuan-mall.example.com' || m.to === '+8613800138011');
    expect(toZhao.map((m) => m.channel)).toEqual(['email', 'sms', 'email']);
    expect(toZhao[2]!.body).toContain('本小时发给您的 SLA 短信已达 1 条上限');
  });
});

describe('SLA SMS and quiet hours', () => {
  // 23:00 in Shanghai: L1 falls at 23:00 and 00:00 the next night, inside the 22:00–08:00 quiet hours.
  const t0 = new Date('2026-11-16T15:00:00.000Z');
  beforeEach(async () => setup(defaultConfig, t0));

  it('holds SLA SMS during quiet hours and sums them up in one SMS per person after', async () => {
    await store([...complaints(3, t0), ...complaints(2, new Date(t0.getTime() + HOUR))]);
    clock.set(new Date(t0.getTime() + 24 * HOUR + 5 * 60_000));
    await sweepSla(rt);
    clock.set(new Date(t0.getTime() + 25 * HOUR + 5 * 60_000));
    await sweepSla(rt);
    const night = outbox.entries();
    expect(night.filter((m) => m.channel === 'sms')).toEqual([]);
    const toZhao = night.filter((m) => m.to === 'zhao.min@youxuan-mall.example.com');
    expect(toZhao.map((m) => m.kind)).toEqual(['escalation', 'escalation']);
    expect(toZhao[0]!.body).toContain('现在是免打扰时段，短信提醒将在 11月18日 08:00（北京时间） 后合并为一条发送。');

    // 08:05 local: one summary SMS for 赵敏 (5 complaints); the levels due meanwhile (L2, L3) go as this sweep's SMS, one per person.
    clock.set(new Date('2026-11-18T00:05:00.000Z'));
    const morning = await sweepSla(rt);
    const sms = outbox.entries().filter((m) => m.channel === 'sms');
    expect(new Set(sms.map((m) => m.to)).size).toBe(sms.length);
    expect(sms.find((m) => m.to === '+8613800138011')!.body).toContain('免打扰时段内共有 5 起投诉超时升级至您');
    expect(morning.heldSummaries).toBe(1);
    expect(sms.map((m) => m.to).sort()).toEqual(['+8613800138001', '+8613800138011', '+8613800138020']);
    // Nothing is replayed afterwards.
    clock.set(new Date('2026-11-18T00:10:00.000Z'));
    await sweepSla(rt);
    expect(outbox.entries().filter((m) => m.channel === 'sms')).toHaveLength(sms.length);
  });
});

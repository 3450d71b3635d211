/**
 * sendWeeklyDigest with memory adapters and a fixed clock: what it reads, what it sends, and that a
 * second firing or a run that died mid-send never sends a week's digest twice to anyone.
 */
import { describe, expect, it } from 'vitest';
import { MemoryAlertStore } from '../../functions/adapters/memory-alert-store.ts';
import { MemoryMessageLedger, MemoryNotifier } from '../../functions/adapters/memory-notifier.ts';
import { newIncident } from '../../functions/domain/alert.ts';
import type { ChartSpec } from '../../functions/domain/chart-spec.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import type { KpiComplaint } from '../../functions/domain/kpis.ts';
import type { EmailMessage, OutboundMessage } from '../../functions/domain/messages.ts';
import type { SurveyFact } from '../../functions/domain/survey.ts';
import type { Notifier } from '../../functions/ports/notifier.ts';
import { MessageInProgressError } from '../../functions/use-cases/deliver-once.ts';
import { sendWeeklyDigest, type SendWeeklyDigestDeps } from '../../functions/use-cases/send-weekly-digest.ts';
import { defaultConfig } from '../fixtures/config.ts';

const monday9 = new Date('2026-11-30T01:00:00.000Z');
const BASE = 'http://127.0.0.1:3101';

/** A 1200×600 PNG header: enough for the email's image size. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 4, 0xb0, 0, 0, 2, 0x58]);

function setup(config: PipelineConfig = defaultConfig, notifier: Notifier = new MemoryNotifier()) {
  const reads: string[] = [];
  const complaints: KpiComplaint[] = [
    { id: 'C1', department: 'finance', category: 'refund', receivedAt: '2026-11-24T02:00:00.000Z', firstResponseDueAt: '2026-11-24T06:00:00.000Z', resolutionDueAt: '2026-11-26T02:00:00.000Z', escalationLevel: 0 },
    { id: 'C2', department: 'logistics', category: 'logistics-delay', receivedAt: '2026-11-17T02:00:00.000Z', firstResponseDueAt: '2026-11-17T06:00:00.000Z', resolutionDueAt: '2026-11-19T02:00:00.000Z', escalationLevel: 0 },
  ];
  const facts: SurveyFact[] = [{ surveyId: 'C9-r1', department: 'finance', category: 'refund', sentAt: '2026-11-20T03:00:00.000Z', answeredAt: '2026-11-25T03:00:00.000Z', rating: 1, solved: false }];
  const alerts = new MemoryAlertStore();
  const charts: ChartSpec[] = [];
  const ledger = new MemoryMessageLedger(65);
  const deps: SendWeeklyDigestDeps = {
    config,
    clock: { now: () => monday9 },
    notifier,
    ledger,
    complaints: {
      receivedBetween: async (department, from, to) => {
        reads.push(`byDepartment ${department} ${from.toISOString()} ${to.toISOString()}`);
        return complaints.filter((c) => c.department === department && c.receivedAt >= from.toISOString() && c.receivedAt < to.toISOString());
      },
      get: async (id) => (id === 'C9' ? ({ id: 'C9', ref: 'YX-4K7M-9QD2' } as never) : undefined),
    },
    surveyFacts: {
      facts: async (from, to) => {
        reads.push(`facts ${from.toISOString()} ${to.toISOString()}`);
        return facts.filter((f) => f.sentAt >= from.toISOString() && f.sentAt < to.toISOString());
      },
    },
    alerts,
    renderChart: async (spec) => {
      charts.push(spec);
      return PNG;
    },
    publicBaseUrl: () => BASE,
  };
  return { deps, reads, charts, alerts };
}

describe('sendWeeklyDigest', () => {
  it('reads by index and partition, draws one chart per language, sends one digest per recipient in their language', async () => {
    const notifier = new MemoryNotifier();
    const { deps, reads, charts, alerts } = setup(defaultConfig, notifier);
    await alerts.openIncident(newIncident(defaultConfig.categories.find((c) => c.id === 'refund')!, 9, [], new Date('2026-11-25T02:00:00.000Z')));

    const result = await sendWeeklyDigest(deps);

    expect(result).toEqual({ week: '2026-11-23', recipients: 2, sent: 2 });
    expect(reads).toEqual([
      ...defaultConfig.departments.map((d) => `byDepartment ${d.id} 2026-11-15T16:00:00.000Z 2026-11-29T16:00:00.000Z`),
      // Answers given last week may be to surveys sent up to survey.linkTtlDays (14) before it.
      'facts 2026-11-08T16:00:00.000Z 2026-11-29T16:00:00.000Z',
    ]);
    expect(charts.map((c) => c.lang)).toEqual(['zh-CN', 'en']);
    const sent = notifier.messages as EmailMessage[];
    expect(sent.map((m) => [m.id, m.to, m.kind])).toEqual([
      ['digest:2026-11-23:zhao.min@youxuan-mall.example.com', 'zhao.min@youxuan-mall.example.com', 'digest'],
      ['digest:2026-11-23:david.wong@youxuan-mall.example.com', 'david.wong@youxuan-mall.example.com', 'digest'],
    ]);
    expect(sent[0]!.html).toContain('lang="zh-CN"');
    expect(sent[1]!.html).toContain('lang="en"');
    expect(sent[1]!.text).toContain('- Complaints received | 1 | 1 | 0');
    expect(sent[1]!.text).toContain('- Alert incidents | 0 | 1 | +1');
    // The poor answer's complaint is found by the survey id; its short reference and console link are shown.
    expect(sent[1]!.text).toContain('YX-4K7M-9QD2 · Refund');
    expect(sent[1]!.html).toContain(`href="${BASE}/console/complaints/C9"`);
    expect(sent[1]!.inlineImages?.[0]?.base64).toBe(Buffer.from(PNG).toString('base64'));
  });

  it('reports the week before the time the schedule was due, whatever the clock says', async () => {
    const { deps } = setup();
    const result = await sendWeeklyDigest({ ...deps, clock: { now: () => new Date('2026-12-01T03:00:00.000Z') } }, monday9);
    expect(result.week).toBe('2026-11-23');
  });

  it('sends each recipient the week\'s digest once, however often the schedule fires', async () => {
    const notifier = new MemoryNotifier();
    const { deps } = setup(defaultConfig, notifier);
    expect((await sendWeeklyDigest(deps)).sent).toBe(2);
    expect((await sendWeeklyDigest(deps)).sent).toBe(0);
    expect(notifier.messages).toHaveLength(2);
  });

  it('after a run that died mid-send, a retry sends only what is missing (once the dead run\'s claim expires)', async () => {
    const delivered: OutboundMessage[] = [];
    let failOn = 'david.wong@youxuan-mall.example.com';
    const flaky: Notifier = {
      send: async (m) => {
        if (m.channel === 'email' && m.to === failOn) throw new Error('SES throttled');
        delivered.push(m);
      },
    };
    const { deps } = setup(defaultConfig, flaky);
    await expect(sendWeeklyDigest(deps)).rejects.toThrow('SES throttled');
    failOn = '';
    expect((await sendWeeklyDigest(deps)).sent).toBe(1);
    expect(delivered.map((m) => (m as EmailMessage).to)).toEqual(['zhao.min@youxuan-mall.example.com', 'david.wong@youxuan-mall.example.com']);

    // A run that died between claim and send holds its claim for the lease: a retry meanwhile sends nothing and says so.
    const dead = setup(defaultConfig, new MemoryNotifier());
    await dead.deps.ledger.claim('digest:2026-11-23:david.wong@youxuan-mall.example.com', monday9);
    await expect(sendWeeklyDigest(dead.deps)).rejects.toBeInstanceOf(MessageInProgressError);
    const later = { ...dead.deps, clock: { now: () => new Date(monday9.getTime() + 66_000) } };
    expect((await sendWeeklyDigest(later, monday9)).sent).toBe(1);
  });

  it('sends nothing and reads nothing without recipients', async () => {
    const { deps, reads, charts } = setup({ ...defaultConfig, digest: { ...defaultConfig.digest, recipients: [] } });
    expect(await sendWeeklyDigest(deps)).toEqual({ week: '2026-11-23', recipients: 0, sent: 0 });
    expect(reads).toEqual([]);
    expect(charts).toEqual([]);
  });
});

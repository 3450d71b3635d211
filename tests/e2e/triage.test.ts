import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDefaultConfig } from '../fixtures/config.ts';
import { client } from '../support/http.ts';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';
import { fixtureModel } from '../support/text-model.ts';

const TOKEN = 'e2e-triage-token';
let app: LocalProcess;
const api = client(() => app.url, TOKEN);

/** A config beside a model trained on the bilingual fixture, two labels renamed as an old system would. */
function configWithModel(labels: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'triage-e2e-'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(fixtureModel({ 'logistics-delay': 'Shipping', refund: 'Money back' })));
  const raw = rawDefaultConfig();
  raw.classifier = { model: 'model.json', minConfidence: 0.6, labels };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  return join(dir, 'config.json');
}

beforeAll(async () => {
  app = await startLocalProcess({ AGENT_TOKEN: TOKEN, PIPELINE_CONFIG: configWithModel({ Shipping: 'logistics-delay', 'Money back': 'refund' }) });
}, 180_000);
afterAll(async () => {
  await app?.stop();
});

/**
 * Posts a complaint and returns the record agents read (`GET /complaints/{id}`, as the console
 * does): the public answer to the intake carries the category, department and severity but not how
 * they were decided nor the escalation-risk mark.
 */
async function submit(n: number, title: string, description: string) {
  const res = await api.call('POST', '/complaints', { channel: 'app', customer: { id: `tr-${n}`, email: `tr${n}@example.com` }, title, description });
  expect(res.status).toBe(201);
  expect(Object.keys(res.body)).toEqual(expect.not.arrayContaining(['classification', 'categorySource', 'severityRaisedBy', 'escalationRisk']));
  const stored = await api.call('GET', `/complaints/${res.body.id}`);
  expect(stored.status).toBe(200);
  expect(stored.body).toMatchObject({ id: res.body.id, category: res.body.category, department: res.body.department, severity: res.body.severity });
  return stored.body as Record<string, any>;
}

describe('npm start: triage that learns, with the escalation-risk mark', () => {
  it('refuses to start with a model whose labels map to no category, naming the key', async () => {
    await expect(startLocalProcess({ PIPELINE_CONFIG: configWithModel({ Shipping: 'logistics-delay' }) })).rejects.toThrow(
      /exited with 1[\s\S]*classifier\.labels: model label 'Money back' is not a category id and has no entry in classifier\.labels/,
    );
  }, 180_000);

  it('zh and en complaints: model/keywords/fallback recorded, marked ones raised a step, the mark in the alert and the SLA warning', async () => {
    expect(app.output()).toMatch(/classifier:\s+logreg, 4 labels, used at confidence ≥ 0\.6/);
    // Five account-security complaints in 30 minutes breach its threshold (the security department reads Chinese).
    const zhThreat = await submit(1, '有人异地登录我的账号', '有人异地登录我的账号改了密码，再不处理我就去法院起诉你们');
    const enThreat = await submit(2, 'Account taken over', 'Someone logged into my account and changed my password. I will sue you.');
    const plainModel = await submit(3, '异地登录提醒', '收到异地登录提醒，不是我本人');
    const plainKeywords = await submit(4, '验证码', '收到了验证码但不是我操作的');
    const plainEn = await submit(5, 'Login alert', 'I got a login alert from another country');
    await api.settle();

    expect(zhThreat).toMatchObject({
      category: 'account-security',
      classification: { method: 'model', model: { label: 'account-security' } },
      severity: 'high',
      severityRaisedBy: ['escalation_risk'],
      escalationRisk: { marked: true, signals: ['threat'], sentiment: 'lexicon' },
    });
    expect(zhThreat.escalationRisk.terms).toEqual(expect.arrayContaining(['起诉', '法院']));
    expect(enThreat).toMatchObject({ category: 'account-security', severity: 'high', severityRaisedBy: ['escalation_risk'], escalationRisk: { marked: true, terms: ['sue'] } });
    expect(plainModel).toMatchObject({ category: 'account-security', categorySource: 'model', severity: 'medium', escalationRisk: { marked: false } });
    expect(plainModel.severityRaisedBy).toBeUndefined();
    expect(plainKeywords).toMatchObject({ category: 'account-security', classification: { method: 'keywords' } });
    expect(plainKeywords.classification.model.confidence).toBeLessThan(0.6);
    expect(plainEn.classification.method).toBe('model');

    const alert = (await api.outbox()).filter((m) => m.kind === 'alert' && m.channel === 'email');
    expect(alert).toHaveLength(1);
    const body: string = alert[0]!.body;
    // The header paragraph, then the list: one `- ` line per complaint.
    const lines = body.slice(body.indexOf('最新投诉：')).split('\n\n')[1]!.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^- ⚠ 升级风险 · 有人异地登录我的账号（由模型归类，把握 \d+%）$/),
        expect.stringMatching(/^- ⚠ 升级风险 · Account taken over（由模型归类，把握 \d+%）$/),
        '- 验证码（按关键词归类）',
        expect.stringMatching(/^- 异地登录提醒（由模型归类，把握 \d+%）$/),
      ]),
    );
    expect(alert[0]!.html).toContain('⚠ 升级风险 · <bdi>有人异地登录我的账号</bdi>（由模型归类');

    // High severity: the first-response warning comes at 75% of 8 hours; the medium ones are not due
    // yet. Warnings are grouped per person and sweep: each due complaint is listed once, under its
    // short reference, and a marked one's line carries the mark.
    await api.advance('PT6H5M');
    const warnings = (await api.outbox()).filter((m) => m.kind === 'sla_warning');
    expect(warnings.length).toBeGreaterThan(0);
    const items = warnings.flatMap((w) => (w.body as string).split('\n').filter((l) => l.startsWith('- ')));
    const lineOf = (c: Record<string, any>) => items.filter((l) => l.startsWith(`- ${c.ref} `));
    for (const c of [zhThreat, enThreat]) {
      expect(lineOf(c), c.ref).toHaveLength(1);
      expect(lineOf(c)[0]).toContain(' ⚠ 升级风险 · ');
    }
    expect(items).toHaveLength(2);
    for (const c of [plainModel, plainKeywords, plainEn]) expect(lineOf(c)).toEqual([]);
    for (const w of warnings) expect(w.html).toContain('⚠ 升级风险 · ');
  }, 120_000);

  it('a complaint the model is unsure of and no keyword matches goes to the fallback category', async () => {
    const c = await submit(6, '会员积分', '我想问一下会员积分怎么兑换');
    expect(c).toMatchObject({ category: 'other', categorySource: 'fallback', classification: { method: 'fallback' } });
    expect(c.classification.model.confidence).toBeLessThan(0.6);
  });
});

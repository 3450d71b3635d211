import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../support/browser.ts';
import { client } from '../support/http.ts';
import { startLocalProcess, type LocalProcess } from '../support/local-process.ts';
import { defaultConfig, writeTwoBucketConfig } from '../fixtures/config.ts';
import { customerTimeZone } from '../../functions/domain/progress.ts';
import { formatNamedTime } from '../../functions/domain/time.ts';

const TOKEN = 'survey-token';
let app: LocalProcess;
let browser: Browser;
const api = client(() => app.url, TOKEN);
// Two buckets: the week below is about two thousand schedule runs, none of them about buckets.
const { path: configPath, dir } = writeTwoBucketConfig();
/** Daytime for the customer when the survey falls due: tomorrow 10:00 in Shanghai (02:00 UTC). */
const today = new Date();
const morning = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 2, 0));

describe.skipIf(skipBrowserTests)('satisfaction survey, locally end to end', () => {
  beforeAll(async () => {
    // The clock starts that morning instead of walking up to a day of schedules to it before the week
    // the test is about.
    [app, browser] = await Promise.all([startLocalProcess({ AGENT_TOKEN: TOKEN, LOCAL_CLOCK_START: morning.toISOString(), PIPELINE_CONFIG: configPath }), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolve, a week passes, the survey link answered "2, not solved" in Chromium reopens the complaint and alerts the department; the link then says it was answered', async () => {
    const created = await api.call('POST', '/complaints', {
      channel: 'app',
      customer: { id: 'walk-survey', name: '陈女士', email: 'chen@example.com', locale: 'zh-CN' },
      title: '快递三天没有更新',
      description: '我的快递三天没有物流更新，客服也联系不上',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const ref = created.body.ref as string;
    for (const type of ['acknowledge', 'start', 'resolve']) {
      expect((await api.call('POST', `/complaints/${id}/events`, { type, actor: 'agent:li.ming' })).status).toBe(200);
    }
    const mine = async (kind: string) => (await api.outbox()).filter((m) => m.complaintId === id && m.kind === kind);
    await api.settle();
    expect(await mine('survey')).toEqual([]);

    // A week passes (every schedule runs on the way), then the dispatcher's next run.
    expect((await api.advance('P7D')).status).toBe(200);
    await api.advance('PT15M');
    const [survey, ...more] = await mine('survey');
    expect(more).toEqual([]);
    expect(survey).toMatchObject({ channel: 'email', to: 'chen@example.com', subject: `请为我们的服务打分（投诉编号 ${ref}）` });
    expect(survey!.headers['List-Unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}>$/);
    const link = /http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{32}/.exec(survey!.body)?.[0];
    expect(link).toBeDefined();

    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    expect((await page.goto(link!))?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('服务满意度调查');
    // The reference the customer's messages show, not the internal id.
    expect(await page.locator('main').textContent()).toContain(ref);
    expect(await page.locator('main').textContent()).not.toContain(id);
    await page.getByLabel('2 – 不满意').check();
    await page.getByLabel('未解决').check();
    await page.getByLabel('其他意见（选填）').fill('快递还是没有到，电话也打不通');
    await page.getByRole('button', { name: '提交' }).click();
    expect(await page.locator('h1').textContent()).toBe('感谢您的反馈');
    expect(await page.locator('main').textContent()).toContain('我们已重新处理您的投诉');
    const thanks = (await page.locator('main').textContent()) ?? '';

    await api.settle();
    const complaint = (await api.call('GET', `/complaints/${id}`)).body;
    // The page promises when, as the reopen email does: the reopened complaint's first-response time.
    const promised = formatNamedTime(new Date(complaint.sla.dueAt), customerTimeZone(complaint, defaultConfig), 'zh-CN');
    expect(thanks).toContain(`${promised}前与您联系`);
    expect((await mine('progress')).at(-1)?.body).toContain(promised);
    expect(complaint).toMatchObject({ status: 'reopened', reopenCount: 1, sla: { phase: 'first_response' }, surveyAnswer: { rating: 2, solved: false, outcome: 'reopened' } });
    expect(complaint.timeline.at(-1)).toMatchObject({ actor: 'survey', event: 'reopen', note: 'Survey: rating 2/5, not solved, comment: "快递还是没有到，电话也打不通"' });
    const followup = await mine('survey_followup');
    expect(followup.map((m) => [m.channel, m.to])).toContainEqual(['email', 'wang.lei@youxuan-mall.example.com']);
    expect(followup[0]!.body).toContain('评分 2/5，问题未解决');
    expect(followup[0]!.body).toContain('快递还是没有到，电话也打不通');
    expect((await mine('progress')).at(-1)?.subject).toBe(`您的投诉已重新打开（编号 ${ref}）`);
    const events = (await api.call('GET', '/local/events')).body.filter((e: any) => e.detail.complaintId === id).map((e: any) => e.detailType);
    expect(events).toEqual(expect.arrayContaining(['survey.sent', 'survey.answered']));

    const again = await page.goto(link!);
    expect(again?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('问卷已填写');

    const to = new Date(morning.getTime() + 60 * 86_400_000).toISOString().slice(0, 10);
    const report = await api.call('GET', `/reports/csat?from=${morning.toISOString().slice(0, 10)}&to=${to}`);
    expect(report.status).toBe(200);
    expect(report.body.byDepartment.logistics).toMatchObject({ sent: 1, answered: 1, reopened: 1, csat: 0 });
    expect((await api.call('GET', `/reports/csat?from=2026-01-01&to=2026-02-01`, undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    // A hang limit: a week of schedule runs took over 240 s at load 25 on two cores.
  }, 600_000);
});

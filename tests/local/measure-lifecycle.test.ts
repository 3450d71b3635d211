import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleProfile } from '../../functions/domain/cost-model.ts';
import { functions } from '../../functions/pipeline.ts';
import { defaultConfig } from '../fixtures/config.ts';

// Handlers log and emit metrics as deployed (INFO, EMF on): set before they load, restored after.
const saved = { level: process.env.POWERTOOLS_LOG_LEVEL, metrics: process.env.POWERTOOLS_METRICS_DISABLED };
let profile: LifecycleProfile;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const { measureLifecycles } = await import('../../functions/local/measure-lifecycle.ts');
  // Surveys due at once instead of a week later: the same calls, a week fewer of idle schedule runs to simulate.
  const config = { ...defaultConfig, survey: { ...defaultConfig.survey, delayDays: 0 } };
  profile = await measureLifecycles({ config, lifecycles: 2, warmUp: false });
}, 600_000);
afterAll(() => {
  for (const [key, value] of [
    ['POWERTOOLS_LOG_LEVEL', saved.level],
    ['POWERTOOLS_METRICS_DISABLED', saved.metrics],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('measuring a complaint lifecycle on the local runtime', () => {
  it('counts the requests each step makes, the same for every lifecycle', () => {
    const n = profile.lifecycle.requestsBy;
    // Intake writes the complaint exactly once (no extra update), and each agent event once.
    expect(n['intake PutItem complaints']).toBe(1);
    expect(n['intake UpdateItem complaints']).toBeUndefined();
    expect(n['complaintEvents PutItem complaints']).toBe(3);
    // Measured per lifecycle over two: whole numbers mean both did the same.
    for (const [key, count] of Object.entries(n)) {
      if (/^(intake|complaintEvents|surveyAnswer|surveyPage) /.test(key)) expect(Number.isInteger(count), `${key}: ${count}`).toBe(true);
    }
  });

  it('counts invocations per function, stream records, HTTP requests and messages', () => {
    const f = profile.lifecycle.functions;
    expect(f.intake?.invocations).toBe(1);
    expect(f.complaintEvents?.invocations).toBe(3); // acknowledge, start, resolve
    expect(f.apiAuthorizer?.invocations).toBe(3); // every agent request, no cached verdict
    expect(f.surveyPage?.invocations).toBe(1);
    expect(f.surveyAnswer?.invocations).toBe(1);
    expect(f.volumeMonitor?.records).toBe(1); // INSERTs only
    expect(profile.lifecycle.httpRequests).toBe(6);
    // Four progress emails and the survey.
    expect(profile.lifecycle.emails).toBe(5);
    expect(profile.lifecycle.eventChunks).toBeGreaterThanOrEqual(5);
  });

  it('takes capacity as DynamoDB reports it, indexes included', () => {
    const d = profile.lifecycle.dynamodb;
    expect(d.writeUnits).toBeGreaterThanOrEqual(d.writeRequests);
    expect(d.readUnits).toBeGreaterThan(0);
    expect(profile.lifecycle.writeUnitsBy['intake PutItem complaints/byStatus']).toBeGreaterThan(0);
    // byCustomer projects only what its readers ask for: updates that keep its keys do not write it.
    expect(profile.lifecycle.writeUnitsBy['complaintEvents PutItem complaints/byCustomer'] ?? 0).toBe(0);
    // No index projects the whole complaint: a status change deletes and puts a small byStatus entry
    // (1 unit each) for each of the three agent events, not two copies of the 1–2 KB item.
    expect(profile.lifecycle.writeUnitsBy['complaintEvents PutItem complaints/byStatus']).toBeLessThanOrEqual(6);
    expect(profile.lifecycle.storageByteMonths).toBeGreaterThan(0);
    // Stored bytes per table, for the table class each is priced at: both tables keep something.
    const { complaints = 0, state = 0 } = profile.lifecycle.storageByteMonthsBy;
    expect(complaints).toBeGreaterThan(0);
    expect(state).toBeGreaterThan(0);
    expect(complaints + state).toBeCloseTo(profile.lifecycle.storageByteMonths, 6);
    expect(profile.tableClasses).toEqual({ complaints: 'STANDARD', state: 'STANDARD' });
  });

  it('measures logs, metrics, idle schedule runs and one alert', () => {
    // Per-complaint lines are DEBUG: three agent events used to log three INFO lines, intake one beside
    // its EMF line. Below one and two per lifecycle: a transient error's line may still appear under load.
    expect(profile.lifecycle.functions.complaintEvents?.logEvents ?? 0).toBeLessThan(1);
    expect(profile.lifecycle.functions.intake?.logEvents).toBeLessThan(2);
    expect(profile.lifecycle.functions.volumeMonitor?.logBytes).toBeGreaterThan(0);
    expect(profile.customMetrics).toContain('ComplaintPipeline/ComplaintsCounted{service=complaint-pipeline}');
    const scheduled = Object.entries(functions).filter(([, def]) => def.trigger.kind === 'schedule' || def.trigger.kind === 'companySchedule').map(([name]) => name);
    expect(Object.keys(profile.idleRuns).sort()).toEqual(scheduled.sort());
    for (const name of scheduled) expect(profile.idleRuns[name]?.functions[name]?.invocations).toBeCloseTo(1, 9);
    expect(profile.alert.topicPublishes).toBeGreaterThanOrEqual(1);
    expect(profile.alert.emails).toBeGreaterThanOrEqual(1);
  });

  it('keeps idle schedule runs out of the lifecycle: only runs that act on something count there', () => {
    // Between intake and the answer the sweeper and the evaluator run every minute and find nothing to
    // do: none of those runs is in the lifecycle, not even as noise left over from a subtraction.
    for (const name of ['slaSweeper', 'alertEvaluator']) {
      const f = profile.lifecycle.functions[name];
      expect({ name, cpuMs: f?.cpuMs ?? 0, dynamodb: f?.sdkCalls.dynamodb ?? 0 }).toEqual({ name, cpuMs: 0, dynamodb: 0 });
    }
    // The dispatcher's run that sent the survey is (beyond what an idle run costs, which is fixed).
    expect(profile.lifecycle.functions.surveyDispatcher?.sdkCalls.dynamodb).toBeGreaterThan(0);
    const runs = profile.scheduleRuns!;
    expect(runs.slaSweeper).toMatchObject({ acting: 0 });
    expect(runs.alertEvaluator).toMatchObject({ acting: 0 });
    expect(runs.slaSweeper!.idle).toBeGreaterThan(0);
    // One run sent both lifecycles' surveys, or one run each.
    expect(runs.surveyDispatcher!.acting).toBeGreaterThan(0);
    expect(runs.surveyDispatcher!.acting).toBeLessThanOrEqual(1);
    expect(runs.surveyDispatcher!.idle).toBeGreaterThan(runs.surveyDispatcher!.acting);
    // Idle runs are what is priced per run as a fixed cost.
    for (const name of ['slaSweeper', 'alertEvaluator', 'surveyDispatcher']) {
      expect(profile.idleRuns[name]?.functions[name]?.sdkCalls.dynamodb).toBeGreaterThan(0);
      expect(profile.idleRuns[name]?.emails).toBe(0);
      expect(profile.idleRuns[name]?.dynamodb.writeRequests).toBe(0);
    }
  });
});

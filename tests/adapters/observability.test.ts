import { vi } from 'vitest';

// Powertools reads this when the Metrics instance is created, before the imports below run.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { meteredNotifier } from '../../functions/adapters/metered-notifier.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/adapters/metric-names.ts';
import { countMetric, countMetricBy, instrumented, isInstrumented } from '../../functions/adapters/observability.ts';
import type { OutboundMessage } from '../../functions/domain/messages.ts';
import { captureEmf, metricValue } from '../support/emf.ts';

function context(requestId: string): Context {
  return {
    awsRequestId: requestId,
    functionName: 'intake',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:intake',
    memoryLimitInMB: '512',
  } as Context;
}

afterEach(() => vi.restoreAllMocks());

describe('instrumented', () => {
  it('flushes what the invocation counted, plain and per dimension value, into namespace ComplaintPipeline with the service dimension', async () => {
    const handler = instrumented(async () => {
      countMetric('AlertsRaised', 2);
      countMetricBy('ComplaintsReceived', 'refund');
      countMetricBy('ComplaintsReceived', 'refund');
      countMetricBy('ComplaintsReceived', 'other');
      return 'done';
    });
    const emitted = await captureEmf(async () => expect(await handler({}, context('r-1'))).toBe('done'));
    expect(emitted.every((m) => m.namespace === METRICS_NAMESPACE)).toBe(true);
    expect(metricValue(emitted, 'AlertsRaised', { service: METRICS_SERVICE })).toBe(2);
    // Summed per value, one line each, with exactly service + category (no dimension leaks onto other metrics).
    expect(metricValue(emitted, 'ComplaintsReceived', { service: METRICS_SERVICE, category: 'refund' })).toBe(2);
    expect(metricValue(emitted, 'ComplaintsReceived', { service: METRICS_SERVICE, category: 'other' })).toBe(1);
    expect(emitted.filter((m) => m.name === 'AlertsRaised').map((m) => Object.keys(m.dimensions))).toEqual([['service']]);
  });

  it('flushes in a finally: metrics counted before a failure still go out, and the error is rethrown', async () => {
    const handler = instrumented(async () => {
      countMetric('InvalidInboundEvents');
      countMetricBy('MessagesFailed', 'sms');
      throw new Error('boom');
    });
    const emitted = await captureEmf(() => expect(handler({}, context('r-2'))).rejects.toThrow('boom'));
    expect(metricValue(emitted, 'InvalidInboundEvents', { service: METRICS_SERVICE })).toBe(1);
    expect(metricValue(emitted, 'MessagesFailed', { service: METRICS_SERVICE, channel: 'sms' })).toBe(1);
    // Nothing is left over for the next invocation.
    const next = await captureEmf(() => instrumented(async () => undefined)({}, context('r-3')));
    expect(next).toEqual([]);
  });

  it('puts the request id on the invocation\'s log lines and logs the cold start once per container', async () => {
    // A fresh module instance is a fresh container: its first invocation is the cold start.
    vi.resetModules();
    const fresh = await import('../../functions/adapters/observability.ts');
    const addContext = vi.spyOn(fresh.logger, 'addContext');
    const info = vi.spyOn(fresh.logger, 'info');
    const handler = fresh.instrumented(async () => undefined);
    await handler({}, context('r-4'));
    await handler({}, context('r-5'));
    expect(addContext.mock.calls.map(([c]) => (c as Context).awsRequestId)).toEqual(['r-4', 'r-5']);
    expect(info.mock.calls.filter(([message]) => message === 'cold start')).toHaveLength(1);
  });

  it('runs without a Lambda context (the local runtime) and marks what it wrapped', async () => {
    const handler = instrumented(async (event: { n: number }) => event.n + 1);
    expect(await handler({ n: 1 })).toBe(2);
    expect(isInstrumented(handler)).toBe(true);
    expect(isInstrumented(async () => undefined)).toBe(false);
  });
});

describe('meteredNotifier', () => {
  const email: OutboundMessage = { id: 'm1', kind: 'progress', channel: 'email', to: 'a@example.com', subject: 's', text: 't', html: '<p>t</p>' };
  const sms: OutboundMessage = { id: 'm2', kind: 'progress', channel: 'sms', to: '+8613900000000', text: 't' };

  it('counts sent and failed sends per channel and lets the failure through', async () => {
    const notifier = meteredNotifier({
      send: async (m) => {
        if (m.channel === 'sms') throw new Error('SNS throttled');
      },
    });
    const handler = instrumented(async () => {
      await notifier.send(email);
      await notifier.send(email);
      await expect(notifier.send(sms)).rejects.toThrow('SNS throttled');
    });
    const emitted = await captureEmf(() => handler({}, context('r-6')));
    expect(metricValue(emitted, 'MessagesSent', { service: METRICS_SERVICE, channel: 'email' })).toBe(2);
    expect(metricValue(emitted, 'MessagesFailed', { service: METRICS_SERVICE, channel: 'sms' })).toBe(1);
    expect(metricValue(emitted, 'MessagesSent', { service: METRICS_SERVICE, channel: 'sms' })).toBeUndefined();
    // No address or number ever reaches a metric.
    expect(JSON.stringify(emitted)).not.toMatch(/example\.com|\+86/);
  });
});

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsRuntime } from '../../functions/adapters/aws-runtime.ts';
// What the handlers of functions granted publishEvents import: the EventBridge adapter.
import '../../functions/adapters/aws-events.ts';
import { selectedEvents } from '../../functions/adapters/selected-events.ts';
import type { PipelineConfig } from '../../functions/domain/config.ts';
import type { DomainEvent } from '../../functions/domain/events.ts';
import type { EventPublisher } from '../../functions/ports/event-publisher.ts';
import { defaultConfig } from '../fixtures/config.ts';

const received: DomainEvent = { type: 'complaint.received', id: 'c1:t0:received', time: '2026-03-02T01:00:00.000Z', detail: { complaintId: 'c1' } };
const statusChanged: DomainEvent = { type: 'complaint.status_changed', id: 'c1:t3:status', time: '2026-03-02T02:00:00.000Z', detail: { complaintId: 'c1', from: 'in_progress', to: 'resolved' } };
const resolved: DomainEvent = { type: 'complaint.resolved', id: 'c1:t3:resolved', time: '2026-03-02T02:00:00.000Z', detail: { complaintId: 'c1' } };

function recorder(): EventPublisher & { batches: Array<readonly DomainEvent[]> } {
  const batches: Array<readonly DomainEvent[]> = [];
  return { batches, publish: async (events) => void batches.push(events) };
}

describe('selectedEvents', () => {
  it('passes every batch through unchanged with "all"', async () => {
    const inner = recorder();
    expect(selectedEvents(inner, 'all')).toBe(inner);
  });

  it('keeps only the listed types, in order, with their ids and details untouched', async () => {
    const inner = recorder();
    await selectedEvents(inner, ['complaint.resolved', 'complaint.received']).publish([received, statusChanged, resolved]);
    expect(inner.batches).toEqual([[received, resolved]]);
  });

  it('makes no call when nothing in the batch is listed', async () => {
    const inner = recorder();
    const publisher = selectedEvents(inner, ['survey.answered']);
    await publisher.publish([received, statusChanged]);
    await selectedEvents(inner, []).publish([received]);
    expect(inner.batches).toEqual([]);
  });
});

describe('the Lambda runtime publishes what events.publish names', () => {
  const eventBridge = mockClient(EventBridgeClient);
  afterEach(() => {
    eventBridge.reset();
    delete process.env.PIPELINE_CONFIG_INLINE;
  });

  function coldStart(config: PipelineConfig) {
    process.env.PIPELINE_CONFIG_INLINE = JSON.stringify(config);
    return createAwsRuntime({ COMPLAINTS_TABLE: 'complaints-t', STATE_TABLE: 'state-t', EVENT_BUS_NAME: 'bus-t', AWS_REGION: 'eu-west-1' });
  }

  it('puts every type by default', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{}, {}, {}] });
    await coldStart(defaultConfig).events.publish([received, statusChanged, resolved]);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.map((e) => e.DetailType))).toEqual([['complaint.received', 'complaint.status_changed', 'complaint.resolved']]);
  });

  it('puts only the listed types, with the same deterministic ids, and calls PutEvents not at all for none', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{}] });
    await coldStart({ ...defaultConfig, events: { publish: ['complaint.resolved'] } }).events.publish([received, statusChanged, resolved]);
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => [e.DetailType, JSON.parse(e.Detail ?? '{}').eventId])).toEqual([['complaint.resolved', 'c1:t3:resolved']]);

    eventBridge.resetHistory();
    await coldStart({ ...defaultConfig, events: { publish: [] } }).events.publish([received, statusChanged, resolved]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

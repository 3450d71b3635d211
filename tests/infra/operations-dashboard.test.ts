import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_EMAIL_OUTCOMES, MESSAGE_CHANNELS, METRIC_NAMES, METRICS, METRICS_NAMESPACE, METRICS_SERVICE, type MetricName, type MetricSpec } from '../../functions/adapters/metric-names.ts';
import { functions as pipelineFunctions } from '../../functions/pipeline.ts';
import { PROJECT_ROOT, SERVICE_NAME } from '../../lib/house-function.ts';
import { SES_CONFIGURATION_SET_DIMENSION, SES_DASHBOARD_EVENTS } from '../../lib/operations-dashboard.ts';
import { dashboardBody, layoutSvg, shownMetrics, type ShownMetric, type Widget } from './dashboard-body.ts';
import { defaultConfig, logicalIdOf, synthTemplate } from './template-helpers.ts';

/** The TypeScript sources under functions/ (recursively). */
function functionSources(dir = join(PROJECT_ROOT, 'functions')): Array<{ path: string; text: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return functionSources(path);
    return e.name.endsWith('.ts') ? [{ path: relative(PROJECT_ROOT, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

/** Where each metric name is emitted: a `countMetric('Name'` or `countMetricBy('Name'` call in a function source. */
function emittedNames(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const { path, text } of functionSources()) {
    for (const match of text.matchAll(/countMetric(?:By)?\(\s*'([A-Za-z]+)'/g)) found.set(match[1]!, [...(found.get(match[1]!) ?? []), path]);
  }
  return found;
}

describe('operations dashboard', () => {
  let template: Template;
  let widgets: Widget[];
  let shown: ShownMetric[];
  const streamConsumers = Object.entries(pipelineFunctions).filter(([, f]) => f.trigger.kind === 'stream');
  beforeAll(() => {
    template = synthTemplate();
    widgets = dashboardBody(template).widgets;
    shown = shownMetrics(widgets);
  });

  it('has a widget for everything the issue lists, laid out on a 24-column grid without overlaps', () => {
    const titles = widgets.map((w) => w.properties.title);
    for (const title of [
      'Alarms',
      'Complaints received per category',
      'Alert incidents',
      'Messages sent per channel',
      'Messages failed per channel',
      "SES: this stack's emails (configuration set)",
      'SES reputation (account): bounce and complaint rate',
      'Stream consumers: iterator age (max, ms)',
      'On-failure queue: messages waiting',
      'Function errors',
      'Function duration (p99, ms)',
    ]) {
      expect(titles).toContain(title);
    }
    const cells = new Set<string>();
    for (const w of widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++) {
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`), `${w.properties.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('charts complaints received with one line per configured category, exactly as the functions emit it', () => {
    const lines = shown.filter((m) => m.widget === 'Complaints received per category');
    expect(lines.map((m) => m.dimensions)).toEqual(defaultConfig.categories.map((c) => ({ category: c.id, service: METRICS_SERVICE })));
    expect(lines.every((m) => m.namespace === 'ComplaintPipeline' && m.name === 'ComplaintsReceived')).toBe(true);
  });

  it('charts alerts raised, acknowledged, resolved and open, and messages sent and failed per channel', () => {
    expect(shown.filter((m) => m.widget === 'Alert incidents').map((m) => m.name)).toEqual(['AlertsRaised', 'AlertsAcknowledged', 'AlertsResolved', 'AlertIncidentsOpen']);
    for (const [widget, name] of [
      ['Messages sent per channel', 'MessagesSent'],
      ['Messages failed per channel', 'MessagesFailed'],
    ] as const) {
      // Beside what was sent, the receipt SMS the hourly budget kept back (a flood naming new numbers).
      const extra = name === 'MessagesSent' ? [['ReceiptSmsOverBudget', undefined], ['ReceiptEmailOverBudget', undefined]] : [];
      expect(shown.filter((m) => m.widget === widget).map((m) => [m.name, m.dimensions.channel])).toEqual([...MESSAGE_CHANNELS.map((c) => [name, c]), ...extra]);
    }
  });

  it('charts iterator age of exactly the stream consumers, with the alarm threshold, and the on-failure queue', () => {
    const ages = shown.filter((m) => m.name === 'IteratorAge');
    expect(ages).toHaveLength(streamConsumers.length);
    for (const [, def] of streamConsumers) {
      const id = logicalIdOf(template, 'AWS::Lambda::Function', { Description: def.description });
      expect(ages.map((m) => m.dimensions.FunctionName)).toContain(`<${id}>`);
    }
    expect(ages.every((m) => m.namespace === 'AWS/Lambda')).toBe(true);
    const ageWidget = widgets.find((w) => w.properties.title === 'Stream consumers: iterator age (max, ms)')!;
    expect(ageWidget.properties.annotations?.horizontal?.map((a) => a.value)).toEqual([5 * 60_000]);
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86_400 });
    const queue = shown.filter((m) => m.namespace === 'AWS/SQS');
    expect(queue.map((m) => [m.name, m.dimensions.QueueName])).toEqual([
      ['ApproximateNumberOfMessagesVisible', `<${queueId}>`],
      ['ApproximateAgeOfOldestMessage', `<${queueId}>`],
    ]);
  });

  it('charts errors and p99 duration of every deployed function', () => {
    const deployed = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.anyValue() } }));
    for (const [metric, widget] of [
      ['Errors', 'Function errors'],
      ['Duration', 'Function duration (p99, ms)'],
    ] as const) {
      const ids = shown.filter((m) => m.widget === widget && m.name === metric).map((m) => m.dimensions.FunctionName);
      expect(new Set(ids)).toEqual(new Set(deployed.map((id) => `<${id}>`)));
    }
  });

  it('publishes the configuration set\'s sending events to CloudWatch and charts bounces and complaints of that set', () => {
    const setId = logicalIdOf(template, 'AWS::SES::ConfigurationSet', { ReputationOptions: { ReputationMetricsEnabled: true } });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: setId },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['send', 'bounce', 'complaint']),
        CloudWatchDestination: {
          DimensionConfigurations: [{ DimensionName: SES_CONFIGURATION_SET_DIMENSION, DimensionValueSource: 'messageTag', DefaultDimensionValue: { Ref: setId } }],
        },
      },
    });
    const ses = shown.filter((m) => m.widget === "SES: this stack's emails (configuration set)");
    expect(ses.map((m) => [m.namespace, m.name, m.dimensions])).toEqual(SES_DASHBOARD_EVENTS.map((e) => ['AWS/SES', e, { [SES_CONFIGURATION_SET_DIMENSION]: `<${setId}>` }]));
    expect(shown.filter((m) => m.name.startsWith('Reputation.')).map((m) => [m.namespace, m.name, m.dimensions])).toEqual([
      ['AWS/SES', 'Reputation.BounceRate', {}],
      ['AWS/SES', 'Reputation.ComplaintRate', {}],
    ]);
  });

  it('matches the layout picture in docs/ (regenerated into test-artifacts/dashboard-layout.svg)', () => {
    const svg = layoutSvg(widgets);
    mkdirSync(join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(join(PROJECT_ROOT, 'test-artifacts', 'dashboard-layout.svg'), svg);
    const committed = readFileSync(join(PROJECT_ROOT, 'docs', 'dashboard-layout.svg'), 'utf8');
    expect(committed, 'the dashboard changed: copy test-artifacts/dashboard-layout.svg to docs/').toBe(svg);
  });

  it('shows the state of every alarm of the stack', () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    const widget = widgets.find((w) => w.type === 'alarm')!;
    expect(new Set(widget.properties.alarms)).toEqual(new Set(alarmIds.map((id) => `<${id}>`)));
  });
});

describe('cross-check: every custom metric a widget shows is listed and emitted', () => {
  let shown: ShownMetric[];
  const emitted = emittedNames();
  beforeAll(() => {
    shown = shownMetrics(dashboardBody(synthTemplate()).widgets).filter((m) => m.namespace === METRICS_NAMESPACE);
  });

  it('the dashboard shows custom metrics', () => {
    expect(shown.length).toBeGreaterThan(10);
  });

  it('every custom metric on the dashboard is in metric-names.ts, with service and exactly its own dimension and a known value', () => {
    const allowed: Record<string, readonly string[]> = {
      category: defaultConfig.categories.map((c) => c.id),
      channel: MESSAGE_CHANNELS,
      outcome: INBOUND_EMAIL_OUTCOMES,
    };
    for (const m of shown) {
      expect(METRIC_NAMES, `${m.name} (widget '${m.widget}') is not in functions/adapters/metric-names.ts`).toContain(m.name);
      const spec: MetricSpec = METRICS[m.name as MetricName];
      expect(Object.keys(m.dimensions).sort()).toEqual(['service', ...(spec.dimension ? [spec.dimension] : [])].sort());
      expect(m.dimensions.service).toBe(METRICS_SERVICE);
      if (spec.dimension) expect(allowed[spec.dimension]).toContain(m.dimensions[spec.dimension]);
    }
  });

  it('every listed metric, and so every one on the dashboard, is emitted by some function through countMetric/countMetricBy', () => {
    const missing = METRIC_NAMES.filter((name) => !emitted.has(name));
    expect(missing, 'listed in metric-names.ts but emitted nowhere in functions/').toEqual([]);
    const unlisted = [...emitted.keys()].filter((name) => !(METRIC_NAMES as string[]).includes(name));
    expect(unlisted, 'emitted but not listed').toEqual([]);
    for (const m of shown) expect(emitted.get(m.name)?.length, m.name).toBeGreaterThan(0);
  });

  it('metrics are emitted only through observability.ts, so the scan above sees every emission', () => {
    const raw = functionSources().filter((s) => s.path !== join('functions', 'adapters', 'observability.ts') && /\.addMetric\(|publishStoredMetrics\(|singleMetric\(/.test(s.text));
    expect(raw.map((s) => s.path)).toEqual([]);
  });

  it('the metrics service dimension is the functions\' Powertools service name', () => {
    expect(METRICS_SERVICE).toBe(SERVICE_NAME);
  });
});

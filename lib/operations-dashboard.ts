import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  type HorizontalAnnotation,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CloudWatchDimensionSource, EmailSendingEvent, EventDestination, type ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  INBOUND_EMAIL_OUTCOMES,
  MESSAGE_CHANNELS,
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type DimensionedMetricName,
  type MetricSpec,
  type PlainMetricName,
} from '../functions/adapters/metric-names.ts';
import type { PipelineConfig } from '../functions/domain/config.ts';
import type { FunctionDefinition } from '../functions/pipeline.ts';

/** The SES auto-tag naming the configuration set a message went through, used as the CloudWatch dimension. */
export const SES_CONFIGURATION_SET_DIMENSION = 'ses:configuration-set';

/** SES sending events the configuration set publishes to CloudWatch (AWS/SES, per configuration set). */
export const SES_DASHBOARD_EVENTS = ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject'] as const;

/** Properties of the {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  /** The deployed config: its categories become one line each. */
  readonly config: PipelineConfig;
  /** The deployed functions by their name in `functions/pipeline.ts`. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Their definitions (which ones consume a stream). */
  readonly definitions: Readonly<Record<string, FunctionDefinition>>;
  /** Where stream records and scheduled events go after their retries. */
  readonly onFailureQueue: IQueue;
  /**
   * The configuration set every email is sent with. The dashboard adds it a CloudWatch event
   * destination, so SES publishes its sends, deliveries, bounces, complaints and rejects per
   * configuration set (SES only publishes account-wide counts otherwise).
   */
  readonly configurationSet: ConfigurationSet;
  /** The iterator age at which the stream consumers' alarms fire, drawn as a line on their widget. */
  readonly iteratorAgeAlarmThreshold: Duration;
  /**
   * The period each point of the graphs sums or aggregates.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * The operations team's CloudWatch dashboard, one screen: alarm states; complaints received per
 * category; alert incidents raised, acknowledged and resolved; messages sent and failed per channel;
 * SES sends, bounces and complaints of this stack's configuration set and the account's reputation;
 * stream iterator age; the on-failure queue; function errors and durations; rejected inputs and SLA
 * sweeps. Custom metrics are read from `functions/adapters/metric-names.ts` with exactly the
 * namespace and dimensions the functions emit (Powertools EMF: namespace `ComplaintPipeline`,
 * dimension `service` on every metric, plus the metric's own dimension). The README's "Dashboard"
 * section says what each widget means and what to do when it looks wrong.
 */
export class OperationsDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: Dashboard;

  private readonly period: Duration;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.period = props.period ?? Duration.minutes(5);

    props.configurationSet.addEventDestination('CloudWatchMetrics', {
      destination: EventDestination.cloudWatchDimensions([
        // The auto-tag as the dimension name, the set's own name as its value: every message sent
        // through this set is counted under it (the SES documentation's way to publish per set).
        { name: SES_CONFIGURATION_SET_DIMENSION, source: CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: props.configurationSet.configurationSetName },
      ]),
      events: [EmailSendingEvent.SEND, EmailSendingEvent.DELIVERY, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT],
    });

    const deployed = Object.entries(props.functions).sort(([a], [b]) => a.localeCompare(b));
    const streamConsumers = deployed.filter(([name]) => props.definitions[name]?.trigger.kind === 'stream');
    // The stack's alarms exist by now (they are created with the functions and the queue).
    const alarms = Stack.of(this)
      .node.findAll()
      .filter((c): c is Alarm => c instanceof Alarm);

    const widgets: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            '## Complaint pipeline: operations\nEvery graph sums or aggregates 5-minute periods. What each widget means and what to do when it looks wrong: README, "Dashboard" under the operations runbook.',
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: Math.min(6, Math.max(2, 1 + Math.ceil(alarms.length / 6))) })],
      [
        this.graph('Complaints received per category', props.config.categories.map((c) => this.custom('ComplaintsReceived', c.id, { label: c.id })), { stacked: true }),
        this.graph(
          'Alert incidents',
          [this.custom('AlertsRaised', { label: 'raised' }), this.custom('AlertsAcknowledged', { label: 'acknowledged' }), this.custom('AlertsResolved', { label: 'resolved' })],
          { right: [this.custom('AlertIncidentsOpen', { label: 'open (right)', statistic: 'Maximum' })] },
        ),
      ],
      [
        this.graph('Messages sent per channel', [
          ...MESSAGE_CHANNELS.map((ch) => this.custom('MessagesSent', ch, { label: ch })),
          // Not sent: a flood of intakes naming new numbers spent the hour's receipt SMS budget.
          this.custom('ReceiptSmsOverBudget', { label: 'receipt SMS over budget (not sent)' }),
          // And receipt emails over theirs (made-up addresses bounce; a high bounce rate pauses SES).
          this.custom('ReceiptEmailOverBudget', { label: 'receipt emails over budget (not sent)' }),
        ]),
        this.graph('Messages failed per channel', MESSAGE_CHANNELS.map((ch) => this.custom('MessagesFailed', ch, { label: ch }))),
      ],
      [
        this.graph(
          'SES: this stack\'s emails (configuration set)',
          SES_DASHBOARD_EVENTS.map(
            (event) =>
              new Metric({
                namespace: 'AWS/SES',
                metricName: event,
                dimensionsMap: { [SES_CONFIGURATION_SET_DIMENSION]: props.configurationSet.configurationSetName },
                statistic: 'Sum',
                period: this.period,
                label: event.toLowerCase(),
              }),
          ),
        ),
        this.graph(
          'SES reputation (account): bounce and complaint rate',
          [new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', statistic: 'Maximum', period: this.period, label: 'bounce rate' })],
          {
            right: [new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', statistic: 'Maximum', period: this.period, label: 'complaint rate (right)' })],
            // SES reviews an account at a 5% bounce rate and at a 0.1% complaint rate.
            leftAnnotations: [{ value: 0.05, label: 'SES review: bounces 5%' }],
            rightAnnotations: [{ value: 0.001, label: 'SES review: complaints 0.1%' }],
          },
        ),
      ],
      [
        this.graph(
          'Stream consumers: iterator age (max, ms)',
          streamConsumers.map(([name, fn]) => fn.metric('IteratorAge', { statistic: 'Maximum', period: this.period, label: name })),
          { leftAnnotations: [{ value: props.iteratorAgeAlarmThreshold.toMilliseconds(), label: 'alarm' }] },
        ),
        this.graph(
          'On-failure queue: messages waiting',
          [props.onFailureQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: this.period, label: 'visible' })],
          { right: [props.onFailureQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: this.period, label: 'oldest age, s (right)' })] },
        ),
      ],
      [
        this.graph('Function errors', deployed.map(([name, fn]) => fn.metricErrors({ statistic: 'Sum', period: this.period, label: name }))),
        this.graph('Function duration (p99, ms)', deployed.map(([name, fn]) => fn.metricDuration({ statistic: 'p99', period: this.period, label: name }))),
      ],
      [
        this.graph(
          'Complaints received vs counted by the volume monitor',
          [
            new MathExpression({
              expression: props.config.categories.map((_, i) => `FILL(r${i}, 0)`).join(' + '),
              usingMetrics: Object.fromEntries(props.config.categories.map((c, i) => [`r${i}`, this.custom('ComplaintsReceived', c.id)])),
              period: this.period,
              label: 'received',
            }),
            this.custom('ComplaintsCounted', { label: 'counted' }),
          ],
          { width: 8 },
        ),
        this.graph(
          'Inputs refused (to the on-failure queue), stored complaints left out',
          [
            this.custom('InvalidStreamRecords', { label: 'stream records' }),
            this.custom('InvalidInboundEvents', { label: 'SES receipt events' }),
            this.custom('UnreadableItems', { label: 'unreadable complaints left out' }),
          ],
          { width: 8 },
        ),
        this.graph(
          'SLA sweeps, surveys and replies',
          [
            this.custom('SlaWarnings', { label: 'SLA warnings' }),
            this.custom('SlaEscalations', { label: 'SLA escalations' }),
            this.custom('SlaSmsHeld', { label: 'SLA SMS held (quiet hours)' }),
            this.custom('SlaSmsOverCeiling', { label: 'SLA SMS over ceiling' }),
            this.custom('SurveysSent', { label: 'surveys sent' }),
            this.custom('WebReplies', { label: 'replies from reply links' }),
          ],
          { width: 8 },
        ),
      ],
      ...(props.config.inbound ? [[this.graph('Inbound email outcomes', INBOUND_EMAIL_OUTCOMES.map((o) => this.custom('InboundEmails', o, { label: o })), { width: 24 })]] : []),
    ];

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(12),
      widgets,
    });
    new CfnOutput(Stack.of(this), 'OperationsDashboardName', {
      value: this.dashboard.dashboardName,
      description: 'The operations dashboard (CloudWatch > Dashboards); README "Dashboard" explains each widget.',
    });
  }

  /**
   * A custom metric exactly as the functions emit it: namespace, `service` and, for a dimensioned
   * metric, its one dimension with `value`.
   */
  private custom(name: PlainMetricName, options?: { label?: string; statistic?: string }): Metric;
  private custom(name: DimensionedMetricName, value: string, options?: { label?: string; statistic?: string }): Metric;
  private custom(name: PlainMetricName | DimensionedMetricName, second?: string | { label?: string; statistic?: string }, third?: { label?: string; statistic?: string }): Metric {
    const spec: MetricSpec = METRICS[name];
    const value = typeof second === 'string' ? second : undefined;
    const options = (typeof second === 'string' ? third : second) ?? {};
    if ((spec.dimension === undefined) !== (value === undefined)) throw new Error(`metric '${name}' is emitted ${spec.dimension ? `with the dimension '${spec.dimension}'` : 'without a dimension'}`);
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: METRICS_SERVICE, ...(spec.dimension && value !== undefined && { [spec.dimension]: value }) },
      statistic: options.statistic ?? 'Sum',
      period: this.period,
      ...(options.label && { label: options.label }),
    });
  }

  private graph(
    title: string,
    left: IMetric[],
    options: { right?: IMetric[]; stacked?: boolean; width?: number; leftAnnotations?: HorizontalAnnotation[]; rightAnnotations?: HorizontalAnnotation[] } = {},
  ): GraphWidget {
    return new GraphWidget({
      title,
      left,
      ...(options.right && { right: options.right }),
      ...(options.leftAnnotations && { leftAnnotations: options.leftAnnotations }),
      ...(options.rightAnnotations && { rightAnnotations: options.rightAnnotations }),
      stacked: options.stacked ?? false,
      width: options.width ?? 12,
      height: 6,
      period: this.period,
      leftYAxis: { min: 0 },
      ...(options.right && { rightYAxis: { min: 0 } }),
    });
  }
}

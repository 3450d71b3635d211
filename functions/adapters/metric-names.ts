/**
 * Every custom metric the functions emit, listed once. Functions emit them through
 * `countMetric` in `observability.ts` (namespace `ComplaintPipeline`, dimension `service` on every
 * metric); the operations dashboard (lib/operations-dashboard.ts) charts them by these names and
 * dimensions, and a test checks that every metric a widget shows is listed here and emitted.
 *
 * Dimensions are kept to values known at deploy time: a configured category id, a message channel,
 * an inbound-mail outcome. Never an id, an address or anything a customer typed: each distinct
 * dimension value is a billed metric, and dimensions are not personal data's place.
 *
 * Nothing here imports Powertools or the AWS SDK, so the CDK code can read it without pulling the
 * function runtime in.
 */

/** The CloudWatch namespace of every custom metric. */
export const METRICS_NAMESPACE = 'ComplaintPipeline';

/** The `service` dimension every custom metric carries (Powertools adds it; the same service name as the logs). */
export const METRICS_SERVICE = 'complaint-pipeline';

/** Dimensions a metric may carry besides `service`. */
export type MetricDimension = 'category' | 'channel' | 'outcome';

/**
 * How one metric is emitted. What it counts is the comment on its name below: a comment, not a
 * string, so the functions' bundles do not carry the prose.
 */
export interface MetricSpec {
  /** The dimension it is emitted with (besides `service`), if any. */
  readonly dimension?: MetricDimension;
}

/** The custom metrics, by name (their CloudWatch metric name). */
export const METRICS = {
  /** A new complaint was stored (HTTP intake or an email to the complaints address); repeats of an externalId or Message-ID are not counted. */
  ComplaintsReceived: { dimension: 'category' },
  /** New complaints the volume monitor counted from the stream (once each, whatever the retries). */
  ComplaintsCounted: {},
  /** Stream records the volume monitor could not parse; they go to the on-failure queue. */
  InvalidStreamRecords: {},
  /** Stored complaints a listing or a due-index read (SLA sweep, survey dispatch) left out because they do not match the schema; each is logged with its id. Alarms at one. */
  UnreadableItems: {},
  /** Alert incidents the volume monitor opened (a category breached its threshold or detector). */
  AlertsRaised: {},
  /** Alert incidents a person acknowledged (the link in the alert, or the console). */
  AlertsAcknowledged: {},
  /** Alert incidents the alert evaluator closed with an all-clear. */
  AlertsResolved: {},
  /** Incidents still open or acknowledged at the alert evaluator run (a gauge, every five minutes). */
  AlertIncidentsOpen: {},
  /** Emails (SES), SMS to phones and department topic publications (SNS) accepted by the service. */
  MessagesSent: { dimension: 'channel' },
  /** Send attempts SES or SNS refused or that failed in transit; the delivery is retried. */
  MessagesFailed: { dimension: 'channel' },
  /** SLA warnings (75% of a target) sent by a sweep. */
  SlaWarnings: {},
  /** SLA escalations (a target passed) sent by a sweep. */
  SlaEscalations: {},
  /** SLA SMS held for quiet hours by a sweep. */
  SlaSmsHeld: {},
  /** SLA SMS not sent because a person reached the hourly SMS ceiling. */
  SlaSmsOverCeiling: {},
  /** Receipt emails intake withheld because the hourly company-wide receipt email budget (protection.receiptEmailsPerHour) was spent. */
  ReceiptEmailOverBudget: {},
  /** Receipt SMS intake withheld because the hourly company-wide receipt SMS budget (protection.receiptSmsPerHour) was spent. */
  ReceiptSmsOverBudget: {},
  /** Satisfaction surveys the dispatcher sent. */
  SurveysSent: {},
  /** Replies customers sent from the reply link of an SMS ("waiting on you" or "resolved") and the reply page recorded (once per link). */
  WebReplies: {},
  /** Weekly management digests emailed (one per recipient per week). */
  DigestsSent: {},
  /** Emails to the complaints address, by what became of them. */
  InboundEmails: { dimension: 'outcome' },
  /** SES receipt events the inbound-mail function could not read; they go to the on-failure queue. */
  InvalidInboundEvents: {},
} as const satisfies Record<string, MetricSpec>;

/** A custom metric's name. */
export type MetricName = keyof typeof METRICS;

/** The metrics emitted without a dimension (only `service`). */
export type PlainMetricName = { [N in MetricName]: (typeof METRICS)[N] extends { dimension: MetricDimension } ? never : N }[MetricName];

/** The metrics emitted with one dimension. */
export type DimensionedMetricName = Exclude<MetricName, PlainMetricName>;

/** Every metric name, in the order above. */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** Channel dimension values of `MessagesSent` / `MessagesFailed` (the outbound message channels). */
export const MESSAGE_CHANNELS = ['email', 'sms', 'topic'] as const;

/** Outcome dimension values of `InboundEmails` (the outcomes of taking in one email). */
export const INBOUND_EMAIL_OUTCOMES = ['created', 'duplicate', 'replied', 'ignored', 'quarantined', 'rejected'] as const;

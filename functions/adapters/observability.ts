import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRICS, METRICS_NAMESPACE, METRICS_SERVICE, type DimensionedMetricName, type MetricDimension, type PlainMetricName } from './metric-names.ts';

/** One service name for every function's logs and metrics (the `service` dimension of every metric). */
export const SERVICE_NAME = METRICS_SERVICE;

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ serviceName: SERVICE_NAME, namespace: METRICS_NAMESPACE });

/**
 * Counts of dimensioned metrics, summed per dimension value until the invocation ends. Powertools
 * puts every buffered metric under every dimension of the buffer, so a metric with its own
 * dimension must go out as a single metric: one EMF line per distinct value and invocation,
 * written by `flushMetrics`.
 */
const dimensioned = new Map<string, { name: DimensionedMetricName; dimension: MetricDimension; value: string; count: number }>();

/**
 * Adds `value` to a metric without a dimension of its own (only `service`).
 * @param value how many; 0 is emitted too, so a graph shows a quiet period as 0 rather than a gap
 */
export function countMetric(name: PlainMetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Adds `value` to a metric for one value of its dimension (`METRICS[name].dimension`). The value must
 * come from a bounded, deploy-time set (a configured category, a channel, an outcome): never an id
 * or anything a person typed.
 */
export function countMetricBy(name: DimensionedMetricName, dimensionValue: string, value = 1): void {
  const dimension = METRICS[name].dimension;
  const key = `${name}\u0000${dimensionValue}`;
  const entry = dimensioned.get(key);
  if (entry) entry.count += value;
  else dimensioned.set(key, { name, dimension, value: dimensionValue, count: value });
}

/** Writes every metric counted so far (EMF on stdout) and empties the buffers. */
export function flushMetrics(): void {
  try {
    for (const { name, dimension, value, count } of dimensioned.values()) {
      const single = metrics.singleMetric();
      single.addDimension(dimension, value);
      single.addMetric(name, MetricUnit.Count, count);
    }
  } finally {
    dimensioned.clear();
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}

const INSTRUMENTED = Symbol.for('complaint-pipeline.instrumented');

/** Whether `handler` was made by {@link instrumented} (a test checks every deployed handler is). */
export function isInstrumented(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[INSTRUMENTED] === true;
}

/**
 * The one wrapper around every Lambda handler (the Powertools `injectLambdaContext` and `logMetrics`
 * middlewares, without middy): every log line of the invocation carries the request id, function
 * name and whether it is a cold start; a cold start is logged once; an error that escapes is logged
 * with the request id and rethrown; and the metrics counted during the invocation are flushed in a
 * `finally`, whatever happened. Locally a handler may be called without a context: then only the
 * flush applies.
 */
export function instrumented<E, R>(run: (event: E, context: Context | undefined) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  const wrapped = async (event: E, context?: Context): Promise<R> => {
    if (context) {
      logger.addContext(context);
      if (coldStart) logger.info('cold start');
      coldStart = false;
    }
    try {
      return await run(event, context);
    } catch (err) {
      logger.error('invocation failed', { error: err as Error });
      throw err;
    } finally {
      flushMetrics();
    }
  };
  Object.defineProperty(wrapped, INSTRUMENTED, { value: true });
  return wrapped;
}

/** True until the first invocation of this container (module instance) has started. */
let coldStart = true;

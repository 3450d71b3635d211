import { vi } from 'vitest';

/** One metric as an EMF line carried it: namespace, dimensions (name → value) and value. */
export interface EmittedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Captures the EMF lines Powertools Metrics writes to stdout while `run` runs and returns every metric
 * in them (a `run` expected to fail should assert that itself, e.g. with `expect(...).rejects`). Metrics must be enabled for the test file: Powertools reads `POWERTOOLS_METRICS_DISABLED`
 * when the Metrics instance is created, so set it to 'false' in `vi.hoisted` before the handler
 * modules are imported (the suite's default is 'true').
 */
export async function captureEmf(run: () => Promise<unknown>): Promise<EmittedMetric[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('"_aws"')) {
      lines.push(...text.split('\n').filter((l) => l.trim()));
      return true;
    }
    return write(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write);
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap(parseEmf);
}

/** The metrics of one EMF line (each metric under each of its dimension sets). */
export function parseEmf(line: string): EmittedMetric[] {
  const doc = JSON.parse(line) as Record<string, unknown> & {
    _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  };
  return doc._aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.flatMap((m) =>
      directive.Dimensions.map((set) => ({
        namespace: directive.Namespace,
        name: m.Name,
        dimensions: Object.fromEntries(set.map((d) => [d, String(doc[d])])),
        value: Number(doc[m.Name]),
      })),
    ),
  );
}

/** The summed value of `name` with exactly these dimensions among `emitted` (undefined when none). */
export function metricValue(emitted: readonly EmittedMetric[], name: string, dimensions: Readonly<Record<string, string>>): number | undefined {
  const matching = emitted.filter(
    (m) => m.name === name && Object.keys(m.dimensions).length === Object.keys(dimensions).length && Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v),
  );
  return matching.length ? matching.reduce((sum, m) => sum + m.value, 0) : undefined;
}

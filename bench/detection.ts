import { evaluateDetector, type EvaluationResult } from '../functions/domain/detection-evaluation.ts';
import type { RobustParameters } from '../functions/domain/multi-scale.ts';

export interface DetectionBenchResult {
  bench: 'detection';
  cadence: 'day' | 'hour';
  /** Median and 90th percentile detection delay in days per surge shape (0: the same day). */
  delays: Record<string, { median: number; p90: number; detected: string }>;
  quietMonths: number;
  falseAlarmsPerMonth: number;
  budget: number;
}

const PARAMS: RobustParameters = { falseAlarmsPerMonth: 0.5, minCount: 5, minWeeks: 3, historyWeeks: 12, shortWindowMinutes: 60, slidingShort: false };

function summarise(r: EvaluationResult): DetectionBenchResult {
  return {
    bench: 'detection',
    cadence: r.cadence,
    delays: Object.fromEntries(r.shapes.map((s) => [s.shape, { median: s.medianDelayDays, p90: s.p90DelayDays, detected: `${s.detected}/${s.replicates}` }])),
    quietMonths: Math.round(r.quietMonths),
    falseAlarmsPerMonth: Math.round(r.falseAlarmsPerMonth * 1000) / 1000,
    budget: r.budget,
  };
}

/**
 * The multi-scale detector on synthetic series with known rates (the same generator and walk as
 * tests/domain/multi-scale.test.ts, with more replicates): detection delay per surge shape and the
 * false-alarm rate on surge-free stretches, at day and at hour cadence. Counts, not timings.
 */
export async function benchDetection(log: (line: string) => void): Promise<DetectionBenchResult[]> {
  const out: DetectionBenchResult[] = [];
  for (const plan of [
    { cadence: 'day' as const, seed: 1, surgeReplicates: 60, quietReplicates: 30, quietDays: 360, perDay: [5, 20, 80] },
    { cadence: 'hour' as const, seed: 1, surgeReplicates: 12, quietReplicates: 24, quietDays: 120, perDay: [24, 96] },
  ]) {
    const r = summarise(evaluateDetector({ ...plan, params: PARAMS }));
    const delays = Object.entries(r.delays).map(([shape, d]) => `${shape} median ${d.median} d, p90 ${d.p90} d (${d.detected})`);
    log(`detection (${r.cadence}): ${delays.join('; ')}; false alarms ${r.falseAlarmsPerMonth}/category-month over ${r.quietMonths} surge-free months (budget ${r.budget})`);
    out.push(r);
  }
  return out;
}

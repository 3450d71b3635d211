import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { addBusinessTime, businessTimeBetween, uncachedBusinessTime } from '../functions/domain/business-time.ts';
import type { BusinessHours, PipelineConfig } from '../functions/domain/config.ts';
import { seededRandom } from '../functions/domain/random.ts';
import { HOUR_MS } from '../functions/domain/time.ts';

/** Complaints per run: a busy sweep's worth. */
const COMPLAINTS = 2_000;
/** Receipts spread over 30 days before this instant (inside the schedule's covered dates). */
const END = Date.parse('2026-10-15T00:00:00.000Z');
const SPAN_MS = 30 * 24 * HOUR_MS;

type BusinessTime = Pick<typeof uncachedBusinessTime, 'addBusinessTime' | 'businessTimeBetween'>;

/**
 * What the SLA code computes per complaint with a calendar: first response and resolution due
 * times and the warning (slaDueTimes), the resolution phase's span (enterResolutionPhase) and the
 * first escalation after the due time (escalationTime).
 */
function slaTimes(fns: BusinessTime, receivedAt: Date, calendar: BusinessHours, config: PipelineConfig): string[] {
  const target = config.sla.medium;
  const firstResponse = fns.addBusinessTime(receivedAt, target.firstResponseHours * HOUR_MS, calendar);
  const resolution = fns.addBusinessTime(receivedAt, target.resolutionHours * HOUR_MS, calendar);
  const warn = fns.addBusinessTime(receivedAt, Math.round(target.firstResponseHours * HOUR_MS * config.slaPolicy.warningFraction), calendar);
  const span = fns.businessTimeBetween(firstResponse, resolution, calendar);
  const escalation = fns.addBusinessTime(firstResponse, config.slaPolicy.escalationIntervalMinutes * 60_000, calendar);
  return [firstResponse.toISOString(), resolution.toISOString(), warn.toISOString(), String(span), escalation.toISOString()];
}

export interface SlaCacheBenchResult {
  bench: 'sla-cache';
  complaints: number;
  /** CPU milliseconds per complaint, computed from scratch (day by day with Intl) and with the cache. */
  uncachedMsPerComplaint: number;
  cachedMsPerComplaint: number;
  /** How many times faster the cached computation is, in the same run. */
  ratio: number;
  /** Complaints whose cached and uncached answers differ (must be 0). */
  mismatches: number;
}

/**
 * The SLA computation for 2,000 complaints on the shipped cn-mainland office calendar, uncached
 * and cached (starting from an empty cache: the first complaints fill it), in CPU time, with every
 * answer compared.
 */
export async function benchSlaCache(log: (line: string) => void): Promise<SlaCacheBenchResult> {
  const config = loadConfigFile();
  const shipped = config.departments.find((d) => d.businessHours?.holidaySchedule)?.businessHours;
  if (!shipped) throw new Error('the bench needs a department whose calendar follows a holiday schedule');
  const random = seededRandom(15);
  const receipts = Array.from({ length: COMPLAINTS }, () => new Date(END - Math.floor(random() * SPAN_MS)));
  const cpuMs = (run: () => void) => {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  let uncached: string[][] = [];
  let cached: string[][] = [];
  const uncachedMs = cpuMs(() => {
    uncached = receipts.map((t) => slaTimes(uncachedBusinessTime, t, shipped, config));
  });
  // A copy of the calendar: a fresh cache, so filling it is part of the measurement.
  const calendar: BusinessHours = structuredClone(shipped);
  const cachedMs = cpuMs(() => {
    cached = receipts.map((t) => slaTimes({ addBusinessTime, businessTimeBetween }, t, calendar, config));
  });
  const mismatches = receipts.filter((_, i) => uncached[i]!.join() !== cached[i]!.join()).length;
  const result: SlaCacheBenchResult = {
    bench: 'sla-cache',
    complaints: COMPLAINTS,
    uncachedMsPerComplaint: Math.round((uncachedMs / COMPLAINTS) * 1000) / 1000,
    cachedMsPerComplaint: Math.round((cachedMs / COMPLAINTS) * 1000) / 1000,
    ratio: Math.round((uncachedMs / cachedMs) * 10) / 10,
    mismatches,
  };
  log(
    `sla cache: ${COMPLAINTS} complaints on the cn-mainland calendar: ${result.uncachedMsPerComplaint} ms CPU each uncached, ` +
      `${result.cachedMsPerComplaint} ms cached → ${result.ratio}× faster, ${mismatches} differing answers`,
  );
  if (mismatches > 0) throw new Error(`${mismatches} complaints got different SLA times from the cache`);
  return result;
}

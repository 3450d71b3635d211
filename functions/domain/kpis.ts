import type { Complaint } from './complaint.ts';

/** The fields of a complaint the KPIs read (a projection: no personal data). */
export type KpiComplaint = Pick<
  Complaint,
  | 'id'
  | 'department'
  | 'category'
  | 'receivedAt'
  | 'firstResponseDueAt'
  | 'resolutionDueAt'
  | 'firstRespondedAt'
  | 'resolvedAt'
  | 'firstContactResolution'
  | 'escalationLevel'
  | 'repeatOf'
>;

export interface KpiFigures {
  readonly received: number;
  /** Median minutes from receipt to first response, over the complaints responded to. */
  readonly firstResponseMedianMinutes: number | null;
  /** Share of first responses on time, counting complaints still unanswered past their due time as late. */
  readonly firstResponseOnTimeRate: number | null;
  readonly resolved: number;
  /** Share of resolutions on time, counting unresolved complaints past their due time as late. */
  readonly resolutionOnTimeRate: number | null;
  /** Share of resolved complaints the agent marked as solved in the first contact. */
  readonly firstContactResolutionRate: number | null;
  /** Share of complaints that escalated at least one level. */
  readonly escalationRate: number | null;
  /** Share of complaints that repeat an earlier one (same customer and category within the window). */
  readonly repeatRate: number | null;
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

/** The median of `values` to one decimal, null for none (KPI durations: first response, time to acknowledge). */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(m * 10) / 10;
}

/** KPI figures for a set of complaints, judged at `now` (what is not done yet but past due is late). */
export function kpiFigures(complaints: readonly KpiComplaint[], now: Date): KpiFigures {
  const t = now.getTime();
  const responded = complaints.filter((c) => c.firstRespondedAt);
  const responseLate = (c: KpiComplaint) => (c.firstRespondedAt ? c.firstRespondedAt > c.firstResponseDueAt : Date.parse(c.firstResponseDueAt) < t);
  const responseJudged = complaints.filter((c) => c.firstRespondedAt || Date.parse(c.firstResponseDueAt) < t);
  const resolved = complaints.filter((c) => c.resolvedAt);
  const resolutionJudged = complaints.filter((c) => c.resolvedAt || Date.parse(c.resolutionDueAt) < t);
  const resolutionLate = (c: KpiComplaint) => (c.resolvedAt ? c.resolvedAt > c.resolutionDueAt : true);
  const fcrKnown = resolved.filter((c) => c.firstContactResolution !== undefined);
  return {
    received: complaints.length,
    firstResponseMedianMinutes: median(responded.map((c) => (Date.parse(c.firstRespondedAt!) - Date.parse(c.receivedAt)) / 60_000)),
    firstResponseOnTimeRate: ratio(responseJudged.filter((c) => !responseLate(c)).length, responseJudged.length),
    resolved: resolved.length,
    resolutionOnTimeRate: ratio(resolutionJudged.filter((c) => !resolutionLate(c)).length, resolutionJudged.length),
    firstContactResolutionRate: ratio(fcrKnown.filter((c) => c.firstContactResolution).length, fcrKnown.length),
    escalationRate: ratio(complaints.filter((c) => c.escalationLevel > 0).length, complaints.length),
    repeatRate: ratio(complaints.filter((c) => c.repeatOf).length, complaints.length),
  };
}

function groupBy(complaints: readonly KpiComplaint[], key: (c: KpiComplaint) => string, now: Date): Record<string, KpiFigures> {
  const groups = new Map<string, KpiComplaint[]>();
  for (const c of complaints) groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, kpiFigures(v, now)]));
}

/** KPIs of the complaints received in `[from, to)`, overall, per department and per category. */
export function kpiReport(complaints: readonly KpiComplaint[], from: Date, to: Date, now: Date) {
  const inRange = complaints.filter((c) => c.receivedAt >= from.toISOString() && c.receivedAt < to.toISOString());
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    at: now.toISOString(),
    total: kpiFigures(inRange, now),
    byDepartment: groupBy(inRange, (c) => c.department, now),
    byCategory: groupBy(inRange, (c) => c.category, now),
  };
}
export type KpiReport = ReturnType<typeof kpiReport>;

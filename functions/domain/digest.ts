/**
 * The weekly management digest's figures: last week against the week before, weeks bounded at
 * Monday 00:00 in the company's time zone. Every complaint and survey figure comes from the KPI and
 * CSAT formulas the reports use (`kpiReport`, `csatReport`), so the digest and `/reports/kpis` can
 * never disagree about the same week. Pure: the time is a parameter.
 */
import type { AlertIncident } from './alert.ts';
import { localParts, zonedTime } from './business-time.ts';
import type { PipelineConfig } from './config.ts';
import { kpiReport, median, type KpiComplaint, type KpiFigures } from './kpis.ts';
import { answerQuality, csatReport, type CsatFigures, type SurveyFact } from './survey.ts';
import { DAY_MS } from './time.ts';

/** One reporting week: `[from, to)`, local Monday 00:00 to the next Monday 00:00. */
export interface DigestWeek {
  readonly from: Date;
  readonly to: Date;
  /** Its Monday and Sunday as local dates (`YYYY-MM-DD`). */
  readonly firstDay: string;
  readonly lastDay: string;
}

/** The week reported on (`current`: the last whole week before the run) and the week before it. */
export interface DigestWeeks {
  readonly current: DigestWeek;
  readonly previous: DigestWeek;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function week(monday: string, timeZone: string): DigestWeek {
  return { from: zonedTime(monday, 0, timeZone), to: zonedTime(addDays(monday, 7), 0, timeZone), firstDay: monday, lastDay: addDays(monday, 6) };
}

/**
 * The last whole week before `now` and the week before it, in `timeZone` (a week that contains a
 * daylight-saving change is an hour shorter or longer, as the local calendar says).
 */
export function digestWeeks(now: Date, timeZone: string): DigestWeeks {
  const { date, weekday } = localParts(now, timeZone);
  const thisMonday = addDays(date, 1 - weekday);
  return { current: week(addDays(thisMonday, -7), timeZone), previous: week(addDays(thisMonday, -14), timeZone) };
}

/** How alert incidents went in a week. */
export interface IncidentFigures {
  /** Incidents opened in the week. */
  readonly raised: number;
  /** Of those, how many someone acknowledged (at any time up to the run). */
  readonly acknowledged: number;
  /** Median minutes from opening to acknowledgement, over the acknowledged ones. */
  readonly ackMedianMinutes: number | null;
}

/** Everything the digest says about one week. */
export interface WeekFigures {
  readonly kpis: KpiFigures;
  readonly csat: CsatFigures;
  /** Complaints received per category id (every configured category, zero included). */
  readonly received: Readonly<Record<string, number>>;
  readonly incidents: IncidentFigures;
}

/** A change from the week before: null when either side has no figure. */
export type Delta = number | null;

/** One category's complaints in both weeks. */
export interface CategoryChange {
  readonly category: string;
  readonly current: number;
  readonly previous: number;
  /** current − previous. */
  readonly delta: number;
  /** delta / previous; null when the week before had none. */
  readonly relative: number | null;
}

/** A poor survey answer given during the reported week. */
export interface PoorAnswer {
  readonly surveyId: string;
  readonly department: string;
  readonly category: string;
  readonly answeredAt: string;
  readonly rating: number;
  readonly solved: boolean;
}

export interface DigestFigures {
  readonly weeks: DigestWeeks;
  /** When the figures were judged (what is not done yet but past due counts as late). */
  readonly at: string;
  readonly current: WeekFigures;
  readonly previous: WeekFigures;
  /** Changes of the rates in percentage points (0.05 = 5 points), counts as differences. */
  readonly deltas: {
    readonly received: number;
    readonly firstResponseOnTimeRate: Delta;
    readonly resolutionOnTimeRate: Delta;
    readonly firstContactResolutionRate: Delta;
    readonly escalationRate: Delta;
    readonly repeatRate: Delta;
    readonly csat: Delta;
    readonly responseRate: Delta;
    readonly incidentsRaised: number;
    /** Minutes. */
    readonly ackMedianMinutes: Delta;
  };
  /** Every configured category, in config order. */
  readonly categories: readonly CategoryChange[];
  /** The categories that rose most (by count, then by share), at most `digest.risingCategories`. */
  readonly rising: readonly CategoryChange[];
  /** Every poor answer given in the reported week, oldest first. */
  readonly poorAnswers: readonly PoorAnswer[];
}

/** What the digest is computed from; each list may hold more than the two weeks (it is filtered here). */
export interface DigestSources {
  /** Complaints received in the two weeks (KPI projection). */
  readonly complaints: readonly KpiComplaint[];
  /** Survey facts sent in the two weeks, plus those sent earlier that may have been answered in the reported week. */
  readonly surveys: readonly SurveyFact[];
  /** Alert incidents of every category opened in the two weeks. */
  readonly incidents: readonly AlertIncident[];
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
const difference = (a: number | null, b: number | null): Delta => (a === null || b === null ? null : round4(a - b));

function incidentFigures(incidents: readonly AlertIncident[], w: DigestWeek): IncidentFigures {
  const raised = incidents.filter((i) => Date.parse(i.openedAt) >= w.from.getTime() && Date.parse(i.openedAt) < w.to.getTime());
  const acked = raised.filter((i) => i.acknowledgedAt !== undefined);
  return {
    raised: raised.length,
    acknowledged: acked.length,
    ackMedianMinutes: median(acked.map((i) => (Date.parse(i.acknowledgedAt!) - Date.parse(i.openedAt)) / 60_000)),
  };
}

function weekFigures(sources: DigestSources, w: DigestWeek, now: Date, config: PipelineConfig): WeekFigures {
  const kpis = kpiReport(sources.complaints, w.from, w.to, now);
  return {
    kpis: kpis.total,
    csat: csatReport(sources.surveys, w.from, w.to).total,
    received: Object.fromEntries(config.categories.map((c) => [c.id, kpis.byCategory[c.id]?.received ?? 0])),
    incidents: incidentFigures(sources.incidents, w),
  };
}

/** Rising first by how many more, then by how much more relative to the week before; config order breaks ties. */
function risingOrder(a: CategoryChange, b: CategoryChange): number {
  return b.delta - a.delta || (b.relative ?? Number.POSITIVE_INFINITY) - (a.relative ?? Number.POSITIVE_INFINITY) || 0;
}

/**
 * The digest's figures for the week before `now` against the week before that.
 * @param now the run time (weeks are the last whole weeks before it, in `company.timeZone`)
 */
export function digestFigures(sources: DigestSources, now: Date, config: PipelineConfig): DigestFigures {
  const weeks = digestWeeks(now, config.company.timeZone);
  const current = weekFigures(sources, weeks.current, now, config);
  const previous = weekFigures(sources, weeks.previous, now, config);
  const categories = config.categories.map((c): CategoryChange => {
    const cur = current.received[c.id] ?? 0;
    const prev = previous.received[c.id] ?? 0;
    return { category: c.id, current: cur, previous: prev, delta: cur - prev, relative: prev === 0 ? null : round4((cur - prev) / prev) };
  });
  const rising = categories
    .filter((c) => c.delta > 0)
    .sort(risingOrder)
    .slice(0, config.digest.risingCategories);
  const poorAnswers = sources.surveys
    .filter((f) => f.answeredAt !== undefined && f.rating !== undefined && f.solved !== undefined)
    .filter((f) => Date.parse(f.answeredAt!) >= weeks.current.from.getTime() && Date.parse(f.answeredAt!) < weeks.current.to.getTime())
    .filter((f) => answerQuality({ rating: f.rating!, solved: f.solved! }) === 'poor')
    .map((f): PoorAnswer => ({ surveyId: f.surveyId, department: f.department, category: f.category, answeredAt: f.answeredAt!, rating: f.rating!, solved: f.solved! }))
    .sort((a, b) => a.answeredAt.localeCompare(b.answeredAt) || a.surveyId.localeCompare(b.surveyId));
  const k = (w: WeekFigures) => w.kpis;
  return {
    weeks,
    at: now.toISOString(),
    current,
    previous,
    deltas: {
      received: k(current).received - k(previous).received,
      firstResponseOnTimeRate: difference(k(current).firstResponseOnTimeRate, k(previous).firstResponseOnTimeRate),
      resolutionOnTimeRate: difference(k(current).resolutionOnTimeRate, k(previous).resolutionOnTimeRate),
      firstContactResolutionRate: difference(k(current).firstContactResolutionRate, k(previous).firstContactResolutionRate),
      escalationRate: difference(k(current).escalationRate, k(previous).escalationRate),
      repeatRate: difference(k(current).repeatRate, k(previous).repeatRate),
      csat: difference(current.csat.csat, previous.csat.csat),
      responseRate: difference(current.csat.responseRate, previous.csat.responseRate),
      incidentsRaised: current.incidents.raised - previous.incidents.raised,
      ackMedianMinutes: difference(current.incidents.ackMedianMinutes, previous.incidents.ackMedianMinutes),
    },
    categories,
    rising,
    poorAnswers,
  };
}

/**
 * How far back the digest must read survey facts: answers given in the reported week can belong to
 * surveys sent up to `survey.linkTtlDays` before it (a link works that long).
 */
export function digestSurveyReadFrom(weeks: DigestWeeks, config: PipelineConfig): Date {
  return new Date(Math.min(weeks.previous.from.getTime(), weeks.current.from.getTime() - config.survey.linkTtlDays * DAY_MS));
}

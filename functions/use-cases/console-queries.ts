import { canSeeCategory, canSeeDepartment, visibleCategories, visibleDepartments, type Principal } from '../domain/access.ts';
import type { AlertIncident } from '../domain/alert.ts';
import { applyOverride, type AlertingOverride } from '../domain/alerting-override.ts';
import { customerSpokeLast, type Complaint, type ComplaintStatus } from '../domain/complaint.ts';
import type { PipelineConfig, Severity } from '../domain/config.ts';
import { matchesWords, SEARCH_MAX_PER_DEPARTMENT, SEARCH_RECENT_DAYS, searchKey, searchWords, type SearchKey } from '../domain/console/search.ts';
import { kpiReport, type KpiComplaint } from '../domain/kpis.ts';
import { csatReport, type SurveyFact } from '../domain/survey.ts';
import { isSilenceActive, type Silence } from '../domain/silence.ts';
import { windowBuckets, windowCount } from '../domain/volume.ts';
import type { AlertOpsStore } from '../ports/alert-ops.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { ComplaintRepository } from '../ports/complaint-repository.ts';
import type { SurveyFactStore } from '../ports/survey-store.ts';
import type { VolumeStore } from '../ports/volume-store.ts';
import { readBaseline } from './read-baseline.ts';
import { hourOf } from '../domain/adaptive.ts';
import { DAY_MS } from '../domain/time.ts';

/** Complaints per inbox page. */
export const INBOX_PAGE_SIZE = 25;
/** Reads of one inbox page per department at most, whatever the filters. */
const INBOX_MAX_READ = 500;

export interface InboxQuery {
  readonly status?: ComplaintStatus;
  readonly department?: string;
  readonly category?: string;
  readonly severity?: Severity;
  readonly overdue?: boolean;
  /** Only open complaints where the customer spoke last and no person has acted since. */
  readonly replied?: boolean;
  readonly q?: string;
  /** Paging: only complaints received before this instant (the last one of the previous page). */
  readonly before?: string;
  /** Paging of the overdue listing (the repository's opaque cursor). */
  readonly cursor?: string;
}

export interface InboxPage {
  readonly items: Complaint[];
  /** Query parameters of the next page, when there is one. */
  readonly next?: { readonly before?: string; readonly cursor?: string };
  /** How the search box was answered. */
  readonly searchedBy?: SearchKey['kind'] | 'text';
}

export interface ConsoleDeps {
  readonly config: PipelineConfig;
  readonly clock: Clock;
  readonly complaints: ComplaintRepository;
}

const newestFirst = (a: Complaint, b: Complaint) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : a.id < b.id ? 1 : -1);

/**
 * One inbox page, newest first, only from the principal's departments.
 *
 * Primary course: a search query that is an id, reference, email, phone or customer id is answered
 * from its index; other text is a word search over each visible department's newest complaints of
 * the last 30 days (at most 1000 each). Without a query: "overdue" reads the sparse due index; else
 * each visible department's byDepartment partition is read newest first and the pages merged.
 */
export async function loadInbox(query: InboxQuery, principal: Principal, deps: ConsoleDeps): Promise<InboxPage> {
  const { config } = deps;
  const matches = (c: Complaint) =>
    canSeeDepartment(principal, c.department) &&
    (!query.status || c.status === query.status) &&
    (!query.department || c.department === query.department) &&
    (!query.category || c.category === query.category) &&
    (!query.severity || c.severity === query.severity) &&
    (!query.replied || customerSpokeLast(c));
  const departments = (query.department ? [query.department] : visibleDepartments(principal, config)).filter(
    (d) => canSeeDepartment(principal, d) && (!query.category || config.categories.find((c) => c.id === query.category)?.department === d),
  );

  // What a word search and "customer replied" read: each visible department's newest complaints of
  // the last SEARCH_RECENT_DAYS (at most SEARCH_MAX_PER_DEPARTMENT each); the newest 100 that `keep`.
  const recentMatching = async (keep: (c: Complaint) => boolean): Promise<Complaint[]> => {
    const since = new Date(deps.clock.now().getTime() - SEARCH_RECENT_DAYS * DAY_MS);
    const perDepartment = await Promise.all(
      departments.map((d) => deps.complaints.newestInDepartment(d, { ...pick(query), since }, undefined, SEARCH_MAX_PER_DEPARTMENT, SEARCH_MAX_PER_DEPARTMENT)),
    );
    return perDepartment.flat().filter(keep).sort(newestFirst).slice(0, 100);
  };

  if (query.q?.trim()) {
    const key = searchKey(query.q);
    if (key) {
      let found: Complaint[] = [];
      if (key.kind === 'id') {
        const one = await deps.complaints.get(key.value);
        found = one ? [one] : [];
      } else if (key.kind === 'ref') {
        const one = await deps.complaints.getByRef(key.value);
        // Typed without dashes (`YX4K7M9QD2`) it may as well be a customer id; with spaces, words (`the best food`).
        found = one ? [one] : /^[A-Za-z0-9]+$/.test(query.q.trim()) ? await deps.complaints.findByContact('customer', query.q.trim(), 50) : [];
      } else {
        found = await deps.complaints.findByContact(key.kind, key.value, 50);
      }
      const visible = found.filter(matches).sort(newestFirst);
      if (visible.length || (key.kind !== 'customer' && key.kind !== 'ref')) return { items: visible, searchedBy: key.kind };
    }
    const words = searchWords(query.q);
    return { items: await recentMatching((c) => matches(c) && matchesWords(c, words)), searchedBy: 'text' };
  }

  if (query.overdue) {
    const single = departments.length === 1 ? departments[0] : undefined;
    const page = await deps.complaints.list(
      { overdueAt: deps.clock.now(), ...(query.status && { status: query.status }), ...(single && { department: single }), ...(query.category && { category: query.category }) },
      INBOX_PAGE_SIZE,
      query.cursor,
    );
    return { items: page.items.filter(matches), ...(page.cursor && { next: { cursor: page.cursor } }) };
  }

  // Not indexed (it depends on the timeline's last entry): the same reach as a word search.
  if (query.replied) return { items: await recentMatching(matches) };

  const perDepartment = await Promise.all(
    departments.map((d) => deps.complaints.newestInDepartment(d, pick(query), query.before, INBOX_PAGE_SIZE + 1, INBOX_MAX_READ)),
  );
  const merged = perDepartment.flat().filter(matches).sort(newestFirst);
  const items = merged.slice(0, INBOX_PAGE_SIZE);
  const more = merged.length > INBOX_PAGE_SIZE;
  return { items, ...(more && items.length && { next: { before: items[items.length - 1]!.receivedAt } }) };
}

function pick(q: InboxQuery) {
  return { ...(q.status && { status: q.status }), ...(q.category && { category: q.category }), ...(q.severity && { severity: q.severity }) };
}

/** A complaint with the complaints linked to it as repeats (the one it repeats, and the customer's later ones that repeat it). */
export async function loadComplaint(id: string, principal: Principal, deps: ConsoleDeps) {
  const complaint = await deps.complaints.get(id);
  if (!complaint || !canSeeDepartment(principal, complaint.department)) return undefined;
  const sameCustomer = await deps.complaints.findByContact('customer', complaint.customer.id, 50);
  const repeatOf = complaint.repeatOf ? sameCustomer.find((c) => c.id === complaint.repeatOf) : undefined;
  const repeatedBy = sameCustomer.filter((c) => c.repeatOf === complaint.id);
  return { complaint, repeatOf: repeatOf ?? (complaint.repeatOf ? { id: complaint.repeatOf } : undefined), repeatedBy };
}

/** The SLA board looks this far ahead for complaints at risk. */
export const AT_RISK_HOURS = 4;

/**
 * Overdue and at-risk complaints of the principal's departments: what the sparse due index holds up
 * to `now + 4 h` (complaints whose SLA clock runs), at most 500.
 */
export async function loadSlaBoard(principal: Principal, department: string | undefined, deps: ConsoleDeps) {
  const now = deps.clock.now();
  const horizon = new Date(now.getTime() + AT_RISK_HOURS * 3_600_000);
  const items: Complaint[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.complaints.list({ overdueAt: horizon, ...(department && { department }) }, 100, cursor);
    items.push(...page.items.filter((c) => canSeeDepartment(principal, c.department)));
    cursor = page.cursor;
  } while (cursor && items.length < 500);
  return { now, items };
}

export interface AlertsDeps extends ConsoleDeps {
  readonly volume: VolumeStore;
  readonly alerts: AlertStore;
  readonly alertOps: AlertOpsStore;
}

export interface CategoryLive {
  readonly category: string;
  readonly department: string;
  readonly windowMinutes: number;
  readonly count: number;
  readonly threshold: number;
  readonly configured: { readonly count: number; readonly windowMinutes: number };
  readonly detector: 'static' | 'adaptive' | 'both';
  readonly bound?: number;
  readonly override?: AlertingOverride;
  readonly incident?: AlertIncident;
}

/**
 * The early-warning page's data: per visible category the live window count against its threshold
 * (override applied) and adaptive bound; incidents (open, acknowledged, recent resolved); silences;
 * and daily counts of the chart category over `days` with the days its incidents were open.
 */
export async function loadAlerts(principal: Principal, chartCategory: string | undefined, days: number, deps: AlertsDeps) {
  const now = deps.clock.now();
  const categories = visibleCategories(principal, deps.config);
  const live: CategoryLive[] = await Promise.all(
    categories.map(async (c) => {
      const override = await deps.alertOps.getOverride(c.id);
      const effective = applyOverride(c, override);
      const range = windowBuckets(now, effective.threshold.windowMinutes);
      const [buckets, baseline, incident] = await Promise.all([
        deps.volume.buckets(c.id, range.from, range.to),
        readBaseline(effective, now, deps).catch(() => undefined),
        deps.alerts.findOpen(c.id),
      ]);
      return {
        category: c.id,
        department: c.department,
        windowMinutes: effective.threshold.windowMinutes,
        count: windowCount(buckets),
        threshold: effective.threshold.count,
        configured: { count: c.threshold.count, windowMinutes: c.threshold.windowMinutes },
        detector: effective.detector ?? 'static',
        ...(baseline && { bound: baseline.bound }),
        ...(override && { override }),
        ...(incident && { incident }),
      };
    }),
  );
  const recent = (await Promise.all(categories.map((c) => deps.alerts.listRecent(c.id, 10)))).flat();
  const incidents = recent.filter((i) => canSeeDepartment(principal, i.department)).sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1));
  const silences = (await deps.alertOps.listSilences(100))
    .filter((s) => canSeeCategory(principal, s.category, deps.config))
    .map((s) => ({ ...s, state: silenceState(s, now) }));
  const chosen = categories.find((c) => c.id === chartCategory) ?? categories.find((c) => live.some((l) => l.category === c.id && l.incident)) ?? categories[0];
  let chart: { category: string; days: string[]; counts: number[]; shaded: Array<{ from: number; to: number }> } | undefined;
  if (chosen) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS);
    const hours = await deps.volume.hourlyCounts(chosen.id, hourOf(start), hourOf(now));
    const dayKeys = Array.from({ length: days }, (_, i) => new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10));
    const counts = dayKeys.map((d) => hours.filter((h) => h.hour.startsWith(d)).reduce((n, h) => n + h.count, 0));
    const shaded = incidents
      .filter((i) => i.category === chosen.id)
      .map((i) => ({ from: dayKeys.indexOf(i.openedAt.slice(0, 10)), to: dayKeys.indexOf((i.resolvedAt ?? now.toISOString()).slice(0, 10)) }))
      .map((r) => ({ from: r.from < 0 ? 0 : r.from, to: r.to < 0 ? days - 1 : r.to }))
      .filter((r) => r.to >= 0);
    chart = { category: chosen.id, days: dayKeys, counts, shaded };
  }
  return { now, live, incidents, silences, chart };
}

function silenceState(s: Silence, now: Date): 'active' | 'planned' | 'ended' {
  if (isSilenceActive(s, now)) return 'active';
  return Date.parse(s.from) > now.getTime() ? 'planned' : 'ended';
}

export interface ReportsDeps extends ConsoleDeps {
  readonly surveyFacts: Pick<SurveyFactStore, 'facts'>;
}

/**
 * Week-by-week KPIs and CSAT of the principal's departments over the last `weeks` weeks (weeks start
 * on Monday, UTC): one byDepartment Query per department over the whole range and the survey facts'
 * monthly partitions, then the figures per week in memory.
 */
export async function loadReports(principal: Principal, weeks: number, deps: ReportsDeps) {
  const now = deps.clock.now();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY_MS;
  const starts = Array.from({ length: weeks }, (_, i) => new Date(monday - (weeks - 1 - i) * 7 * DAY_MS));
  const from = starts[0]!;
  const to = new Date(monday + 7 * DAY_MS);
  const departments = visibleDepartments(principal, deps.config);
  const complaints: KpiComplaint[] = (await Promise.all(departments.map((d) => deps.complaints.receivedBetween(d, from, to)))).flat();
  const facts: SurveyFact[] = (await deps.surveyFacts.facts(from, to)).filter((f) => departments.includes(f.department));
  const total = { ...kpiReport(complaints, from, to, now), satisfaction: csatReport(facts, from, to) };
  const perWeek = starts.map((start) => {
    const end = new Date(start.getTime() + 7 * DAY_MS);
    return { start: start.toISOString().slice(0, 10), kpis: kpiReport(complaints, start, end, now), csat: csatReport(facts, start, end) };
  });
  return { now, from, to, departments, total, perWeek };
}
export type ReportsData = Awaited<ReturnType<typeof loadReports>>;

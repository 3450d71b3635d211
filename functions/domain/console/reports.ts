/** Turns week-by-week KPI and CSAT reports into the reports page's series and the CSV export. */
import { csvField as field } from '../csv.ts';
import type { KpiReport } from '../kpis.ts';
import type { CsatReport } from '../survey.ts';
import type { ReportsView } from './pages.ts';

/** What `loadReports` returns, as far as the page needs it. */
export interface WeeklyReports {
  readonly from: Date;
  readonly to: Date;
  readonly departments: readonly string[];
  readonly total: KpiReport & { satisfaction: CsatReport };
  readonly perWeek: ReadonlyArray<{ start: string; kpis: KpiReport; csat: CsatReport }>;
}

/**
 * The page's view: tiles of the whole range, and per week the received count, first-response
 * on-time rate and CSAT per department (or per category).
 * @param categories the categories the person sees, in config order (keys of the category view)
 */
export function reportsView(data: WeeklyReports, by: 'department' | 'category', categories: readonly string[], csvHref: string): ReportsView {
  const keys = by === 'department' ? [...data.departments] : [...categories];
  const group = <T>(r: { byDepartment: Record<string, T>; byCategory: Record<string, T> }) => (by === 'department' ? r.byDepartment : r.byCategory);
  return {
    weeks: data.perWeek.length,
    by,
    from: data.from.toISOString().slice(0, 10),
    to: new Date(data.to.getTime() - 86_400_000).toISOString().slice(0, 10),
    total: { kpis: data.total.total, csat: data.total.satisfaction.total },
    perWeek: data.perWeek.map((w) => ({
      start: w.start,
      received: Object.fromEntries(keys.map((k) => [k, group(w.kpis)[k]?.received ?? 0])),
      onTime: Object.fromEntries(keys.map((k) => [k, group(w.kpis)[k]?.firstResponseOnTimeRate ?? null])),
      csat: Object.fromEntries(keys.map((k) => [k, group(w.csat)[k]?.csat ?? null])),
    })),
    keys,
    csvHref,
  };
}

const CSV_COLUMNS = [
  'week_start',
  'group',
  'received',
  'first_response_median_minutes',
  'first_response_on_time_rate',
  'resolved',
  'resolution_on_time_rate',
  'first_contact_resolution_rate',
  'escalation_rate',
  'repeat_rate',
  'surveys_sent',
  'surveys_answered',
  'csat',
  'survey_response_rate',
] as const;


/** One row per week and department (or category), with every KPI and CSAT figure. */
export function reportsCsv(data: WeeklyReports, by: 'department' | 'category', categories: readonly string[]): string {
  const keys = by === 'department' ? data.departments : categories;
  const lines = [CSV_COLUMNS.join(',')];
  for (const w of data.perWeek) {
    for (const k of keys) {
      const kpi = (by === 'department' ? w.kpis.byDepartment : w.kpis.byCategory)[k];
      const csat = (by === 'department' ? w.csat.byDepartment : w.csat.byCategory)[k];
      lines.push(
        [
          w.start,
          k,
          kpi?.received ?? 0,
          kpi?.firstResponseMedianMinutes,
          kpi?.firstResponseOnTimeRate,
          kpi?.resolved ?? 0,
          kpi?.resolutionOnTimeRate,
          kpi?.firstContactResolutionRate,
          kpi?.escalationRate,
          kpi?.repeatRate,
          csat?.sent ?? 0,
          csat?.answered ?? 0,
          csat?.csat,
          csat?.responseRate,
        ]
          .map(field)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

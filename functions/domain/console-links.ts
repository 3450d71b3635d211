/**
 * Links into the operations console (served by the same HTTP API): the one place a staff message
 * sends its reader to act. Paths per the console's contract: `/console/inbox` (filters `status`,
 * `department`, `category`, `severity`, `overdue=1`, `q`), `/console/complaints/{id}`,
 * `/console/alerts`, `/console/sla` (`department`), `/console/reports`. Pure.
 */

function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function consoleComplaintUrl(base: string, complaintId: string): string {
  return join(base, `/console/complaints/${encodeURIComponent(complaintId)}`);
}

/**
 * A filtered list: overdue complaints in the inbox, or the SLA board (`sla`) for complaints about to
 * be late, optionally for one department.
 */
export function consoleListUrl(base: string, filter: { department?: string | undefined; overdue?: boolean; sla?: boolean }): string {
  const query = new URLSearchParams();
  if (filter.department) query.set('department', filter.department);
  if (filter.sla) return join(base, `/console/sla${query.size ? `?${query}` : ''}`);
  if (filter.overdue) query.set('overdue', '1');
  return join(base, `/console/inbox${query.size ? `?${query}` : ''}`);
}

export function consoleAlertsUrl(base: string): string {
  return join(base, '/console/alerts');
}

/** The reports page (KPIs and CSAT per week), grouped by category as the weekly digest is. */
export function consoleReportsUrl(base: string): string {
  return join(base, '/console/reports?by=category');
}

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

/** The inbox filtered to one category: the complaints an alert about it is about. */
export function consoleCategoryUrl(base: string, category: string): string {
  return join(base, `/console/inbox?${new URLSearchParams({ category })}`);
}

export function consoleAlertsUrl(base: string): string {
  return join(base, '/console/alerts');
}

/** The reports page (KPIs and CSAT per week), grouped by category as the weekly digest is. */
export function consoleReportsUrl(base: string): string {
  return join(base, '/console/reports?by=category');
}

/** Where sign-in leads when nothing (or nothing acceptable) was asked for. */
export const CONSOLE_HOME = '/console/inbox';

/**
 * A return path's path: `/console/` and segments of unreserved characters, none starting with a dot
 * (so no `.` or `..` segment), never the sign-in flow itself (`login`, `callback`, `logout`). The
 * console's own paths need nothing else (complaint ids are ULIDs), so no percent escape is accepted
 * there at all: no encoded slash, backslash, dot or control can reach a later decoder.
 */
const PATH = /^\/console(?!\/(?:login|callback|logout)\/?$)(?:\/[\w\-~][\w\-.~]*)+\/?$/;

/**
 * A return path's query: unreserved characters, sub-delims without quotes, `:@/?` and `%` escapes.
 * No backslash, whitespace, control, `#`, quote, angle bracket or anything outside ASCII.
 */
const QUERY = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;

/**
 * The page a person asked for before signing in, when it is safe to send them back there: a
 * relative path on this origin under `/console/`, never the sign-in flow itself. Anything else is
 * refused (`undefined`), whatever its encoding: another host (`//evil`, `/\evil`, `https://…`), a
 * percent escape or dot segment in the path, a CR/LF or other control anywhere (raw or encoded).
 * Pure; the result may go into a `Location` header or an attribute as it is.
 * @param raw the `next` query parameter or form field, as received (already form-decoded once)
 */
export function safeReturnPath(raw: string | null | undefined): string | undefined {
  if (!raw || raw.length > 2048) return undefined;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  if (!PATH.test(path) || !QUERY.test(query)) return undefined;
  let once: string;
  try {
    once = decodeURIComponent(query);
  } catch {
    return undefined;
  }
  // And twice: a doubly encoded `%250D` is a control character to whoever decodes it next.
  let twice = once;
  try {
    twice = decodeURIComponent(once);
  } catch {
    // `%` itself, searched for: nothing more to decode.
  }
  if (/[\u0000-\u001f\u007f]/.test(once + twice)) return undefined;
  return raw;
}

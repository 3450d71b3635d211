/** CSV as spreadsheets and `npm run train` read it. */

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula-leading text is defused. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

import type { MemoryVolumeStore } from '../adapters/memory-volume-store.ts';
import type { Cadence, ScaleId } from '../domain/multi-scale.ts';
import type { MultiScaleReading } from '../use-cases/read-baseline.ts';
import type { AlertIncident } from '../domain/alert.ts';
import type { Category, PipelineConfig } from '../domain/config.ts';
import { escapeHtml } from '../domain/escape.ts';
import type { DetectorChoice, ReplayCategory, ReplayOptions, ReplayRow } from './replay-input.ts';

/** What one replay pass produced. */
export interface ReplayRun {
  readonly detector: DetectorChoice;
  /** The run's name in the report: the detector, `v1 adaptive` for the weekly-median method. */
  readonly label: string;
  readonly method: 'multi-scale' | 'weekly-median';
  readonly cadence: Cadence;
  readonly incidents: readonly AlertIncident[];
  /** Emails, SMS and topic publications the pipeline would have sent. */
  readonly messages: number;
  readonly volume: MemoryVolumeStore;
  readonly config: PipelineConfig;
}

function pad(text: string, width: number, right = false): string {
  const chars = [...text];
  const cut = chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
  return right ? cut.padStart(width) : cut.padEnd(width);
}

/** The local calendar date of an instant in the company's zone (rows of a day-cadence replay sit at local midnight). */
function localDay(t: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}

function monthsSpanned(rows: readonly ReplayRow[], timeZone: string): string[] {
  const first = rows[0]?.at;
  const last = rows.at(-1)?.at;
  if (!first || !last) return [];
  const [fy, fm] = localDay(first, timeZone).split('-').map(Number) as [number, number];
  const [ly, lm] = localDay(last, timeZone).split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let y = fy, m = fm - 1; y < ly || (y === ly && m <= lm - 1); m === 11 ? (y++, (m = 0)) : m++) {
    out.push(`${y}-${String(m + 1).padStart(2, '0')}`);
  }
  return out;
}

/**
 * The replay report: per category the incidents each detector opened (with, for the last run,
 * how many nobody acknowledged, how many resolved, the highest peak and which detector fired), then
 * incidents per category-month.
 */
export function renderReport(input: {
  rows: readonly ReplayRow[];
  categories: readonly ReplayCategory[];
  runs: readonly ReplayRun[];
  seconds: number;
  options: Pick<ReplayOptions, 'windowMinutes' | 'detector'> & { readonly cadence: Cadence };
}): string {
  const { rows, categories, runs, seconds, options } = input;
  const main = runs.at(-1)!;
  const timeZone = main.config.company.timeZone;
  const months = monthsSpanned(rows, timeZone);
  const lines: string[] = [];
  const from = rows[0] ? localDay(rows[0].at, timeZone) : '-';
  const to = rows.at(-1) ? localDay(rows.at(-1)!.at, timeZone) : '-';
  lines.push(
    `Replayed ${rows.length.toLocaleString('en')} rows (${from} … ${to}, ${months.length} months), ${categories.length} categories, ` +
      `${options.windowMinutes}-minute window, detector ${options.detector}, cadence ${options.cadence}, in ${seconds.toFixed(1)} s ` +
      `(${Math.round((rows.length * runs.length) / Math.max(seconds, 1e-3)).toLocaleString('en')} rows/s).`,
  );
  lines.push(
    options.cadence === 'day'
      ? 'Cadence day: rows counted per calendar day (company time zone) and evaluated once per day; scales day and week.'
      : 'Cadence hour: one stream batch per minute of arrivals, as the stream delivers them; scales short window, day and week.',
  );
  lines.push('Nobody acknowledges during a replay: every incident runs until its all-clear.');
  lines.push('');
  lines.push('Incidents per category');
  const runHeads = runs.length > 1 ? runs.map((r) => pad(r.label, 11, true)).join(' ') : pad('opened', 11, true);
  lines.push(`${pad('category', 52)} ${pad('rows', 7, true)} ${pad('thresh', 6, true)} ${runHeads} ${pad('unacked', 7, true)} ${pad('resolved', 8, true)} ${pad('peak', 5, true)}  fired by (s/a/both)  scale (s/d/w)`);
  const byCategory = (run: ReplayRun, id: string) => run.incidents.filter((i) => i.category === id);
  const total = { rows: 0, runs: runs.map(() => 0) };
  for (const c of categories) {
    const mine = byCategory(main, c.category.id);
    const counts = runs.map((r) => byCategory(r, c.category.id).length);
    counts.forEach((n, i) => (total.runs[i]! += n));
    total.rows += c.rows;
    const fired = ['static', 'adaptive', 'both'].map((d) => mine.filter((i) => i.detector === d).length).join('/');
    const scales = (['short', 'day', 'week'] as const).map((x) => mine.filter((i) => i.scale === x).length).join('/');
    lines.push(
      `${pad(c.label, 52)} ${pad(String(c.rows), 7, true)} ${pad(String(c.category.threshold.count), 6, true)} ${counts.map((n) => pad(String(n), 11, true)).join(' ')} ` +
        `${pad(String(mine.filter((i) => !i.acknowledgedAt).length), 7, true)} ${pad(String(mine.filter((i) => i.state === 'resolved').length), 8, true)} ` +
        `${pad(String(Math.max(0, ...mine.map((i) => i.peak))), 5, true)}  ${pad(fired, 19)}  ${scales}`,
    );
  }
  lines.push(`${pad('total', 52)} ${pad(String(total.rows), 7, true)} ${pad('', 6)} ${total.runs.map((n) => pad(String(n), 11, true)).join(' ')}`);
  lines.push('');
  lines.push('Incidents per category-month (mean, busiest month, months with any)');
  lines.push(`${pad('category', 52)} ${runs.map((r) => pad(r.label, 26)).join(' ')}`);
  for (const c of categories) {
    const cells = runs.map((r) => {
      const perMonth = new Map<string, number>();
      for (const i of byCategory(r, c.category.id)) perMonth.set(i.openedAt.slice(0, 7), (perMonth.get(i.openedAt.slice(0, 7)) ?? 0) + 1);
      const busiest = [...perMonth.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      const mean = months.length ? byCategory(r, c.category.id).length / months.length : 0;
      return pad(`${mean.toFixed(2)}  ${busiest ? `${busiest[1]} in ${busiest[0]}` : '-'}  ${perMonth.size}/${months.length}`, 26);
    });
    lines.push(`${pad(c.label, 52)} ${cells.join(' ')}`);
  }
  const perCategoryMonth = runs.map((r) => `${r.label} ${(r.incidents.length / Math.max(1, categories.length * months.length)).toFixed(3)}`);
  lines.push(`All categories: incidents per category-month: ${perCategoryMonth.join(', ')}; messages that would have gone out: ${runs.map((r) => `${r.label} ${r.messages}`).join(', ')}.`);
  const scaled = runs.filter((r) => r.method === 'multi-scale' && r.detector !== 'static');
  if (scaled.length) {
    lines.push('');
    lines.push('Multi-scale incidents per category-month by the scale that fired (short / day / week; static alone: -)');
    lines.push(`${pad('category', 52)} ${scaled.map((r) => pad(r.label, 30)).join(' ')}`);
    const perMonth = (n: number) => (months.length ? n / months.length : 0).toFixed(2);
    for (const c of categories) {
      const cells = scaled.map((r) => {
        const mine = byCategory(r, c.category.id);
        const by = (x: ScaleId) => mine.filter((i) => i.scale === x).length;
        return pad(`${perMonth(by('short'))} / ${perMonth(by('day'))} / ${perMonth(by('week'))}  - ${perMonth(mine.filter((i) => !i.scale).length)}`, 30);
      });
      lines.push(`${pad(c.label, 52)} ${cells.join(' ')}`);
    }
  }
  return lines.join('\n');
}

/**
 * One SVG chart for a category, a panel per scale: the daily count with the static threshold and the
 * day scale's bound, and the 7-day count with the week scale's bound (bounds as the multi-scale
 * detector computed them at the end of each day, from history only); incidents shaded in both, the
 * ones the week scale opened in the week panel's colour.
 */
export async function renderChart(
  category: ReplayCategory,
  rows: readonly ReplayRow[],
  run: ReplayRun,
  readingAt: (category: Category, at: Date) => Promise<MultiScaleReading | undefined>,
): Promise<string> {
  const timeZone = run.config.company.timeZone;
  const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const daily = new Map<string, { count: number; last: Date }>();
  for (const r of rows) {
    if (r.label !== category.label) continue;
    const d = dayOf.format(r.at);
    const e = daily.get(d);
    daily.set(d, { count: (e?.count ?? 0) + 1, last: r.at });
  }
  const first = rows[0]?.at.getTime() ?? 0;
  const last = rows.at(-1)?.at.getTime() ?? first + 1;
  const W = 960;
  const panelH = 220;
  const H = 2 * panelH + 40;
  const left = 48;
  const right = 12;
  const x = (t: number) => left + ((t - first) / Math.max(1, last - first)) * (W - left - right);
  const points: Array<{ t: number; day: number; week: number; dayBound?: number; weekBound?: number }> = [];
  const adaptiveCategory: Category = { ...category.category, detector: 'adaptive' };
  const days = [...daily.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  // Days without complaints still count in the 7-day sum: walk the calendar by date.
  const counts = new Map(days.map(([d, v]) => [d, v.count]));
  for (const [d, v] of days) {
    let week = 0;
    for (let k = 0; k < 7; k++) week += counts.get(new Date(Date.parse(`${d}T00:00:00Z`) - k * 86_400_000).toISOString().slice(0, 10)) ?? 0;
    // The day's end, where a day-cadence replay judged it.
    const reading = await readingAt(adaptiveCategory, new Date(v.last.getTime()));
    const bound = (s: ScaleId) => reading?.baseline.scales.find((b) => b.scale === s)?.bound;
    const dayBound = bound('day');
    const weekBound = bound('week');
    points.push({ t: v.last.getTime(), day: v.count, week, ...(dayBound !== undefined && { dayBound }), ...(weekBound !== undefined && { weekBound }) });
  }
  const threshold = category.category.threshold.count;
  const mine = run.incidents.filter((i) => i.category === category.category.id);
  const panel = (top: number, title: string, value: (p: (typeof points)[number]) => number, bound: (p: (typeof points)[number]) => number | undefined, level: number | undefined, scale: ScaleId) => {
    const bottom = top + panelH - 36;
    const maxY = Math.max(1, level ?? 0, ...points.map(value), ...points.map((p) => bound(p) ?? 0)) * 1.05;
    const y = (v: number) => top + 20 + (1 - v / maxY) * (bottom - top - 20);
    const shade = mine
      .map((i) => {
        const x0 = x(Date.parse(i.openedAt));
        const x1 = Math.max(x0 + 1.5, x(Date.parse(i.resolvedAt ?? new Date(last).toISOString())));
        const colour = i.scale === scale ? '#e4572e' : '#999';
        return `<rect x="${x0.toFixed(1)}" y="${top + 20}" width="${(x1 - x0).toFixed(1)}" height="${bottom - top - 20}" fill="${colour}" fill-opacity="0.25"><title>${escapeHtml(`${i.id} (${i.detector}${i.scale ? `, ${i.scale} scale` : ''}, peak ${i.peak})`)}</title></rect>`;
      })
      .join('');
    const line = (sel: (p: (typeof points)[number]) => number | undefined) =>
      points
        .filter((p) => sel(p) !== undefined)
        .map((p) => `${x(p.t).toFixed(1)},${y(sel(p)!).toFixed(1)}`)
        .join(' ');
    const boundLine = line(bound);
    return [
      `<text x="${left}" y="${top + 14}" font-size="13" font-weight="bold">${escapeHtml(title)}</text>`,
      shade,
      `<polyline fill="none" stroke="#2e86ab" stroke-width="1" points="${line(value)}"/>`,
      boundLine ? `<polyline fill="none" stroke="#66a182" stroke-width="1.2" points="${boundLine}"/>` : '',
      level !== undefined
        ? `<line x1="${left}" x2="${W - right}" y1="${y(level).toFixed(1)}" y2="${y(level).toFixed(1)}" stroke="#d1495b" stroke-width="1.5" stroke-dasharray="6 4"/>`
        : '',
      `<line x1="${left}" x2="${left}" y1="${top + 20}" y2="${bottom}" stroke="#333"/><line x1="${left}" x2="${W - right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`,
      `<text x="${left - 6}" y="${y(0).toFixed(1)}" font-size="11" text-anchor="end">0</text><text x="${left - 6}" y="${(y(maxY / 1.05) + 4).toFixed(1)}" font-size="11" text-anchor="end">${Math.round(maxY / 1.05)}</text>`,
    ].join('\n');
  };
  const years: string[] = [];
  for (let yr = new Date(first).getUTCFullYear() + 1; yr <= new Date(last).getUTCFullYear(); yr++) {
    const t = Date.UTC(yr, 0, 1);
    years.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="20" y2="${H - 30}" stroke="#ccc"/><text x="${x(t).toFixed(1)}" y="${H - 16}" font-size="11" text-anchor="middle">${yr}</text>`);
  }
  const byScale = (s: ScaleId) => mine.filter((i) => i.scale === s).length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    ...years,
    panel(0, `${category.label}: complaints per day, static threshold ${threshold}, day-scale bound; ${byScale('day')} day-scale incidents (${run.label}, ${run.cadence} cadence)`, (p) => p.day, (p) => p.dayBound, threshold, 'day'),
    panel(panelH, `Complaints in the last 7 days and the week-scale bound; ${byScale('week')} week-scale incidents`, (p) => p.week, (p) => p.weekBound, undefined, 'week'),
    `<g font-size="11"><rect x="${W - 480}" y="${H - 14}" width="10" height="3" fill="#2e86ab"/><text x="${W - 466}" y="${H - 9}">count</text>`,
    `<rect x="${W - 410}" y="${H - 14}" width="10" height="3" fill="#d1495b"/><text x="${W - 396}" y="${H - 9}">static threshold</text>`,
    `<rect x="${W - 300}" y="${H - 14}" width="10" height="3" fill="#66a182"/><text x="${W - 286}" y="${H - 9}">scale bound</text>`,
    `<rect x="${W - 200}" y="${H - 16}" width="10" height="8" fill="#e4572e" fill-opacity="0.4"/><text x="${W - 186}" y="${H - 9}">incident of this scale</text></g>`,
    '</svg>',
  ].join('\n');
}

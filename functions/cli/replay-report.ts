import type { MemoryVolumeStore } from '../adapters/memory-volume-store.ts';
import type { AdaptiveBaseline } from '../domain/adaptive.ts';
import type { AlertIncident } from '../domain/alert.ts';
import type { Category, PipelineConfig } from '../domain/config.ts';
import { escapeHtml } from '../domain/escape.ts';
import type { DetectorChoice, ReplayCategory, ReplayOptions, ReplayRow } from './replay-input.ts';

/** What one replay pass produced. */
export interface ReplayRun {
  readonly detector: DetectorChoice;
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

function monthsSpanned(rows: readonly ReplayRow[]): string[] {
  const first = rows[0]?.at;
  const last = rows.at(-1)?.at;
  if (!first || !last) return [];
  const out: string[] = [];
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); y < last.getUTCFullYear() || (y === last.getUTCFullYear() && m <= last.getUTCMonth()); m === 11 ? (y++, (m = 0)) : m++) {
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
  options: Pick<ReplayOptions, 'windowMinutes' | 'detector'>;
}): string {
  const { rows, categories, runs, seconds, options } = input;
  const months = monthsSpanned(rows);
  const main = runs.at(-1)!;
  const lines: string[] = [];
  const from = rows[0]?.at.toISOString().slice(0, 10) ?? '-';
  const to = rows.at(-1)?.at.toISOString().slice(0, 10) ?? '-';
  lines.push(
    `Replayed ${rows.length.toLocaleString('en')} rows (${from} … ${to}, ${months.length} months), ${categories.length} categories, ` +
      `${options.windowMinutes}-minute window, detector ${options.detector}, in ${seconds.toFixed(1)} s ` +
      `(${Math.round((rows.length * runs.length) / Math.max(seconds, 1e-3)).toLocaleString('en')} rows/s).`,
  );
  lines.push('Nobody acknowledges during a replay: every incident runs until its all-clear.');
  lines.push('');
  lines.push('Incidents per category');
  const runHeads = runs.length > 1 ? runs.map((r) => pad(r.detector, 8, true)).join(' ') : pad('opened', 8, true);
  lines.push(`${pad('category', 52)} ${pad('rows', 7, true)} ${pad('thresh', 6, true)} ${runHeads} ${pad('unacked', 7, true)} ${pad('resolved', 8, true)} ${pad('peak', 5, true)}  fired by (s/a/both)`);
  const byCategory = (run: ReplayRun, id: string) => run.incidents.filter((i) => i.category === id);
  const total = { rows: 0, runs: runs.map(() => 0) };
  for (const c of categories) {
    const mine = byCategory(main, c.category.id);
    const counts = runs.map((r) => byCategory(r, c.category.id).length);
    counts.forEach((n, i) => (total.runs[i]! += n));
    total.rows += c.rows;
    const fired = ['static', 'adaptive', 'both'].map((d) => mine.filter((i) => i.detector === d).length).join('/');
    lines.push(
      `${pad(c.label, 52)} ${pad(String(c.rows), 7, true)} ${pad(String(c.category.threshold.count), 6, true)} ${counts.map((n) => pad(String(n), 8, true)).join(' ')} ` +
        `${pad(String(mine.filter((i) => !i.acknowledgedAt).length), 7, true)} ${pad(String(mine.filter((i) => i.state === 'resolved').length), 8, true)} ` +
        `${pad(String(Math.max(0, ...mine.map((i) => i.peak))), 5, true)}  ${fired}`,
    );
  }
  lines.push(`${pad('total', 52)} ${pad(String(total.rows), 7, true)} ${pad('', 6)} ${total.runs.map((n) => pad(String(n), 8, true)).join(' ')}`);
  lines.push('');
  lines.push('Incidents per category-month (mean, busiest month, months with any)');
  lines.push(`${pad('category', 52)} ${runs.map((r) => pad(r.detector, 26)).join(' ')}`);
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
  const perCategoryMonth = runs.map((r) => `${r.detector} ${(r.incidents.length / Math.max(1, categories.length * months.length)).toFixed(3)}`);
  lines.push(`All categories: incidents per category-month: ${perCategoryMonth.join(', ')}; messages that would have gone out: ${runs.map((r) => `${r.detector} ${r.messages}`).join(', ')}.`);
  return lines.join('\n');
}

/**
 * One SVG chart for a category: daily volume, the static threshold and the adaptive bound (both per
 * window; drawn as daily levels when the window is a day), and incidents shaded.
 */
export async function renderChart(
  category: ReplayCategory,
  rows: readonly ReplayRow[],
  run: ReplayRun,
  baselineAt: (category: Category, at: Date) => Promise<AdaptiveBaseline | undefined>,
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
  const H = 300;
  const left = 48;
  const right = 12;
  const top = 28;
  const bottom = 36;
  const x = (t: number) => left + ((t - first) / Math.max(1, last - first)) * (W - left - right);
  const bounds: Array<{ t: number; bound: number }> = [];
  const adaptiveCategory: Category = { ...category.category, detector: 'adaptive' };
  for (const { last: at } of daily.values()) {
    const b = await baselineAt(adaptiveCategory, at);
    if (b) bounds.push({ t: at.getTime(), bound: b.bound });
  }
  const threshold = category.category.threshold.count;
  const maxY = Math.max(1, threshold, ...[...daily.values()].map((d) => d.count), ...bounds.map((b) => b.bound)) * 1.05;
  const y = (v: number) => top + (1 - v / maxY) * (H - top - bottom);
  const mine = run.incidents.filter((i) => i.category === category.category.id);
  const shade = mine
    .map((i) => {
      const x0 = x(Date.parse(i.openedAt));
      const x1 = Math.max(x0 + 1.5, x(Date.parse(i.resolvedAt ?? new Date(last).toISOString())));
      return `<rect x="${x0.toFixed(1)}" y="${top}" width="${(x1 - x0).toFixed(1)}" height="${H - top - bottom}" fill="#e4572e" fill-opacity="0.25"><title>${escapeHtml(`${i.id} (${i.detector}, peak ${i.peak})`)}</title></rect>`;
    })
    .join('');
  const volume = [...daily.values()].map((d) => `${x(d.last.getTime()).toFixed(1)},${y(d.count).toFixed(1)}`).join(' ');
  const boundLine = bounds.map((b) => `${x(b.t).toFixed(1)},${y(b.bound).toFixed(1)}`).join(' ');
  const years: string[] = [];
  for (let yr = new Date(first).getUTCFullYear() + 1; yr <= new Date(last).getUTCFullYear(); yr++) {
    const t = Date.UTC(yr, 0, 1);
    years.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top}" y2="${H - bottom}" stroke="#ccc"/><text x="${x(t).toFixed(1)}" y="${H - bottom + 16}" font-size="11" text-anchor="middle">${yr}</text>`);
  }
  const unit = category.category.threshold.windowMinutes === 1440 ? 'per day' : `per ${category.category.threshold.windowMinutes}-minute window`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="13" font-weight="bold">${escapeHtml(category.label)}: daily complaints, threshold ${threshold} and adaptive bound ${unit}; ${mine.length} incidents (${run.detector}) shaded</text>`,
    shade,
    ...years,
    `<polyline fill="none" stroke="#2e86ab" stroke-width="1" points="${volume}"/>`,
    boundLine ? `<polyline fill="none" stroke="#66a182" stroke-width="1.2" points="${boundLine}"/>` : '',
    `<line x1="${left}" x2="${W - right}" y1="${y(threshold).toFixed(1)}" y2="${y(threshold).toFixed(1)}" stroke="#d1495b" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#333"/><line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#333"/>`,
    `<text x="${left - 6}" y="${y(0).toFixed(1)}" font-size="11" text-anchor="end">0</text><text x="${left - 6}" y="${(y(maxY / 1.05) + 4).toFixed(1)}" font-size="11" text-anchor="end">${Math.round(maxY / 1.05)}</text>`,
    `<g font-size="11"><rect x="${W - 330}" y="${H - 16}" width="10" height="3" fill="#2e86ab"/><text x="${W - 316}" y="${H - 11}">daily volume</text>`,
    `<rect x="${W - 230}" y="${H - 16}" width="10" height="3" fill="#d1495b"/><text x="${W - 216}" y="${H - 11}">threshold</text>`,
    `<rect x="${W - 150}" y="${H - 16}" width="10" height="3" fill="#66a182"/><text x="${W - 136}" y="${H - 11}">adaptive bound</text></g>`,
    '</svg>',
  ].join('\n');
}

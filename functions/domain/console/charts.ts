/**
 * Server-rendered SVG charts for the console: no script, so the pages keep a CSP without
 * `script-src`, print and screenshot exactly as shown, and read the same on a phone. Axes are
 * labelled, y ticks are "nice" numbers, x labels are thinned so at most ~8 show however many points
 * (years of weekly data stay legible), and every series has a legend entry, a colour from a
 * colour-blind-safe palette and its own dash pattern.
 */
import { escapeHtml } from '../escape.ts';
import { html, trusted, type Html } from './html.ts';

/** Okabe–Ito colours (distinguishable with the common colour-vision deficiencies). */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '4 4', '1 2', '10 4', '3 6'];

export interface ChartSeries {
  readonly name: string;
  /** One value per x point; null where there is no figure (drawn as a gap). */
  readonly values: ReadonlyArray<number | null>;
}

export interface LineChartSpec {
  /** Unique on the page (the SVG title's element id). */
  readonly id: string;
  /** Accessible name of the chart (the SVG's title). */
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Label of each x point, e.g. the week's first day. */
  readonly xPoints: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Index ranges [from, to] (inclusive) to shade, e.g. days with an incident. */
  readonly shaded?: ReadonlyArray<{ readonly from: number; readonly to: number }>;
  /** Legend text of the shading. */
  readonly shadedLabel?: string;
  /** Horizontal reference lines (threshold, bound). */
  readonly references?: ReadonlyArray<{ readonly name: string; readonly value: number }>;
  /** Formats y tick values (e.g. percentages). @default String */
  readonly yFormat?: (value: number) => string;
  /** Fixed y maximum (e.g. 1 for rates). @default a nice number above the data */
  readonly yMax?: number;
  /** Bars instead of lines (counts per day). @default false */
  readonly bars?: boolean;
}

/** Up to `target` evenly spaced "nice" ticks (1, 2, 2.5, 5 × 10^n) from 0 to at least `max`. */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step / 2 && ticks.length <= target + 1; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if (ticks[ticks.length - 1]! < max) ticks.push(Math.round((ticks[ticks.length - 1]! + step) * 1e6) / 1e6);
  return ticks;
}

/** Indexes of the x labels to print: every k-th so that at most `maxLabels` show, always the last. */
export function xLabelIndexes(count: number, maxLabels = 8): number[] {
  if (count <= 0) return [];
  const step = Math.max(1, Math.ceil(count / maxLabels));
  const out: number[] = [];
  for (let i = 0; i < count; i += step) out.push(i);
  // The newest point always gets its label; when it would crowd the previous one, it takes that one's place.
  if (out[out.length - 1] !== count - 1) {
    if (count - 1 - out[out.length - 1]! < step && out.length > 1) out.pop();
    out.push(count - 1);
  }
  return out;
}

const W = 640;
const H = 260;
const M = { top: 12, right: 12, bottom: 52, left: 56 };

/** A line (or bar) chart with axes, ticks, axis labels and a legend, as inline SVG inside a figure. */
export function lineChart(spec: LineChartSpec): Html {
  const id = `chart-${spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const fmt = spec.yFormat ?? ((v: number) => String(v));
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const dataMax = Math.max(0, ...values, ...(spec.references ?? []).map((r) => r.value));
  const ticks = spec.yMax !== undefined ? niceTicks(spec.yMax, 4).filter((t) => t <= spec.yMax! + 1e-9) : niceTicks(dataMax || 1);
  const yTop = spec.yMax ?? ticks[ticks.length - 1]!;
  const n = spec.xPoints.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const band = n > 0 ? plotW / n : plotW;
  const x = (i: number) => M.left + band * (i + 0.5);
  const y = (v: number) => M.top + plotH - (yTop > 0 ? (v / yTop) * plotH : 0);
  const parts: string[] = [];
  for (const s of spec.shaded ?? []) {
    const from = Math.max(0, s.from);
    const to = Math.min(n - 1, s.to);
    if (to < from) continue;
    parts.push(`<rect class="shade" x="${(M.left + band * from).toFixed(1)}" y="${M.top}" width="${(band * (to - from + 1)).toFixed(1)}" height="${plotH}" fill="#fde68a" fill-opacity="0.6"/>`);
  }
  for (const t of ticks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#d1d5db" stroke-width="1"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#374151">${escapeHtml(fmt(t))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="#374151"/>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#374151"/>`);
  for (const i of xLabelIndexes(n)) {
    parts.push(`<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}" stroke="#374151"/>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${M.top + plotH + 18}" text-anchor="middle" font-size="12" fill="#374151">${escapeHtml(spec.xPoints[i] ?? '')}</text>`);
  }
  parts.push(`<text x="${M.left + plotW / 2}" y="${H - 6}" text-anchor="middle" font-size="12" fill="#111827">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#111827">${escapeHtml(spec.yLabel)}</text>`);
  spec.series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    if (spec.bars) {
      const w = Math.max(1, (band * 0.8) / spec.series.length);
      s.values.forEach((v, i) => {
        if (v === null) return;
        const bx = M.left + band * i + band * 0.1 + w * k;
        parts.push(`<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${w.toFixed(1)}" height="${(M.top + plotH - y(v)).toFixed(1)}" fill="${colour}"/>`);
      });
      return;
    }
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    const dash = DASHES[k % DASHES.length];
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    s.values.forEach((v, i) => {
      if (v !== null && n <= 60) parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${colour}"/>`);
    });
  });
  (spec.references ?? []).forEach((r, k) => {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(r.value).toFixed(1)}" y2="${y(r.value).toFixed(1)}" stroke="${k ? '#7c3aed' : '#b91c1c'}" stroke-width="1.5" stroke-dasharray="5 4"/>`);
  });
  const svg = trusted(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${escapeHtml(spec.title)}</title>${parts.join('')}</svg>`,
  );
  const swatch = (colour: string, dash: string | undefined, kind: 'line' | 'bar' | 'shade' | 'ref') =>
    trusted(
      kind === 'line'
        ? `<svg width="28" height="10" aria-hidden="true"><line x1="1" x2="27" y1="5" y2="5" stroke="${colour}" stroke-width="3"${dash ? ` stroke-dasharray="${dash}"` : ''}/></svg>`
        : kind === 'ref'
          ? `<svg width="28" height="10" aria-hidden="true"><line x1="1" x2="27" y1="5" y2="5" stroke="${colour}" stroke-width="2" stroke-dasharray="5 4"/></svg>`
          : `<svg width="14" height="10" aria-hidden="true"><rect width="14" height="10" fill="${colour}"${kind === 'shade' ? ' fill-opacity="0.6"' : ''}/></svg>`,
    );
  const legend = [
    ...spec.series.map((s, k) => html`<li>${swatch(PALETTE[k % PALETTE.length]!, DASHES[k % DASHES.length], spec.bars ? 'bar' : 'line')} ${s.name}</li>`),
    ...(spec.references ?? []).map((r, k) => html`<li>${swatch(k ? '#7c3aed' : '#b91c1c', undefined, 'ref')} ${r.name} (${fmt(r.value)})</li>`),
    ...(spec.shaded?.length && spec.shadedLabel ? [html`<li>${swatch('#fde68a', undefined, 'shade')} ${spec.shadedLabel}</li>`] : []),
  ];
  return html`<figure class="chart-box" tabindex="0">${svg}<figcaption><ul class="legend">${legend}</ul></figcaption></figure>`;
}

/**
 * Lays out a {@link ChartSpec} as a grouped (horizontal) bar chart and writes it as SVG.
 *
 * Pure and deterministic: every text is placed with widths computed from the chart font's advance
 * widths (`assets/fonts/chart-sans-gb2312.ttf`, WenQuanYi Micro Hei), rounded up, so a text never
 * runs past the canvas or into its neighbour; long category names wrap onto two lines and are then
 * cut with an ellipsis. The layout is returned as data (texts, rectangles, lines) so tests
 * can check every text's box, and {@link chartSvg} writes that one layout.
 */
import type { ChartSpec } from './chart-spec.ts';
import { escapeHtml } from './escape.ts';

/** The font family every chart text uses; the PNG renderer loads exactly this font. */
export const CHART_FONT_FAMILY = 'WenQuanYi Micro Hei';

/** Width of the chart in CSS pixels (the PNG is rendered at twice this). */
export const CHART_WIDTH = 600;

/** At most this many series: each has a colour that stays distinguishable in grey scale. */
export const MAX_SERIES = 3;

/**
 * Series colours, ordered so that any first `n` differ strongly in lightness (CIE L* about 26, 80
 * and 52): dark blue, amber and vermilion, which people with the common colour-vision deficiencies
 * and a grey-scale printout still tell apart. Every bar also has a dark outline, so the light amber
 * stands off the white background.
 */
export const SERIES_COLOURS: readonly string[] = ['#1f3c73', '#f2c14e', '#d2571b'];

/*
 * Font sizes are for the 600 px canvas; a phone shows it at about 360 px, where 15 px text is still
 * about 9 px tall.
 */
const INK = '#1a1a1a';
const MUTED_INK = '#4a4a4a';
const GRID = '#d9d9d9';
const PADDING = 16;
const TITLE_SIZE = 20;
const AXIS_TITLE_SIZE = 16;
const TICK_SIZE = 15;
const CATEGORY_SIZE = 15;
const VALUE_SIZE = 14;
const LEGEND_SIZE = 15;
const LINE_HEIGHT = 1.3;
/* The font's U+2026 is a centred, full-width CJK ellipsis: Latin text is cut with three full stops. */
const CJK_ELLIPSIS = '…';
const LATIN_ELLIPSIS = '...';

/** Thrown for a spec no chart can show: series of the wrong length, negative or non-finite values. */
export class ChartSpecError extends Error {
  override name = 'ChartSpecError';
}

/** One line of text, placed at its baseline. */
export interface ChartText {
  readonly role: 'title' | 'legend' | 'tick' | 'category' | 'value' | 'xLabel' | 'yLabel';
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly fontSize: number;
  readonly anchor: 'start' | 'middle' | 'end';
  /** Drawn turned 90° counter-clockwise about (x, y) (the y axis title). */
  readonly vertical?: boolean;
  readonly fill: string;
}

/** A filled rectangle: a bar or a legend swatch. */
export interface ChartRect {
  readonly role: 'bar' | 'swatch';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly fill: string;
}

/** A straight line: an axis or a grid line. */
export interface ChartLine {
  readonly role: 'axis' | 'grid';
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly stroke: string;
}

/** Everything drawn, in CSS pixels, with the origin at the top left. */
export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  readonly lang: ChartSpec['lang'];
  /** A one-sentence description for `aria-label` and an email's `alt` text. */
  readonly description: string;
  readonly texts: readonly ChartText[];
  readonly rects: readonly ChartRect[];
  readonly lines: readonly ChartLine[];
  /** The y axis ticks, from 0 up. */
  readonly ticks: readonly number[];
}

/** An axis-aligned box. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/*
 * Advance widths of the printable ASCII characters (0x20–0x7E) in the chart font, in em, rounded
 * up to the next 0.01. Anything else counts as 1 em: the font's CJK, full-width and punctuation
 * glyphs are 1 em, and its Latin-1 letters are narrower.
 */
const ASCII_WIDTHS = [
  0.27, 0.28, 0.41, 0.65, 0.56, 0.83, 0.71, 0.23, 0.31, 0.31, 0.56, 0.56, 0.26, 0.33, 0.28, 0.38, // space to /
  0.56, 0.56, 0.56, 0.56, 0.56, 0.56, 0.56, 0.56, 0.56, 0.56, 0.28, 0.28, 0.56, 0.56, 0.56, 0.43, // 0 to ?
  0.87, 0.62, 0.63, 0.61, 0.69, 0.54, 0.5, 0.7, 0.71, 0.34, 0.28, 0.59, 0.5, 0.88, 0.74, 0.75, // @ to O
  0.58, 0.75, 0.6, 0.53, 0.53, 0.71, 0.58, 0.89, 0.55, 0.53, 0.55, 0.31, 0.38, 0.31, 0.54, 0.42, // P to _
  0.59, 0.54, 0.59, 0.47, 0.59, 0.54, 0.34, 0.53, 0.6, 0.27, 0.27, 0.5, 0.27, 0.9, 0.6, 0.58, // ` to o
  0.59, 0.59, 0.41, 0.46, 0.35, 0.6, 0.49, 0.75, 0.51, 0.5, 0.45, 0.36, 0.56, 0.36, 0.56, // p to ~
];

/** The width of `text` at `fontSize` in the chart font (an upper bound: widths are rounded up). */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    em += code >= 0x20 && code <= 0x7e ? (ASCII_WIDTHS[code - 0x20] ?? 1) : 1;
  }
  return em * fontSize;
}

/* The font's glyphs reach at most 1 em above the baseline (box drawing) and 0.26 em below (checked by tests/adapters/chart-png.test.ts). */
const ASCENT = 1;
const DESCENT = 0.26;
/* Some glyphs' ink overhangs their advance a little (the hook of a final "f"). */
const OVERHANG = 0.06;

/** The box a text can occupy once drawn (an upper bound, from {@link textWidth} and the font's extent). */
export function textBox(text: ChartText): Box {
  const width = textWidth(text.text, text.fontSize);
  const start = text.anchor === 'start' ? 0 : text.anchor === 'middle' ? -width / 2 : -width;
  const overhang = OVERHANG * text.fontSize;
  if (text.vertical) {
    // Turned counter-clockwise: the text runs bottom to top and its "up" points left.
    return {
      left: text.x - ASCENT * text.fontSize,
      right: text.x + DESCENT * text.fontSize,
      top: text.y - start - width - overhang,
      bottom: text.y - start + overhang,
    };
  }
  return {
    left: text.x + start - overhang,
    right: text.x + start + width + overhang,
    top: text.y - ASCENT * text.fontSize,
    bottom: text.y + DESCENT * text.fontSize,
  };
}

/** Whether two boxes overlap (touching edges do not). */
export function boxesOverlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Removes what XML cannot hold (control characters) and folds white space, so a text is one line. */
function cleanText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** `text` cut so that it and an ellipsis fit in `width` (the text itself when it fits). */
export function truncateToWidth(text: string, width: number, fontSize: number): string {
  return textWidth(text, fontSize) <= width ? text : withEllipsis(text, width, fontSize);
}

/* Han, kana, hangul, full-width and CJK punctuation: a line may break before or after any of them. */
const BREAK_ANYWHERE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u;

/** Words (runs of Latin letters and digits) and single CJK characters, with the spaces between them. */
function breakUnits(text: string): string[] {
  const units: string[] = [];
  let word = '';
  for (const char of text) {
    if (char === ' ' || BREAK_ANYWHERE.test(char)) {
      if (word) units.push(word);
      units.push(char);
      word = '';
    } else {
      word += char;
    }
  }
  if (word) units.push(word);
  return units;
}

/**
 * Wraps `text` into at most `maxLines` lines of at most `width`: at spaces and around CJK
 * characters, inside a word only when the word alone is too wide. What does not fit ends the last
 * line with an ellipsis.
 */
export function wrapText(text: string, width: number, fontSize: number, maxLines: number): string[] {
  const clean = cleanText(text);
  if (!clean) return [];
  const lines: string[] = [];
  let line = '';
  const push = (): void => {
    if (line.trim()) lines.push(line.trim());
    line = '';
  };
  for (const unit of breakUnits(clean)) {
    if (textWidth(line + unit, fontSize) <= width) {
      line += unit;
      continue;
    }
    if (unit === ' ') {
      push();
      continue;
    }
    push();
    if (textWidth(unit, fontSize) <= width) {
      line = unit;
      continue;
    }
    for (const char of unit) {
      if (textWidth(line + char, fontSize) > width) push();
      line += char;
    }
  }
  push();
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines - 1), withEllipsis(lines[maxLines - 1] ?? '', width, fontSize)].filter((l) => l.length > 0);
}

/** `text` followed by an ellipsis (marking that more followed), cut so that both fit in `width`. */
function withEllipsis(text: string, width: number, fontSize: number): string {
  const chars = [...text];
  const ellipsis = (): string => (BREAK_ANYWHERE.test(chars.join('').trimEnd().slice(-1)) ? CJK_ELLIPSIS : LATIN_ELLIPSIS);
  while (chars.length > 0 && textWidth(`${chars.join('').trimEnd()}${ellipsis()}`, fontSize) > width) chars.pop();
  if (chars.length === 0) return textWidth(LATIN_ELLIPSIS, fontSize) <= width ? LATIN_ELLIPSIS : '';
  return `${chars.join('').trimEnd()}${ellipsis()}`;
}

/**
 * Round value axis ticks from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, about
 * `count` of them, whole numbers only when every value is whole.
 */
export function niceTicks(max: number, integers: boolean, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(integers ? 1 : 0, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power);
  const steps = Math.ceil(max / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** Formats axis and bar values for the chart's language: compact (1.5M, 150万) from a million up. */
function numberFormat(lang: ChartSpec['lang'], top: number): Intl.NumberFormat {
  return top >= 1_000_000
    ? new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 })
    : new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
}

function validate(spec: ChartSpec): void {
  if (spec.series.length > MAX_SERIES) throw new ChartSpecError(`series: at most ${MAX_SERIES} series, got ${spec.series.length}`);
  spec.series.forEach((series, s) => {
    if (series.values.length !== spec.categories.length) {
      throw new ChartSpecError(`series.${s}.values: ${series.values.length} values for ${spec.categories.length} categories`);
    }
    series.values.forEach((value, i) => {
      if (!Number.isFinite(value) || value < 0) throw new ChartSpecError(`series.${s}.values.${i}: ${value} is not a finite number ≥ 0`);
    });
  });
}

/**
 * Lays out `spec` as horizontal grouped bars, so category names get a column of their own instead of
 * a sliver under each group (on a phone the 600 px chart is shown about 360 px wide): title, legend,
 * a group of bars per category (one bar per series, each with its value at its end), category names
 * wrapped to two lines in the left column with the category axis title (`xLabel`) turned along it,
 * the value axis with round ticks and grid lines at the bottom and its title (`yLabel`) under it.
 * The height follows from the number of categories and series; the width is {@link CHART_WIDTH}.
 *
 * @throws ChartSpecError when a series' length differs from the categories' or a value is negative
 *   or not finite, or there are more than {@link MAX_SERIES} series
 */
export function layoutChart(spec: ChartSpec): ChartLayout {
  validate(spec);
  const width = CHART_WIDTH;
  const contentWidth = width - 2 * PADDING;
  const texts: ChartText[] = [];
  const rects: ChartRect[] = [];
  const lines: ChartLine[] = [];
  let y = PADDING;

  for (const line of wrapText(spec.title, contentWidth, TITLE_SIZE, 2)) {
    y += TITLE_SIZE * LINE_HEIGHT;
    texts.push({ role: 'title', text: line, x: PADDING, y: y - 0.3 * TITLE_SIZE, fontSize: TITLE_SIZE, anchor: 'start', fill: INK });
  }

  // Legend: swatch and name per series, flowing onto further rows when the width runs out.
  const swatch = 14;
  const legendRow = LEGEND_SIZE * 1.6;
  let legendX = PADDING;
  if (spec.series.length > 0) y += 6;
  let legendTop = y;
  spec.series.forEach((series, s) => {
    const name = truncateToWidth(cleanText(series.name), contentWidth - swatch - 6, LEGEND_SIZE);
    const itemWidth = swatch + 6 + textWidth(name, LEGEND_SIZE);
    if (legendX > PADDING && legendX + itemWidth > width - PADDING) {
      legendX = PADDING;
      legendTop += legendRow;
    }
    const fill = SERIES_COLOURS[s] ?? INK;
    rects.push({ role: 'swatch', x: legendX, y: legendTop + (legendRow - swatch) / 2, width: swatch, height: swatch, fill });
    texts.push({
      role: 'legend',
      text: name,
      x: legendX + swatch + 6,
      y: legendTop + legendRow / 2 + 0.35 * LEGEND_SIZE,
      fontSize: LEGEND_SIZE,
      anchor: 'start',
      fill: INK,
    });
    legendX += itemWidth + 20;
  });
  if (spec.series.length > 0) y = legendTop + legendRow;
  const plotTop = y + 14;

  const values = spec.series.flatMap((series) => series.values);
  const max = Math.max(0, ...values);
  const integers = values.every(Number.isInteger);

  // Left to right: the category axis title (turned), the category names, the plot, room for the
  // value at the end of the longest bar and for half of the last tick label.
  const xTitle = truncateToWidth(cleanText(spec.xLabel), 10_000, AXIS_TITLE_SIZE);
  const xTitleX = PADDING + ASCENT * AXIS_TITLE_SIZE;
  const namesLeft = xTitle ? Math.ceil(xTitleX + DESCENT * AXIS_TITLE_SIZE + 8) : PADDING;
  const wordWidths = spec.categories.map((category) => textWidth(cleanText(category), CATEGORY_SIZE));
  const namesWidth = Math.min(Math.max(0, ...wordWidths), Math.floor(contentWidth * 0.36));
  const plotLeft = Math.ceil(namesLeft + namesWidth + 8);

  // About five ticks, fewer when their labels would not have room between them.
  const scale = (count: number) => {
    const ticks = niceTicks(max, integers, count);
    const top = ticks[ticks.length - 1] ?? 1;
    const format = numberFormat(spec.lang, top);
    const tickLabels = ticks.map((tick) => format.format(tick));
    const valueLabels = spec.series.map((series) => series.values.map((value) => format.format(value)));
    const valueLabelWidth = Math.max(0, ...valueLabels.flat().map((label) => textWidth(label, VALUE_SIZE)));
    const lastTickHalf = textWidth(tickLabels[tickLabels.length - 1] ?? '', TICK_SIZE) / 2;
    const plotRight = Math.floor(width - PADDING - Math.max(lastTickHalf, valueLabelWidth + 6));
    const spacing = (plotRight - plotLeft) / Math.max(1, ticks.length - 1);
    const fits = tickLabels.every((label) => textWidth(label, TICK_SIZE) + 2 * OVERHANG * TICK_SIZE + 8 <= spacing);
    return { ticks, top, format, tickLabels, valueLabels, plotRight, fits };
  };
  const { ticks, top, format, tickLabels, valueLabels, plotRight } = [5, 4, 3, 2, 1].map(scale).find((s) => s.fits) ?? scale(1);
  const plotWidth = plotRight - plotLeft;
  const xOf = (value: number): number => plotLeft + (value / top) * plotWidth;

  // Groups: as tall as their bars or their (up to two) name lines, whichever is more.
  const categoryLine = CATEGORY_SIZE * LINE_HEIGHT;
  const names = spec.categories.map((category) => wrapText(category, namesWidth, CATEGORY_SIZE, 2));
  const nameLines = Math.max(1, ...names.map((n) => n.length));
  const barThickness = Math.ceil(VALUE_SIZE * (ASCENT + DESCENT)) + 2;
  const groupGap = 12;
  const groupHeight = Math.max(spec.series.length * barThickness, nameLines * categoryLine) + groupGap;
  const groupsHeight = Math.max(1, spec.categories.length) * groupHeight;
  // Tall enough for the turned category axis title (up to 220 px), the groups centred in it.
  const plotHeight = Math.max(groupsHeight, Math.min(220, xTitle ? textWidth(xTitle, AXIS_TITLE_SIZE) + 2 * OVERHANG * AXIS_TITLE_SIZE + 8 : 0));
  const plotBottom = plotTop + plotHeight;
  const groupsTop = plotTop + (plotHeight - groupsHeight) / 2;

  spec.categories.forEach((_, c) => {
    const groupTop = groupsTop + c * groupHeight;
    const middle = groupTop + groupHeight / 2;
    const barsTop = middle - (spec.series.length * barThickness) / 2;
    spec.series.forEach((series, s) => {
      const value = series.values[c] ?? 0;
      const barY = barsTop + s * barThickness;
      const barEnd = xOf(value);
      rects.push({ role: 'bar', x: plotLeft, y: barY, width: barEnd - plotLeft, height: barThickness, fill: SERIES_COLOURS[s] ?? INK });
      texts.push({
        role: 'value',
        text: valueLabels[s]?.[c] ?? '',
        x: barEnd + 4,
        y: barY + barThickness / 2 + 0.37 * VALUE_SIZE,
        fontSize: VALUE_SIZE,
        anchor: 'start',
        fill: INK,
      });
    });
    const nameLinesHere = names[c] ?? [];
    const namesTop = middle - (nameLinesHere.length * categoryLine) / 2;
    nameLinesHere.forEach((line, l) => {
      texts.push({
        role: 'category',
        text: line,
        x: plotLeft - 8,
        y: namesTop + (l + 1) * categoryLine - 0.3 * CATEGORY_SIZE,
        fontSize: CATEGORY_SIZE,
        anchor: 'end',
        fill: INK,
      });
    });
  });
  if (xTitle) {
    texts.push({
      role: 'xLabel',
      text: truncateToWidth(xTitle, plotHeight - 2 * OVERHANG * AXIS_TITLE_SIZE, AXIS_TITLE_SIZE),
      x: xTitleX,
      y: (plotTop + plotBottom) / 2,
      fontSize: AXIS_TITLE_SIZE,
      anchor: 'middle',
      vertical: true,
      fill: INK,
    });
  }

  // The value axis along the bottom: grid lines up through the plot, tick labels under it.
  ticks.forEach((tick, i) => {
    const tickX = xOf(tick);
    if (tick > 0) lines.push({ role: 'grid', x1: tickX, y1: plotTop, x2: tickX, y2: plotBottom, stroke: GRID });
    texts.push({ role: 'tick', text: tickLabels[i] ?? '', x: tickX, y: plotBottom + 6 + TICK_SIZE * (LINE_HEIGHT - 0.3), fontSize: TICK_SIZE, anchor: 'middle', fill: MUTED_INK });
  });
  lines.push({ role: 'axis', x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: INK });
  lines.push({ role: 'axis', x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: INK });
  y = plotBottom + 6 + TICK_SIZE * LINE_HEIGHT;

  const yTitle = truncateToWidth(cleanText(spec.yLabel), plotRight - PADDING, AXIS_TITLE_SIZE);
  if (yTitle) {
    y += 6 + AXIS_TITLE_SIZE * LINE_HEIGHT;
    const centre = Math.min(Math.max((plotLeft + plotRight) / 2, PADDING + textWidth(yTitle, AXIS_TITLE_SIZE) / 2), plotRight - textWidth(yTitle, AXIS_TITLE_SIZE) / 2);
    texts.push({ role: 'yLabel', text: yTitle, x: centre, y: y - 0.3 * AXIS_TITLE_SIZE, fontSize: AXIS_TITLE_SIZE, anchor: 'middle', fill: INK });
  }

  return {
    width,
    height: Math.ceil(y + PADDING),
    lang: spec.lang,
    description: describe(spec, format),
    texts,
    rects,
    lines,
    ticks,
  };
}

/** A short text equivalent of the chart: title and, per series, each category's value. */
function describe(spec: ChartSpec, format: Intl.NumberFormat): string {
  const separator = spec.lang === 'zh-CN' ? '；' : '; ';
  const colon = spec.lang === 'zh-CN' ? '：' : ': ';
  const comma = spec.lang === 'zh-CN' ? '，' : ', ';
  const parts = spec.series.map(
    (series) => `${cleanText(series.name)}${colon}${spec.categories.map((category, i) => `${cleanText(category)} ${format.format(series.values[i] ?? 0)}`).join(comma)}`,
  );
  return [cleanText(spec.title), ...parts].filter(Boolean).join(separator);
}

/** Rounds to a tenth of a pixel: enough for a 2x rendering, and keeps the SVG short. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Writes a layout as a standalone SVG document; every text is escaped. */
export function layoutToSvg(layout: ChartLayout): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="${escapeHtml(layout.description)}" xml:lang="${layout.lang}" font-family="${CHART_FONT_FAMILY}">`,
    `<rect x="0" y="0" width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
  ];
  for (const line of layout.lines) {
    parts.push(`<line x1="${px(line.x1)}" y1="${px(line.y1)}" x2="${px(line.x2)}" y2="${px(line.y2)}" stroke="${line.stroke}" stroke-width="1"/>`);
  }
  for (const rect of layout.rects) {
    parts.push(
      `<rect x="${px(rect.x)}" y="${px(rect.y)}" width="${px(rect.width)}" height="${px(rect.height)}" fill="${rect.fill}" stroke="${INK}" stroke-width="0.75"/>`,
    );
  }
  for (const text of layout.texts) {
    const rotate = text.vertical ? ` transform="rotate(-90 ${px(text.x)} ${px(text.y)})"` : '';
    parts.push(
      `<text x="${px(text.x)}" y="${px(text.y)}" font-size="${text.fontSize}" text-anchor="${text.anchor}" fill="${text.fill}"${rotate}>${escapeHtml(text.text)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * What an email's `<img>` of the chart needs: its size in CSS pixels (the PNG has twice as many) and
 * a text alternative listing the figures, in the chart's language.
 *
 * @throws ChartSpecError as {@link layoutChart}
 */
export function chartImageAttributes(spec: ChartSpec): { width: number; height: number; alt: string } {
  const layout = layoutChart(spec);
  return { width: layout.width, height: layout.height, alt: layout.description };
}

/** The SVG of a grouped bar chart for `spec` ({@link layoutChart} then {@link layoutToSvg}). */
export function chartSvg(spec: ChartSpec): string {
  return layoutToSvg(layoutChart(spec));
}

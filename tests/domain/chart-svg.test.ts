import { describe, expect, it } from 'vitest';
import {
  boxesOverlap,
  type ChartRect,
  CHART_WIDTH,
  ChartSpecError,
  chartImageAttributes,
  chartSvg,
  layoutChart,
  niceTicks,
  SERIES_COLOURS,
  textBox,
  textWidth,
  truncateToWidth,
  wrapText,
} from '../../functions/domain/chart-svg.ts';
import { chartCases, englishSpec, chineseSpec } from './chart-cases.ts';

describe('niceTicks', () => {
  it.each([
    { max: 0, integers: true, ticks: [0, 1] },
    { max: 1, integers: true, ticks: [0, 1] },
    { max: 3, integers: true, ticks: [0, 1, 2, 3] },
    { max: 7, integers: true, ticks: [0, 2, 4, 6, 8] },
    { max: 30, integers: true, ticks: [0, 10, 20, 30] },
    { max: 31, integers: true, ticks: [0, 10, 20, 30, 40] },
    { max: 99, integers: true, ticks: [0, 20, 40, 60, 80, 100] },
    { max: 0.37, integers: false, ticks: [0, 0.1, 0.2, 0.3, 0.4] },
    { max: 0.37, integers: true, ticks: [0, 1] },
    { max: 2_500_000_000, integers: true, ticks: [0, 500_000_000, 1_000_000_000, 1_500_000_000, 2_000_000_000, 2_500_000_000] },
  ])('$max (whole numbers: $integers) → $ticks', ({ max, integers, ticks }) => {
    expect(niceTicks(max, integers)).toEqual(ticks);
  });

  it('takes fewer, larger steps when asked for fewer ticks', () => {
    expect(niceTicks(863_199, true, 2)).toEqual([0, 500_000, 1_000_000]);
    expect(niceTicks(863_199, true, 1)).toEqual([0, 1_000_000]);
  });
});

describe('wrapText and truncateToWidth', () => {
  it.each([
    { text: 'Billing', width: 100, lines: ['Billing'] },
    { text: 'Delivery delays and missing parcels', width: 90, lines: ['Delivery', 'delays and', 'missing...'] },
    { text: 'Supercalifragilisticexpialidocious', width: 60, lines: ['Supercali', 'fragilistic', 'expiali...'] },
    { text: '物流延误与包裹丢失问题', width: 70, lines: ['物流延误与', '包裹丢失问', '题'] },
    { text: '物流延误与包裹丢失问题和其他配送事项', width: 70, lines: ['物流延误与', '包裹丢失问', '题和其他…'] },
    { text: 'Website & app 网站', width: 200, lines: ['Website & app 网站'] },
    { text: '  line\nbreaks\tand\u0000controls  ', width: 500, lines: ['line breaks and controls'] },
    { text: '', width: 100, lines: [] },
  ])('$text in $width px', ({ text, width, lines }) => {
    const wrapped = wrapText(text, width, 14, 3);
    expect(wrapped).toEqual(lines);
    for (const line of wrapped) expect(textWidth(line, 14)).toBeLessThanOrEqual(width);
  });

  it('cuts Latin text with three full stops and Chinese with an ellipsis, within the width', () => {
    expect(truncateToWidth('Complaints per category', 100, 14)).toMatch(/^Complaints.*\.\.\.$/);
    expect(truncateToWidth('各类别投诉量上周与前一周', 100, 14)).toMatch(/…$/);
    expect(truncateToWidth('short', 100, 14)).toBe('short');
    expect(textWidth(truncateToWidth('Complaints per category', 100, 14), 14)).toBeLessThanOrEqual(100);
  });
});

describe('layoutChart', () => {
  it('labels both axes, lists every series in the legend, and ticks the value axis from 0', () => {
    const layout = layoutChart(englishSpec);
    const texts = (role: string) => layout.texts.filter((t) => t.role === role).map((t) => t.text);
    expect(texts('xLabel')).toEqual(['Category']);
    expect(texts('yLabel')).toEqual(['Complaints']);
    expect(texts('legend')).toEqual(['Week of 16 Nov', 'Week of 23 Nov']);
    expect(texts('tick')).toEqual(['0', '10', '20', '30']);
    expect(texts('title').join(' ')).toBe('Complaints received per category: last week against the week before');
    expect(layout.rects.filter((r) => r.role === 'bar')).toHaveLength(12);
    expect(layout.rects.filter((r) => r.role === 'swatch').map((r) => r.fill)).toEqual(SERIES_COLOURS.slice(0, 2));
    expect(texts('value')).toEqual(['12', '15', '30', '22', '7', '9', '0', '3', '19', '25', '4', '6']);
  });

  it('makes a bar as long as its value on the tick scale, starting at the category axis', () => {
    const layout = layoutChart({ ...englishSpec, series: [{ name: 'a', values: [10, 20, 30, 0, 5, 15] }] });
    const bars = layout.rects.filter((r) => r.role === 'bar');
    const axis = layout.lines.find((l) => l.role === 'axis' && l.x1 === l.x2);
    const ten = bars[0]?.width ?? 0;
    expect(ten).toBeGreaterThan(0);
    expect(bars.map((b) => b.width / ten)).toEqual([1, 2, 3, 0, 0.5, 1.5].map((v) => expect.closeTo(v, 6)));
    for (const bar of bars) expect(bar.x).toBe(axis?.x1);
  });

  it('writes Chinese labels and formats numbers in the chart language (compact from a million)', () => {
    const layout = layoutChart(chineseSpec);
    expect(layout.texts.filter((t) => t.role === 'yLabel').map((t) => t.text)).toEqual(['投诉数量']);
    const huge = layoutChart({ ...chineseSpec, series: [{ name: '本周', values: [3_000_000, 0, 0, 0, 0, 0] }] });
    expect(huge.texts.filter((t) => t.role === 'tick').map((t) => t.text)).toContain('300万');
    const hugeEn = layoutChart({ ...englishSpec, series: [{ name: 'This week', values: [3_000_000, 0, 0, 0, 0, 0] }] });
    expect(hugeEn.texts.filter((t) => t.role === 'tick').map((t) => t.text)).toContain('3M');
  });

  it('writes each value just past the end of its bar, also for 12 categories of 3 series', () => {
    const layout = layoutChart(chartCases.find((c) => c.name === 'en, 12 categories, 3 series, huge values')?.spec ?? englishSpec);
    const bars = layout.rects.filter((r) => r.role === 'bar');
    const values = layout.texts.filter((t) => t.role === 'value');
    expect(values).toHaveLength(36);
    values.forEach((value, i) => expect(value.x).toBeCloseTo((bars[i]?.x ?? 0) + (bars[i]?.width ?? 0) + 4, 6));
  });

  it.each([
    { name: 'a series of the wrong length', spec: { ...englishSpec, series: [{ name: 'a', values: [1] }] }, path: /series\.0\.values/ },
    { name: 'a negative value', spec: { ...englishSpec, series: [{ name: 'a', values: [1, 2, -3, 4, 5, 6] }] }, path: /series\.0\.values\.2/ },
    { name: 'a NaN', spec: { ...englishSpec, series: [{ name: 'a', values: [1, 2, 3, Number.NaN, 5, 6] }] }, path: /series\.0\.values\.3/ },
    { name: 'four series', spec: { ...englishSpec, series: Array.from({ length: 4 }, () => ({ name: 'a', values: [1, 2, 3, 4, 5, 6] })) }, path: /series: at most 3/ },
  ])('rejects $name, naming the field', ({ spec, path }) => {
    expect(() => layoutChart(spec)).toThrow(ChartSpecError);
    expect(() => layoutChart(spec)).toThrow(path);
  });

  it('draws axes and ticks for no categories at all', () => {
    const layout = layoutChart({ ...englishSpec, categories: [], series: [{ name: 'a', values: [] }] });
    expect(layout.ticks).toEqual([0, 1]);
    expect(layout.lines.filter((l) => l.role === 'axis')).toHaveLength(2);
  });

  // Every text stays inside the canvas and clear of every other text, by the font's own (rounded up)
  // widths; tests/adapters/chart-png.test.ts checks those boxes against what resvg really draws.
  it.each(chartCases)('$name: every text inside the canvas, none overlapping', ({ spec }) => {
    const layout = layoutChart(spec);
    expect(layout.width).toBe(CHART_WIDTH);
    const boxes = layout.texts.map((text) => ({ text, box: textBox(text) }));
    const outside = boxes.filter(({ box }) => box.left < 0 || box.top < 0 || box.right > layout.width || box.bottom > layout.height);
    expect(outside.map(({ text }) => text.text)).toEqual([]);
    const overlapping = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => boxesOverlap(a.box, b.box)).map((b) => `"${a.text.text}" and "${b.text.text}"`));
    expect(overlapping).toEqual([]);
    for (const rect of layout.rects) {
      expect(rect.x).toBeGreaterThanOrEqual(0);
      expect(rect.x + rect.width).toBeLessThanOrEqual(layout.width);
      expect(rect.y + rect.height).toBeLessThanOrEqual(layout.height);
    }
    // No bar or swatch runs into a text (value labels sit just above their bars).
    const rectBox = (r: ChartRect) => ({ left: r.x, right: r.x + r.width, top: r.y, bottom: r.y + r.height });
    const covered = layout.rects.flatMap((rect) => boxes.filter(({ box }) => boxesOverlap(box, rectBox(rect))).map(({ text }) => `${rect.role} under "${text.text}"`));
    expect(covered).toEqual([]);
  });
});

describe('chartSvg', () => {
  it('escapes every text and keeps the SVG well formed', () => {
    const svg = chartSvg({
      ...englishSpec,
      title: 'A <b>bold</b> & "quoted" title',
      categories: ['<script>', 'a&b', "it's", 'x', 'y', 'z'],
    });
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="600" height="\d+"/);
    expect(svg).toContain('xml:lang="en"');
    // Every opened element is closed: text elements pair up and nothing else nests.
    expect(svg.match(/<text /g)?.length).toBe(svg.match(/<\/text>/g)?.length);
  });

  it('gives an image tag its CSS size and the same description as alt text', () => {
    const layout = layoutChart(englishSpec);
    expect(chartImageAttributes(englishSpec)).toEqual({ width: 600, height: layout.height, alt: layout.description });
  });

  it('describes the chart for screen readers in its language', () => {
    expect(chartSvg(chineseSpec)).toContain('aria-label="各类别投诉量：上周与前一周对比；11月16日当周：账单 12，');
    expect(chartSvg(englishSpec)).toContain('aria-label="Complaints received per category: last week against the week before; Week of 16 Nov: Billing 12, ');
  });
});

describe('series colours', () => {
  /** CIE L* of an sRGB colour: what is left of it in grey scale. */
  function lightness(hex: string): number {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (24389 / 27) * y;
  }

  it('differ by at least 20 L* from each other in grey scale', () => {
    const l = SERIES_COLOURS.map(lightness);
    for (const [i, a] of l.entries()) for (const b of l.slice(i + 1)) expect(Math.abs(a - b)).toBeGreaterThanOrEqual(20);
  });
});

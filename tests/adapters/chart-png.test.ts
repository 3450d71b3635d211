import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderChartPng, svgInkBox } from '../../functions/adapters/chart-png.ts';
import { chartFontCharacters } from '../../functions/domain/chart-font-characters.ts';
import { CHART_FONT_FAMILY, type ChartLayout, layoutChart, layoutToSvg, textBox, textWidth } from '../../functions/domain/chart-svg.ts';
import { caseSpec, chineseSpec, englishSpec } from '../domain/chart-cases.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colourType: number;
  /** The inflated image data: one filter byte and the pixels per row. */
  readonly data: Buffer;
}

/** CRC-32 as PNG computes it over a chunk's type and data. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Walks the chunks (checking each CRC), reads IHDR and inflates the IDAT stream. */
function decodePng(png: Uint8Array): DecodedPng {
  const buf = Buffer.from(png);
  expect([...buf.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  let offset = 8;
  let header: Omit<DecodedPng, 'data'> | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    expect(buf.readUInt32BE(offset + 8 + length), `CRC of ${type}`).toBe(crc32(buf.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8] ?? 0, colourType: data[9] ?? 0 };
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  expect(ended).toBe(true);
  if (!header) throw new Error('no IHDR chunk');
  return { ...header, data: inflateSync(Buffer.concat(idat)) };
}

/** The same layout with only one text drawn: no background, bars or lines. */
function onlyText(layout: ChartLayout, index: number): string {
  const text = layout.texts[index];
  return layoutToSvg({ ...layout, texts: text ? [text] : [], rects: [], lines: [] }).replace(/<rect [^>]*fill="#ffffff"\/>/, '');
}

describe('renderChartPng', () => {
  it.each([
    { name: 'English', spec: englishSpec },
    { name: 'Chinese', spec: chineseSpec },
  ])('$name: a real PNG, 1200 px wide (600 CSS px at 2x), as high as twice the layout, that decodes', async ({ spec }) => {
    const png = await renderChartPng(spec);
    const decoded = decodePng(png);
    expect(decoded.width).toBe(1200);
    expect(decoded.height).toBe(2 * layoutChart(spec).height);
    expect(decoded.bitDepth).toBe(8);
    expect(decoded.colourType).toBe(6); // RGBA
    expect(decoded.data.length).toBe(decoded.height * (1 + decoded.width * 4));
  });

  it('renders the same spec to the same bytes', async () => {
    const [a, b] = await Promise.all([renderChartPng(englishSpec), renderChartPng(englishSpec)]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('rejects a spec it cannot draw before rendering anything', async () => {
    await expect(renderChartPng({ ...englishSpec, series: [{ name: 'a', values: [1] }] })).rejects.toThrow(/series\.0\.values/);
  });
});

describe('what resvg draws with the shipped font', () => {
  // The layout places texts by the widths in chart-svg.ts; here each text is drawn alone and its
  // real ink must lie inside the box the layout reserved for it (so inside the canvas, clear of
  // the other texts, as tests/domain/chart-svg.test.ts checks for those boxes).
  const cases = (['en', 'zh-CN'] as const).flatMap((lang) =>
    [1, 6, 12].flatMap((categories) =>
      [1, 3].flatMap((series) => (['typical', 'huge'] as const).map((values) => ({ name: `${lang}, ${categories} categories, ${series} series, ${values}`, spec: caseSpec(lang, categories, series, values) }))),
    ),
  );

  it.each(cases)('$name: every text inside its reserved box and the canvas', async ({ spec }) => {
    const layout = layoutChart(spec);
    const outside: string[] = [];
    for (const [i, text] of layout.texts.entries()) {
      const ink = await svgInkBox(onlyText(layout, i));
      if (!ink) {
        outside.push(`"${text.text}" draws nothing`);
        continue;
      }
      const box = textBox(text);
      const tolerance = 0.5;
      if (ink.x < box.left - tolerance || ink.y < box.top - tolerance || ink.x + ink.width > box.right + tolerance || ink.y + ink.height > box.bottom + tolerance) {
        outside.push(`"${text.text}" ink ${JSON.stringify(ink)} outside ${JSON.stringify(box)}`);
      }
      if (ink.x < 0 || ink.y < 0 || ink.x + ink.width > layout.width || ink.y + ink.height > layout.height) outside.push(`"${text.text}" leaves the canvas`);
    }
    expect(outside).toEqual([]);
  });

  it('no character of the font is wider than the layout assumes, nor reaches further above or below the baseline', async () => {
    const chars = [...chartFontCharacters()].filter((c) => c !== ' ' && c !== '\u00a0' && c !== '\u3000');
    const fontSize = 20;
    const tooWide: string[] = [];
    for (let i = 0; i < chars.length; i += 200) {
      const line = chars.slice(i, i + 200).join('');
      const y = 40;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${textWidth(line, fontSize) + 40}" height="80"><text x="10" y="${y}" font-size="${fontSize}" font-family="${CHART_FONT_FAMILY}" xml:space="preserve">${line.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text></svg>`;
      const ink = await svgInkBox(svg);
      const box = textBox({ role: 'title', text: line, x: 10, y, fontSize, anchor: 'start', fill: '#000' });
      if (!ink || ink.x + ink.width > box.right + 0.5 || ink.y < box.top - 0.5 || ink.y + ink.height > box.bottom + 0.5) {
        tooWide.push(`${line.slice(0, 10)}…: ink ${JSON.stringify(ink)}, box ${JSON.stringify(box)}`);
      }
    }
    expect(tooWide).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import type { ChartSpec } from '../domain/chart-spec.ts';
import { CHART_FONT_FAMILY, chartSvg } from '../domain/chart-svg.ts';
import { bundleAssetPath } from './bundle-asset.ts';

/**
 * The files {@link renderChartPng} reads at run time. A function that renders charts lists them in
 * its `bundleAssets` (`functions/pipeline.ts`) so they are copied next to its bundle.
 */
export const CHART_BUNDLE_ASSETS = ['node_modules/@resvg/resvg-wasm/index_bg.wasm', 'assets/fonts/chart-sans-gb2312.ttf'] as const;

const [WASM_PATH, FONT_PATH] = CHART_BUNDLE_ASSETS;

/** The PNG has twice the CSS pixels, so it stays sharp on high-density screens. */
export const CHART_PIXEL_RATIO = 2;

type ResvgModule = typeof import('@resvg/resvg-wasm');

interface Renderer {
  readonly resvg: ResvgModule;
  readonly font: Uint8Array;
}

let renderer: Promise<Renderer> | undefined;

/**
 * Loads resvg (imported here only, so no other function's bundle carries it), initialises its
 * WebAssembly once per container and reads the font once. A failed start is not cached, so the
 * next call tries again.
 */
function loadRenderer(): Promise<Renderer> {
  renderer ??= (async () => {
    const [resvg, wasm, font] = await Promise.all([import('@resvg/resvg-wasm'), readFile(bundleAssetPath(WASM_PATH)), readFile(bundleAssetPath(FONT_PATH))]);
    await resvg.initWasm(wasm);
    return { resvg, font };
  })().catch((error: unknown) => {
    renderer = undefined;
    throw error;
  });
  return renderer;
}

/**
 * Renders `spec` as a grouped bar chart PNG, 600 CSS pixels wide at twice the resolution (1200
 * pixels), with the shipped font only: no system fonts, no network.
 *
 * @throws ChartSpecError when the spec cannot be drawn (see `layoutChart`)
 */
export async function renderChartPng(spec: ChartSpec): Promise<Uint8Array> {
  const svg = chartSvg(spec);
  return renderSvgPng(svg);
}

/** Where an SVG puts ink, in its own (CSS pixel) coordinates. */
export interface InkBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The box of everything `svg` draws, as resvg lays it out with the chart font (text as its glyph
 * outlines): how the chart's own layout is checked against what is really drawn.
 *
 * @returns undefined when nothing is drawn
 */
export async function svgInkBox(svg: string): Promise<InkBox | undefined> {
  const { resvg, font } = await loadRenderer();
  const instance = new resvg.Resvg(svg, { font: fontOptions(font) });
  try {
    const box = instance.getBBox();
    if (!box) return undefined;
    const { x, y, width, height } = box;
    box.free();
    return { x, y, width, height };
  } finally {
    instance.free();
  }
}

function fontOptions(font: Uint8Array) {
  return { loadSystemFonts: false, fontBuffers: [font], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY };
}

/**
 * Renders an SVG that uses the chart font to a PNG at {@link CHART_PIXEL_RATIO}.
 *
 * @param svg a standalone SVG document
 */
export async function renderSvgPng(svg: string): Promise<Uint8Array> {
  const { resvg, font } = await loadRenderer();
  const instance = new resvg.Resvg(svg, {
    font: fontOptions(font),
    fitTo: { mode: 'zoom', value: CHART_PIXEL_RATIO },
    background: '#ffffff',
  });
  try {
    const image = instance.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    instance.free();
  }
}

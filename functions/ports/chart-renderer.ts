import type { ChartSpec } from '../domain/chart-spec.ts';

/**
 * Draws a chart as a PNG (600 CSS px wide at 2x), server-side, so an email can carry it inline.
 * `renderChartPng` (functions/adapters/chart-png.ts) in Lambda and locally; tests pass their own.
 */
export type ChartRenderer = (spec: ChartSpec) => Promise<Uint8Array>;

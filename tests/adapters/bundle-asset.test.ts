import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundleAssetPath } from '../../functions/adapters/bundle-asset.ts';
import { CHART_BUNDLE_ASSETS } from '../../functions/adapters/chart-png.ts';
import { PROJECT_ROOT } from '../../lib/house-function.ts';

describe('bundleAssetPath', () => {
  it.each(CHART_BUNDLE_ASSETS)('finds %s in the repository when not in Lambda', (asset) => {
    const path = bundleAssetPath(asset, {});
    expect(path.startsWith(PROJECT_ROOT.replace(/\/$/, ''))).toBe(true);
    expect(path.endsWith(asset)).toBe(true);
    expect(existsSync(path)).toBe(true);
  });

  it('finds a file next to the bundle in Lambda, by its basename', () => {
    expect(bundleAssetPath('assets/fonts/chart-sans-gb2312.ttf', { LAMBDA_TASK_ROOT: '/var/task' })).toBe('/var/task/chart-sans-gb2312.ttf');
    expect(bundleAssetPath('node_modules/@resvg/resvg-wasm/index_bg.wasm', { LAMBDA_TASK_ROOT: '/var/task' })).toBe('/var/task/index_bg.wasm');
  });
});

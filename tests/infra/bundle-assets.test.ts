import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_BUNDLE_ASSETS } from '../../functions/adapters/chart-png.ts';
import { type FunctionDefinition, tables } from '../../functions/pipeline.ts';
import { buildApp } from '../../lib/app.ts';
import { HouseFunction, PROJECT_ROOT } from '../../lib/house-function.ts';
import { defaultConfig } from './template-helpers.ts';

const run = promisify(execFile);

/** A pipeline of one function that renders a chart and declares the chart's files as bundle assets. */
const chartProbe: FunctionDefinition = {
  entry: 'tests/fixtures/chart-handler.ts',
  description: 'Renders a chart (bundle assets test).',
  timeoutSeconds: 10,
  memoryMb: 512,
  trigger: { kind: 'schedule', expression: 'rate(1 day)' },
  access: { tables: {} },
  bundleAssets: CHART_BUNDLE_ASSETS,
};

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('bundle assets', () => {
  it('are copied next to the bundle of the function that declares them, and the bundled code finds and uses them', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bundle-assets-'));
    outdirs.push(outdir);
    // Bundling is on (no 'aws:cdk:bundling-stacks' override), for a pipeline of this one function.
    const app = new App({ outdir });
    const stack = buildApp(app, defaultConfig, { nag: false, pipeline: { tables, functions: { chartProbe } } });
    app.synth();
    const fn = Stack.of(stack).resolve((stack.functions.chartProbe?.node.defaultChild as { code: unknown } | undefined)?.code) as { s3Key: string };
    const assetDir = join(outdir, `asset.${fn.s3Key.replace(/\.zip$/, '')}`);

    for (const asset of CHART_BUNDLE_ASSETS) {
      const copied = join(assetDir, basename(asset));
      expect(existsSync(copied), copied).toBe(true);
      expect(readFileSync(copied).equals(readFileSync(join(PROJECT_ROOT, asset))), asset).toBe(true);
    }
    // The wasm and the font stay out of the JavaScript bundle.
    expect(statSync(join(assetDir, 'index.mjs')).size).toBeLessThan(300 * 1024);

    // Run the bundle as Lambda would: from its folder, with LAMBDA_TASK_ROOT pointing there.
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(assetDir, 'index.mjs')).href)}); process.stdout.write(await m.handler());`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, LAMBDA_TASK_ROOT: assetDir, POWERTOOLS_METRICS_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const png = Buffer.from(stdout, 'base64');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1200);
  });

  it('are not given to functions that do not declare them', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = buildApp(app, defaultConfig, { nag: false, pipeline: { tables, functions: { chartProbe, plain: { ...chartProbe, description: 'Plain.', bundleAssets: undefined } } } });
    expect(stack.functions.chartProbe?.bundleAssets).toEqual(CHART_BUNDLE_ASSETS.map((asset) => join(PROJECT_ROOT, asset)));
    expect(stack.functions.plain?.bundleAssets).toEqual([]);
  });

  it.each([
    { name: 'a missing file', assets: ['assets/fonts/no-such-font.ttf'], error: /Chart: bundle asset assets\/fonts\/no-such-font\.ttf does not exist/ },
    { name: 'two files of one name', assets: ['assets/fonts/README.md', 'README.md'], error: /Chart: two bundle assets are named README\.md/ },
  ])('fail the synth for $name, naming it', ({ assets, error }) => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Probe');
    const create = () =>
      new HouseFunction(stack, 'Chart', { entry: chartProbe.entry, description: 'x', timeout: Duration.seconds(5), memorySize: 128, config: defaultConfig, bundleAssets: assets });
    expect(create).toThrow(error);
  });
});

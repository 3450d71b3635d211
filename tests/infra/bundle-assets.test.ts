import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_BUNDLE_ASSETS } from '../../functions/adapters/chart-png.ts';
import { type FunctionDefinition, tables } from '../../functions/pipeline.ts';
import { buildApp } from '../../lib/app.ts';
import { HANDLER_FILE, stageEntryBundle } from '../../lib/bundling.ts';
import { PROJECT_ROOT } from '../../lib/house-function.ts';
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
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = buildApp(app, defaultConfig, { nag: false, pipeline: { tables, functions: { chartProbe, plain: { ...chartProbe, entry: 'functions/handlers/get-complaint.ts', trigger: { kind: 'schedule', expression: 'rate(2 days)' }, bundleAssets: undefined } } } });
    app.synth();
    const assetDirOf = (name: string) => {
      const fn = Stack.of(stack).resolve((stack.functions[name]?.node.defaultChild as { code: unknown } | undefined)?.code) as { s3Key: string };
      return join(outdir, `asset.${fn.s3Key.replace(/\.zip$/, '')}`);
    };
    const assetDir = assetDirOf('chartProbe');

    for (const asset of CHART_BUNDLE_ASSETS) {
      const copied = join(assetDir, basename(asset));
      expect(existsSync(copied), copied).toBe(true);
      expect(readFileSync(copied).equals(readFileSync(join(PROJECT_ROOT, asset))), asset).toBe(true);
    }
    // The wasm and the font stay out of the JavaScript bundle, and out of functions that do not declare them.
    expect(statSync(join(assetDir, HANDLER_FILE)).size).toBeLessThan(300 * 1024);
    for (const asset of CHART_BUNDLE_ASSETS) expect(existsSync(join(assetDirOf('plain'), basename(asset))), asset).toBe(false);

    // Run the bundle as Lambda would: from its folder, with LAMBDA_TASK_ROOT pointing there.
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(assetDir, HANDLER_FILE)).href)}); process.stdout.write(await (m.handler ?? m.default.handler)());`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, LAMBDA_TASK_ROOT: assetDir, POWERTOOLS_METRICS_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const png = Buffer.from(stdout, 'base64');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1200);
  });

  it.each([
    { name: 'a missing file', assets: ['assets/fonts/no-such-font.ttf'], error: /bundle asset 'assets\/fonts\/no-such-font\.ttf' is not a file/ },
    { name: 'two files of one name', assets: ['assets/fonts/README.md', 'README.md'], error: /bundle asset 'README\.md' collides/ },
  ])('fail the staging for $name, naming it', ({ assets, error }) => {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-assets-'));
    outdirs.push(dir);
    const stage = () => stageEntryBundle({ entry: chartProbe.entry, entryFile: join(PROJECT_ROOT, 'package.json'), chunks: [] } as never, join(dir, 'asset'), PROJECT_ROOT, assets);
    expect(stage).toThrow(error);
  });
});

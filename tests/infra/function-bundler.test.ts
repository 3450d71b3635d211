import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../functions/adapters/config-file.ts';
import { HANDLER_FILE } from '../../lib/bundling.ts';
import { FunctionBundler } from '../../lib/function-bundler.ts';
import { HouseFunction, PROJECT_ROOT } from '../../lib/house-function.ts';

const config = loadConfigFile();
const ENTRY = 'functions/handlers/get-complaint.ts';
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Synthesizes a stack WITH bundling (unlike the other infra tests) holding three functions of one
 * entry: two with the same bundle asset, one without.
 */
function synth(): { template: Template; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'function-bundler-'));
  dirs.push(outdir);
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bundled');
  const bundler = new FunctionBundler(PROJECT_ROOT, join(outdir, 'function-bundles'));
  const functions = [
    { id: 'A', description: 'a', bundleAssets: ['config/default.json'] },
    { id: 'B', description: 'b', bundleAssets: ['config/default.json'] },
    { id: 'C', description: 'c', bundleAssets: [] },
  ];
  for (const _ of functions) bundler.plan(HouseFunction.bundleRequest({ entry: ENTRY, config }));
  for (const f of functions) {
    new HouseFunction(new Construct(stack, f.id), 'Function', {
      entry: ENTRY,
      description: f.description,
      timeout: Duration.seconds(5),
      memorySize: 256,
      config,
      bundler,
      bundleAssets: f.bundleAssets,
    });
  }
  app.synth();
  return { template: Template.fromStack(stack), outdir };
}

/** The S3 key (asset hash) of the function with this description. */
function assetKeyOf(template: Template, description: string): string {
  const found = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: description } })) as {
    Properties: { Code: { S3Key: string } };
  }[];
  expect(found).toHaveLength(1);
  return found[0]!.Properties.Code.S3Key;
}

describe('the function bundler in a real synth', () => {
  const first = synth();
  const second = synth();

  it('stages index.js and the bundle assets, the handler being index.handler on Node.js 24', () => {
    const key = assetKeyOf(first.template, 'a');
    const assetDir = join(first.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    expect(readdirSync(assetDir).sort()).toEqual(['default.json', HANDLER_FILE]);
    first.template.hasResourceProperties('AWS::Lambda::Function', { Description: 'a', Handler: 'index.handler', Runtime: 'nodejs24.x', Environment: { Variables: { NODE_OPTIONS: Match.absent() } } });
  });

  it('shares one asset between functions with the same entry and assets, and not with different assets', () => {
    expect(assetKeyOf(first.template, 'a')).toBe(assetKeyOf(first.template, 'b'));
    expect(assetKeyOf(first.template, 'c')).not.toBe(assetKeyOf(first.template, 'a'));
  });

  it('gives unchanged code the same asset hash in another synth, so it is not redeployed', () => {
    for (const description of ['a', 'c']) expect(assetKeyOf(second.template, description)).toBe(assetKeyOf(first.template, description));
  });

  it('keeps the source maps beside the build, out of the asset', () => {
    const builds = readdirSync(join(first.outdir, 'function-bundles'));
    expect(builds).toHaveLength(1);
    expect(readdirSync(join(first.outdir, 'function-bundles', builds[0]!)).sort()).toEqual(['get-complaint.js', 'get-complaint.js.map']);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimLeaseSeconds, type FunctionAccess, functions } from '../../functions/pipeline.ts';
import { type BundleBuild, bundleFunctions, functionDefines, HANDLER_FILE, stageEntryBundle } from '../../lib/bundling.ts';
import { loadConfigFile } from '../../functions/adapters/config-file.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The per-function budget of issue 15: what a function deploys, source maps excluded. */
const BUDGET_BYTES = 300 * 1024;

const entries = [...new Set(Object.values(functions).map((f) => f.entry))];
// Under node_modules so the bundles' external @aws-sdk/* imports resolve, as the runtime's SDK does in Lambda.
const outdir = join(PROJECT_ROOT, 'node_modules/.cache', `bundling-test-${process.pid}`);
let build: BundleBuild;

beforeAll(() => {
  // One esbuild call for all entries, with the options and constants the stack uses.
  build = bundleFunctions({ projectRoot: PROJECT_ROOT, entries, define: functionDefines(loadConfigFile()), outdir: join(outdir, 'build') });
}, 120_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

/** The input files of an entry's bundle that contributed bytes. */
function inputsOf(entry: string): string[] {
  const bundle = build.entries.get(entry)!;
  return Object.values(bundle.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([path]) => path));
}

describe('function bundles', () => {
  it('builds every entry of functions/pipeline.ts', () => {
    expect([...build.entries.keys()].sort()).toEqual([...entries].sort());
  });

  it.each(entries)('%s stays within 300 KB', (entry) => {
    const { bytes } = build.entries.get(entry)!;
    expect(bytes, `${entry}: ${bytes} bytes`).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('declares claimLeaseSeconds as the longest timeout of a function that sends (a literal, so bundles do not carry the function table)', () => {
    const senders = Object.values(functions).filter((f) => f.access.sendEmail || f.access.publishSms || f.access.sendSmsToPhones);
    expect(claimLeaseSeconds).toBe(Math.max(...senders.map((f) => f.timeoutSeconds)));
    for (const entry of entries) {
      const pipelineBytes = Object.values(build.entries.get(entry)!.metafile.outputs).reduce((sum, o) => sum + (o.inputs['functions/pipeline.ts']?.bytesInOutput ?? 0), 0);
      // `env` and `tables` only (about 2 KB); the whole table is about 12 KB.
      expect(pipelineBytes, entry).toBeLessThan(4096);
    }
  });

  it('leaves the AWS SDK to the Lambda runtime, except the S3 presigner in the function that presigns', () => {
    const presigner = ['node_modules/@aws-sdk/s3-request-presigner/', 'node_modules/@aws-sdk/signature-v4-multi-region/', 'node_modules/@aws-sdk/core/'];
    for (const entry of entries) {
      const sdk = inputsOf(entry).filter((p) => p.includes('node_modules/@aws-sdk/'));
      expect(sdk.filter((p) => !presigner.some((allowed) => p.includes(allowed))), entry).toEqual([]);
      expect(sdk.some((p) => p.includes(presigner[0]!)), entry).toBe(entry === 'functions/handlers/console-attachment.ts');
    }
  });

  it("carries none of zod's locales (import zod as `import * as z from 'zod'`: a named `z` import keeps all of them)", () => {
    for (const entry of entries) expect(inputsOf(entry).filter((p) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(p)), entry).toEqual([]);
  });

  it('carries an AWS adapter exactly when one of its functions is granted the resource (provideAdapter)', () => {
    const adapters = {
      'functions/adapters/aws-notifier.ts': (a: FunctionAccess) => Boolean(a.sendEmail || a.publishSms || a.sendSmsToPhones),
      'functions/adapters/eventbridge-publisher.ts': (a: FunctionAccess) => Boolean(a.publishEvents),
      'functions/adapters/s3-mail-store.ts': (a: FunctionAccess) => Boolean(a.mailBucket || a.eraseMailFiles || a.readMailFiles || a.writeMailFiles),
      'functions/adapters/s3-presign.ts': (a: FunctionAccess) => Boolean(a.readMailFiles),
      'functions/adapters/comprehend-sentiment.ts': (a: FunctionAccess) => Boolean(a.detectSentiment),
      'functions/adapters/cognito-authenticator.ts': (a: FunctionAccess) => Boolean(a.userPool),
      'functions/adapters/secrets-link-keys.ts': (a: FunctionAccess) => Boolean(a.linkKeys),
    };
    for (const entry of entries) {
      const granted = Object.values(functions).filter((f) => f.entry === entry).map((f) => f.access);
      const carried = inputsOf(entry);
      for (const [adapter, needs] of Object.entries(adapters)) {
        expect(carried.includes(adapter), `${entry}: ${adapter}`).toBe(granted.some(needs));
      }
    }
  });

  it('bundles the MIME parser into the inbound-mail function only', () => {
    for (const entry of entries) {
      expect(inputsOf(entry).some((p) => p.includes('node_modules/postal-mime/')), entry).toBe(entry === 'functions/handlers/inbound-mail.ts');
    }
  });

  it('loads only the DynamoDB clients at cold start: SES, SNS and EventBridge wait for the first message', () => {
    const dir = join(outdir, 'sla-sweeper');
    mkdirSync(dir, { recursive: true });
    // Lambda reads index.js as CommonJS; this project's package.json says "module".
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    stageEntryBundle(build.entries.get('functions/handlers/sla-sweeper.ts')!, dir, PROJECT_ROOT);
    const script = `
      const fn = require(${JSON.stringify(join(dir, HANDLER_FILE))});
      const loaded = Object.keys(require.cache).map((p) => p.match(/node_modules\\/@aws-sdk\\/([^/]+)\\//)?.[1]).filter(Boolean);
      process.stdout.write(JSON.stringify({ handler: typeof fn.handler, loaded: [...new Set(loaded)].sort() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' } })) as {
      handler: string;
      loaded: string[];
    };
    expect(out.handler).toBe('function');
    expect(out.loaded).toContain('client-dynamodb');
    expect(out.loaded).toContain('lib-dynamodb');
    expect(out.loaded.filter((p) => ['client-ses', 'client-sns', 'client-eventbridge', 'client-s3', 'client-comprehend'].includes(p))).toEqual([]);
  });
});

describe('staging a function asset', () => {
  it('copies the bundle as index.js and the bundle assets flat by basename, refusing a name clash', () => {
    const bundle = build.entries.get('functions/handlers/get-complaint.ts')!;
    const dir = join(outdir, 'staged');
    stageEntryBundle(bundle, dir, PROJECT_ROOT, ['config/default.json']);
    expect(readdirSync(dir).sort()).toEqual(['default.json', HANDLER_FILE]);
    expect(() => stageEntryBundle(bundle, join(outdir, 'clash'), PROJECT_ROOT, ['config/default.json', 'tests/fixtures/default.json'])).toThrow(/collides/);
    expect(() => stageEntryBundle(bundle, join(outdir, 'missing'), PROJECT_ROOT, ['config/no-such-file.json'])).toThrow(/not a file/);
  });
});

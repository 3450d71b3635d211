import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../functions/adapters/config-file.ts';
import { ConfigError } from '../../functions/domain/config.ts';
import { fixtureModel } from '../support/text-model.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The shipped config with the second category pointing at a department that does not exist. */
async function writeInvalidConfig(): Promise<string> {
  const raw = JSON.parse(await readFile(DEFAULT_CONFIG_PATH, 'utf8')) as { categories: { department: string }[] };
  raw.categories[1]!.department = 'no-such-department';
  const path = join(await mkdtemp(join(tmpdir(), 'pipeline-config-')), 'invalid.json');
  await writeFile(path, JSON.stringify(raw));
  return path;
}

/** Runs bin/app.ts the way the CDK CLI does: context in CDK_CONTEXT_JSON, assembly into CDK_OUTDIR. */
async function runApp(context: Record<string, unknown>): Promise<{ code: number; stderr: string }> {
  const outdir = await mkdtemp(join(tmpdir(), 'pipeline-assembly-'));
  try {
    const { stderr } = await run(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('config for synth', () => {
  it('rejects a category of an unknown department, naming the key path', async () => {
    const path = await writeInvalidConfig();
    expect(() => loadConfigFile(path)).toThrow(ConfigError);
    expect(() => loadConfigFile(path)).toThrow(/categories\[1\]\.department: unknown department 'no-such-department'/);
  });

  it('makes bin/app.ts exit 1 with the key path and no stack trace', async () => {
    const result = await runApp({ config: await writeInvalidConfig() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("categories[1].department: unknown department 'no-such-department'");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('makes bin/app.ts exit 1 for a classifier model whose labels map to no category, naming the key', async () => {
    const raw = JSON.parse(await readFile(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
    raw.classifier = { model: 'model.json', labels: { Shipping: 'logistics-delay' } };
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-config-'));
    await writeFile(join(dir, 'model.json'), JSON.stringify(fixtureModel({ 'logistics-delay': 'Shipping', refund: 'Money back' })));
    await writeFile(join(dir, 'config.json'), JSON.stringify(raw));
    const result = await runApp({ config: join(dir, 'config.json') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("classifier.labels: model label 'Money back' is not a category id and has no entry in classifier.labels");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('makes bin/app.ts exit 1 for an upgrade step naming no index, naming the context key', async () => {
    const result = await runApp({ omitIndexes: 'byStatsu' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('context omitIndexes: no index named byStatsu');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

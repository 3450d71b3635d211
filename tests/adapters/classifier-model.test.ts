import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledTextModel, loadClassifierModel } from '../../functions/adapters/classifier-model.ts';
import { loadConfigFile } from '../../functions/adapters/config-file.ts';
import { ConfigError } from '../../functions/domain/config.ts';
import { predictText } from '../../functions/domain/text-model.ts';
import { rawDefaultConfig } from '../fixtures/config.ts';
import { fixtureModel } from '../support/text-model.ts';

/** Writes a config (with a classifier section) and a model file beside it; returns the config path. */
function setUp(classifier: Record<string, unknown>, model: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'classifier-'));
  const raw = rawDefaultConfig();
  raw.classifier = classifier;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  if (model !== undefined) writeFileSync(join(dir, 'model.json'), typeof model === 'string' ? model : JSON.stringify(model));
  return join(dir, 'config.json');
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no ConfigError');
}

describe('loadClassifierModel', () => {
  it('reads the model relative to the config file and checks its labels', () => {
    const path = setUp({ model: 'model.json', labels: { Shipping: 'logistics-delay' } }, fixtureModel({ 'logistics-delay': 'Shipping' }));
    const model = loadClassifierModel(loadConfigFile(path), path);
    expect(model?.labels).toContain('Shipping');
  });

  it('returns nothing for a config without a classifier', () => {
    expect(loadClassifierModel(loadConfigFile())).toBeUndefined();
  });

  it.each([
    ['a label mapped to nothing', { model: 'model.json' }, fixtureModel({ refund: 'Money back' }), 'classifier.labels', /model label 'Money back' is not a category id and has no entry in classifier.labels/],
    ['a missing model file', { model: 'model.json' }, undefined, 'classifier.model', /cannot read model file .*model\.json: ENOENT/],
    ['a file that is not a model', { model: 'model.json' }, { hello: 1 }, 'classifier.model', /is not a text model this version reads/],
    ['a file that is not JSON', { model: 'model.json' }, 'nope{', 'classifier.model', /is not valid JSON/],
  ])('fails with the key named for %s', (_, classifier, model, key, message) => {
    const path = setUp(classifier, model);
    const err = configError(() => loadClassifierModel(loadConfigFile(path), path));
    expect(err.issues[0]!.path).toBe(key);
    expect(err.issues[0]!.message).toMatch(message);
    expect(err.message).toContain(path);
  });

  it('compiles the bundled model once per container, and ignores it when the config has no classifier', () => {
    const path = setUp({ model: 'model.json' }, fixtureModel());
    const config = loadConfigFile(path);
    const compiled = bundledTextModel(JSON.stringify(fixtureModel()), config)!;
    expect(predictText(compiled, '有人登录了我的账号还改了密码').label).toBe('account-security');
    expect(bundledTextModel(undefined, config)).toBeUndefined();
    expect(bundledTextModel(JSON.stringify(fixtureModel()), loadConfigFile())).toBeUndefined();
  });
});

import { dirname, resolve } from 'node:path';
import { unmappedModelLabels } from '../domain/classify.ts';
import { ConfigError, type PipelineConfig } from '../domain/config.ts';
import { compileTextModel, type CompiledTextModel, type TextModel } from '../domain/text-model.ts';
import { DEFAULT_CONFIG_PATH } from './config-file.ts';
import { loadTextModelFile, parseTextModel, TextModelFileError } from './text-model-file.ts';

/**
 * Checks that every label of a model stands for a category of the config.
 * @throws ConfigError at `classifier.labels` naming each label that does not
 */
export function assertModelFitsConfig(model: TextModel, config: PipelineConfig, source: string): void {
  const problems = unmappedModelLabels(model.labels, config);
  if (problems.length) throw new ConfigError(source, problems.map((message) => ({ path: 'classifier.labels', message })));
}

/**
 * Reads the model a config's `classifier.model` names (relative to the config file) and checks it
 * against the config's categories. Synth and `npm start` call this, so a wrong model stops both.
 * @param configPath the config file the settings came from
 * @returns undefined when the config has no classifier
 * @throws ConfigError at `classifier.model` (unreadable or invalid file) or `classifier.labels`
 */
export function loadClassifierModel(config: PipelineConfig, configPath: string = DEFAULT_CONFIG_PATH): TextModel | undefined {
  if (!config.classifier) return undefined;
  const path = resolve(dirname(configPath), config.classifier.model);
  let model: TextModel;
  try {
    model = loadTextModelFile(path);
  } catch (err) {
    if (err instanceof TextModelFileError) throw new ConfigError(configPath, [{ path: 'classifier.model', message: err.message }]);
    throw err;
  }
  assertModelFitsConfig(model, config, configPath);
  return model;
}

/**
 * The model a Lambda bundle carries (inlined at synth), compiled once per container.
 * @param inline the model's JSON text, or undefined when the function has none
 */
export function bundledTextModel(inline: string | undefined, config: PipelineConfig): CompiledTextModel | undefined {
  if (!inline || !config.classifier) return undefined;
  const model = parseTextModel(inline, 'bundled text model');
  assertModelFitsConfig(model, config, 'bundled text model');
  return compileTextModel(model);
}

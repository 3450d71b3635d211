import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, type PipelineConfig } from '../domain/config.ts';
import { locateJsonError } from '../domain/json-location.ts';

/** The shipped default config: a plausible e-commerce company. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../config/default.json', import.meta.url));

/**
 * Reads and validates a config file.
 * @throws ConfigError naming the file and each failing key path (also for unreadable files, and bad JSON with its line and column)
 */
export function loadConfigFile(path: string = DEFAULT_CONFIG_PATH): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [{ path: '', message: `cannot read file: ${(err as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const at = locateJsonError(text);
    const message = at ? `not valid JSON at line ${at.line}, column ${at.column}: ${at.message}` : `not valid JSON: ${(err as Error).message}`;
    throw new ConfigError(path, [{ path: '', message }]);
  }
  return parseConfig(raw, path);
}

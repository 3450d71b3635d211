import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatPath } from '../domain/config.ts';
import { PriceFileSchema, type PriceFile } from '../domain/cost-model.ts';
import { locateJsonError } from '../domain/json-location.ts';

/** The shipped price file (`npm run cost` reads it unless `--prices` names another). */
export const DEFAULT_PRICES_PATH = fileURLToPath(new URL('../../config/prices/us-east-1.json', import.meta.url));

/** A price file that cannot be read or is invalid; the message names the file and each failing key. */
export class PriceFileError extends Error {
  override readonly name = 'PriceFileError';
}

/**
 * Reads and validates a price file.
 * @throws PriceFileError naming the file and each failing key path (also for unreadable files and bad JSON)
 */
export function loadPriceFile(path: string = DEFAULT_PRICES_PATH): PriceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PriceFileError(`Invalid price file (${path}): cannot read file: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const at = locateJsonError(text);
    throw new PriceFileError(`Invalid price file (${path}): ${at ? `not valid JSON at line ${at.line}, column ${at.column}: ${at.message}` : (err as Error).message}`);
  }
  const parsed = PriceFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PriceFileError(`Invalid price file (${path}): ${parsed.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

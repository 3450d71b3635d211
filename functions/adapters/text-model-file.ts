import { readFileSync } from 'node:fs';
import { formatPath } from '../domain/config.ts';
import { TextModelSchema, type TextModel } from '../domain/text-model.ts';

/** A model file that cannot be read or is not a model this code understands. */
export class TextModelFileError extends Error {
  override readonly name = 'TextModelFileError';
}

/**
 * Parses and validates a text model (the JSON text of a model file).
 * @param source where it came from, for the error message
 * @throws TextModelFileError naming the source and the first failing fields
 */
export function parseTextModel(text: string, source: string): TextModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TextModelFileError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = TextModelSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
    throw new TextModelFileError(`${source} is not a text model this version reads (${issues.join('; ')})`);
  }
  return parsed.data;
}

/**
 * Reads a model file written by `npm run train`.
 * @throws TextModelFileError when it cannot be read or does not validate
 */
export function loadTextModelFile(path: string): TextModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TextModelFileError(`cannot read model file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseTextModel(text, path);
}

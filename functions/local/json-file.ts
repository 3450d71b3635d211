import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type * as z from 'zod';

/**
 * A JSON file of the local runtime's state, checked against its schema: `missing` when there is no
 * such file, `invalid` when it is not JSON or not that shape (the caller names the file and what to
 * do). Other read errors are thrown.
 */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>): { readonly kind: 'missing' } | { readonly kind: 'invalid' } | { readonly kind: 'read'; readonly data: T } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? { kind: 'read', data: parsed.data } : { kind: 'invalid' };
  } catch {
    return { kind: 'invalid' };
  }
}

/**
 * Replaces a JSON file atomically (write a temporary file beside it, then rename): a crash leaves
 * the old content or the new, never half a file.
 * @param tmp the temporary file; give one per writer when several processes may write the file
 */
export function writeJsonAtomically(file: string, value: unknown, tmp = `${file}.tmp`): void {
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

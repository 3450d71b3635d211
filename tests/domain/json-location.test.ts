import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../functions/domain/json-location.ts';

describe('locateJsonError', () => {
  it.each([
    ['{\n  "a": 1,\n  "b": x\n}', 3, 8, /expected a value, found 'x'/],
    ['{\n  "a": 1,\n}', 3, 1, /property name in double quotes, found '}'/],
    ['{"a": 1 "b": 2}', 1, 9, /expected ',' or '}'/],
    ['[1, 2', 1, 6, /end of file/],
    ['{"a": "line\nbreak"}', 1, 12, /line break inside a string/],
    ['{} {}', 1, 4, /after the end of the document/],
    ['{"a": tru}', 1, 7, /unexpected 't'/],
  ])('%j → line %i, column %i', (text, line, column, message) => {
    expect(() => JSON.parse(text)).toThrow();
    const at = locateJsonError(text);
    expect(at).toMatchObject({ line, column });
    expect(at?.message).toMatch(message);
  });

  it.each(['{}', '[]', '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"]}', ' "x" '])('accepts valid JSON %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(locateJsonError(text)).toBeUndefined();
  });
});

describe('loadConfigFile with broken JSON', () => {
  it('names the file, the line and the column', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadConfigFile } = await import('../../functions/adapters/config-file.ts');
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "company": {\n    "name": "X",\n  }\n}\n');
    try {
      expect(() => loadConfigFile(file)).toThrow(/broken\.json[\s\S]*not valid JSON at line 4, column 3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

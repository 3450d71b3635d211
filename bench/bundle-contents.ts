import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeMetafileSync } from 'esbuild';
import { loadConfigFile } from '../functions/adapters/config-file.ts';
import { functions } from '../functions/pipeline.ts';
import { bundleFunctions, functionDefines } from '../lib/bundling.ts';

/**
 * `npx tsx bench/bundle-contents.ts [entry…]`: what each function bundle is made of (esbuild's
 * `analyzeMetafile`, largest inputs first), built with the stack's options and the shipped config.
 * Without arguments, every entry of functions/pipeline.ts.
 */
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const entries = process.argv.length > 2 ? process.argv.slice(2) : [...new Set(Object.values(functions).map((f) => f.entry))];
const outdir = mkdtempSync(join(tmpdir(), 'bundle-contents-'));
try {
  const build = bundleFunctions({ projectRoot, entries, define: functionDefines(loadConfigFile()), outdir });
  for (const bundle of build.entries.values()) {
    console.log(`${bundle.entry}: ${bundle.bytes} bytes`);
    console.log(analyzeMetafileSync(bundle.metafile));
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

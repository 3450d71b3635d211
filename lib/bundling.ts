import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import type { PipelineConfig } from '../functions/domain/config.ts';
import type { TextModel } from '../functions/domain/text-model.ts';

/**
 * The one place the esbuild options of the Lambda bundles are set: `lib/` bundles with them at
 * synth, the bundle-size test and `npm run bench` build with exactly the same options.
 *
 * Why each option (measurements in the README's "Bundles and cold start"):
 * - The SDK's clients stay external (`@aws-sdk/client-*`, `lib-*`, `util-dynamodb`): the Node.js
 *   runtime ships the SDK v3, and bundling even a tree-shaken one costs 150-400 KB per function.
 *   The S3 presigner is bundled: the runtime does not document shipping it, and only the console's
 *   attachment function carries it (about 34 KB with its signer).
 * - CommonJS, splitting off, all entries in ONE build: each entry is tree-shaken on its own into
 *   one self-contained file (with splitting on, esbuild shares whole modules between entries and
 *   every function grew by ~75 KB). In CommonJS output a module that is only imported dynamically
 *   (the SES/SNS/S3/EventBridge/Comprehend adapters, `aws-jwt-verify`) is initialised on first use,
 *   `require` of its SDK client included, so those clients are not loaded at cold start; in ESM
 *   output esbuild would hoist their imports to the top of the file.
 * - minified, source maps written beside the build (`bundleFunctions` `outdir`, under `cdk.out` at
 *   synth) and never deployed: Node would parse them at every cold start with
 *   `--enable-source-maps`, and they are as large as the code. A stack trace's `index.js:1:<col>`
 *   is mapped back with the map of the same build (README "Bundles and cold start").
 * - `charset: 'utf8'`: the Chinese texts stay 3 bytes a character instead of 6-byte `\u` escapes.
 * - `mainFields` module first: the ESM build of dependencies that ship both, so tree shaking works.
 */

/** The Lambda runtime's Node.js major version, as esbuild's target. */
export const BUNDLE_TARGET = 'node24';

/** The file Lambda loads (`index.handler`) in every function's asset (CommonJS: no package.json says otherwise there). */
export const HANDLER_FILE = 'index.js';

/** The Lambda handler setting: the `handler` export of {@link HANDLER_FILE}. */
export const LAMBDA_HANDLER = `${HANDLER_FILE.replace(/\.[cm]?js$/, '')}.handler`;

/** Packages the Lambda Node.js runtime provides, left out of every bundle. */
export const RUNTIME_PROVIDED_PACKAGES: readonly string[] = ['@aws-sdk/client-*', '@aws-sdk/lib-*', '@aws-sdk/util-dynamodb'];

/**
 * Makes `require` available inside an ESM bundle: some dependencies still call it for Node
 * built-ins, which would otherwise fail with "Dynamic require of ... is not supported". (The house
 * bundles are CommonJS; the bench's naive baseline is ESM.)
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** `import.meta.url` in CommonJS output, where esbuild would leave it empty (config-file.ts resolves paths with it). */
const IMPORT_META_URL_BANNER = "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/**
 * The esbuild options of the function bundles (without entry points and output directory).
 *
 * @param define compile-time constants, e.g. the inlined pipeline config
 * @returns the options; callers add `entryPoints` and `outdir`
 */
export function functionBundleOptions(define: Readonly<Record<string, string>>): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    external: [...RUNTIME_PROVIDED_PACKAGES],
    splitting: false,
    minify: true,
    treeShaking: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    charset: 'utf8',
    banner: { js: IMPORT_META_URL_BANNER },
    define: { 'import.meta.url': 'importMetaUrl', ...define },
    metafile: true,
    logLevel: 'silent',
  };
}

/**
 * The compile-time constants of a function bundle: the validated config, inlined as
 * `process.env.PIPELINE_CONFIG_INLINE` so handlers read it at cold start without an environment
 * variable (whose 4 KB total would not hold a real config) or a network call; and the trained text
 * model as `process.env.PIPELINE_TEXT_MODEL_INLINE` for the functions that carry it.
 *
 * @param config the pipeline config
 * @param textModel the trained classifier, for the functions whose access says `textModel`
 * @returns esbuild `define` entries
 */
export function functionDefines(config: PipelineConfig, textModel?: TextModel): Record<string, string> {
  return {
    'process.env.PIPELINE_CONFIG_INLINE': JSON.stringify(JSON.stringify(config)),
    // `undefined` elsewhere (not left to the environment), so the bundle leaves the classifier code out.
    'process.env.PIPELINE_TEXT_MODEL_INLINE': textModel ? JSON.stringify(JSON.stringify(textModel)) : 'undefined',
  };
}

/** One function entry's share of a build: its entry file and every chunk it may load. */
export interface EntryBundle {
  /** The entry module, relative to the project root (as in `functions/pipeline.ts`). */
  readonly entry: string;
  /** Absolute path of the entry's output file (staged as {@link HANDLER_FILE}). */
  readonly entryFile: string;
  /** Absolute paths of the chunks the entry imports, statically or dynamically, transitively. */
  readonly chunks: readonly string[];
  /** Bytes of the entry file and its chunks: what the function deploys (source maps excluded). */
  readonly bytes: number;
  /** The part of the metafile that went into this entry's files (for `analyzeMetafile`). */
  readonly metafile: Metafile;
}

/** What {@link bundleFunctions} built. */
export interface BundleBuild {
  readonly entries: ReadonlyMap<string, EntryBundle>;
  /** The whole build's metafile. */
  readonly metafile: Metafile;
}

/** The output name of an entry: its path below `functions/handlers/` without extension, `/` as `-`. */
export function entryOutputName(entry: string): string {
  return entry
    .replace(/^functions\/handlers\//, '')
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-');
}

/**
 * Bundles every entry in ONE esbuild call: esbuild parses the shared modules once and links each
 * entry on its own, in parallel.
 *
 * @param options.projectRoot directory the entries are relative to
 * @param options.entries entry modules relative to `projectRoot`; duplicates are built once
 * @param options.define compile-time constants for all of them
 * @param options.outdir where the files and their source maps are written
 * @param options.overrides esbuild options replacing the house ones (the bench's naive baseline)
 * @returns per entry, its files and size
 */
export function bundleFunctions(options: {
  readonly projectRoot: string;
  readonly entries: readonly string[];
  readonly define: Readonly<Record<string, string>>;
  readonly outdir: string;
  readonly overrides?: BuildOptions;
}): BundleBuild {
  const entries = [...new Set(options.entries)];
  const names = new Map(entries.map((entry) => [entryOutputName(entry), entry]));
  if (names.size !== entries.length) throw new Error(`two entries share an output name: ${entries.join(', ')}`);
  const result = buildSync({
    ...functionBundleOptions(options.define),
    ...options.overrides,
    absWorkingDir: options.projectRoot,
    entryPoints: entries.map((entry) => ({ in: join(options.projectRoot, entry), out: entryOutputName(entry) })),
    outdir: options.outdir,
    write: true,
  });
  const metafile = result.metafile!;
  const outputs = metafile.outputs;
  const byEntry = new Map<string, EntryBundle>();
  const requested = new Set(entries);
  for (const [outPath, output] of Object.entries(outputs)) {
    if (!output.entryPoint) continue;
    const entry = relative(options.projectRoot, resolve(options.projectRoot, output.entryPoint)).split('\\').join('/');
    // Dynamically imported modules are entry points of their own chunks; only requested entries count.
    if (!requested.has(entry)) continue;
    const reached = new Set<string>();
    const visit = (path: string): void => {
      for (const imported of outputs[path]?.imports ?? []) {
        if (imported.external || reached.has(imported.path)) continue;
        reached.add(imported.path);
        visit(imported.path);
      }
    };
    visit(outPath);
    const files = [outPath, ...reached];
    byEntry.set(entry, {
      entry,
      entryFile: resolve(options.projectRoot, outPath),
      chunks: [...reached].map((p) => resolve(options.projectRoot, p)),
      bytes: files.reduce((sum, p) => sum + (outputs[p]?.bytes ?? 0), 0),
      metafile: { inputs: metafile.inputs, outputs: Object.fromEntries(files.map((p) => [p, outputs[p]!])) },
    });
  }
  for (const entry of entries) {
    if (!byEntry.has(entry)) throw new Error(`esbuild produced no output for ${entry}`);
  }
  return { entries: byEntry, metafile };
}

/**
 * Copies one entry's files into a function asset directory: the entry as {@link HANDLER_FILE}, any
 * chunks under their own names (the house options make none; an override with splitting may), and
 * the function's bundle assets flat by basename (the `bundleAssets` contract of `functions/pipeline.ts`).
 *
 * @param bundle the entry's share of a build
 * @param assetDir the (empty) directory CDK stages as the function's code
 * @param projectRoot directory `bundleAssets` paths are relative to
 * @param bundleAssets repo-relative files the function reads next to its bundle
 */
export function stageEntryBundle(bundle: EntryBundle, assetDir: string, projectRoot: string, bundleAssets: readonly string[] = []): void {
  mkdirSync(assetDir, { recursive: true });
  copyFileSync(bundle.entryFile, join(assetDir, HANDLER_FILE));
  const seen = new Set<string>([HANDLER_FILE]);
  for (const chunk of bundle.chunks) {
    seen.add(basename(chunk));
    copyFileSync(chunk, join(assetDir, basename(chunk)));
  }
  for (const asset of bundleAssets) {
    const name = basename(asset);
    if (seen.has(name)) {
      throw new Error(`bundle asset '${asset}' collides with another file of the function's bundle (${name})`);
    }
    seen.add(name);
    const source = join(projectRoot, asset);
    if (!statSync(source, { throwIfNoEntry: false })?.isFile()) throw new Error(`bundle asset '${asset}' is not a file`);
    copyFileSync(source, join(assetDir, name));
  }
}

import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';

/**
 * The one place the esbuild options of the Lambda bundles are set: `lib/` bundles with them at
 * synth, the bundle-size test and `npm run bench` build with exactly the same options.
 *
 * Why each option (measurements in the README's "Bundles and cold start"):
 * - `@aws-sdk/*` stays external: the Node.js runtime ships the SDK v3, and bundling even a
 *   tree-shaken one costs 150-400 KB per function.
 * - `splitting`: what a function loads only on some paths (the SES/SNS/S3/EventBridge/Comprehend
 *   adapters, `aws-jwt-verify`) is imported dynamically and lands in its own chunk, loaded on first
 *   use instead of at cold start.
 * - minified, source maps written beside the build (`bundleFunctions` `outdir`, under `cdk.out` at
 *   synth) and never deployed: Node would parse them at every cold start with
 *   `--enable-source-maps`, and they are as large as the code. A stack trace's `index.mjs:1:<col>`
 *   is mapped back with the map of the same asset (README "Bundles and cold start").
 * - `charset: 'utf8'`: the Chinese texts stay 3 bytes a character instead of 6-byte `\u` escapes.
 * - `mainFields` module first: the ESM build of dependencies that ship both, so tree shaking works.
 */

/** The Lambda runtime's Node.js major version, as esbuild's target. */
export const BUNDLE_TARGET = 'node24';

/** The file Lambda loads (`index.handler`) in every function's asset. */
export const HANDLER_FILE = 'index.mjs';

/** Packages the Lambda Node.js runtime provides, left out of every bundle. */
export const RUNTIME_PROVIDED_PACKAGES: readonly string[] = ['@aws-sdk/*'];

/**
 * Makes `require` available inside the ESM bundle: some dependencies still call it for Node
 * built-ins, which would otherwise fail with "Dynamic require of ... is not supported".
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

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
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    external: [...RUNTIME_PROVIDED_PACKAGES],
    splitting: true,
    minify: true,
    treeShaking: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    charset: 'utf8',
    banner: { js: ESM_REQUIRE_BANNER },
    outExtension: { '.js': '.mjs' },
    // Requested entries are named by `bundleFunctions`; these names are for dynamically imported modules.
    entryNames: 'lazy-[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    define: { ...define },
    metafile: true,
    logLevel: 'silent',
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
 * Bundles every entry in ONE esbuild call (esbuild parses shared modules once and works in
 * parallel), chunks shared between entries written once into `outdir`.
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
 * Copies one entry's files into a function asset directory: the entry as {@link HANDLER_FILE}, its
 * chunks under their own names (the entry imports them as `./chunk-<hash>.mjs`), and the function's
 * bundle assets flat by basename (the `bundleAssets` contract of `functions/pipeline.ts`).
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

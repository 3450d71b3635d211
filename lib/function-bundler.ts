import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, BundlingOutput, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { bundleFunctions, type BundleBuild, type EntryBundle, stageEntryBundle } from './bundling.ts';

/** One function's bundle request: its entry and the compile-time constants it is built with. */
export interface BundleRequest {
  /** Handler module relative to the project root. */
  readonly entry: string;
  /** Compile-time constants (the inlined config, the text model for the functions that carry it). */
  readonly define: Readonly<Record<string, string>>;
}

/** A group of entries built together: all requests with the same constants. */
interface Group {
  readonly key: string;
  readonly define: Readonly<Record<string, string>>;
  readonly entries: Set<string>;
  build?: BundleBuild;
}

/**
 * Bundles the functions of a stack with ONE esbuild call per set of compile-time constants (in the
 * shipped stack: one call for all functions, a second one when a trained model is inlined into the
 * intake functions), instead of one esbuild process per function. Each distinct entry is bundled
 * once; functions sharing an entry share its asset.
 *
 * The stack {@link FunctionBundler.plan plans} every function before creating any, so the first
 * function's asset staging builds them all. Bundling runs inside CDK's asset staging, so
 * `aws:cdk:bundling-stacks` still skips it (tests) and the asset hash is the hash of the staged
 * output: a function whose bundle did not change is not redeployed.
 */
export class FunctionBundler {
  private readonly groups: Group[] = [];
  private outdir: string | undefined;

  /**
   * @param projectRoot directory entries and bundle assets are relative to
   * @param buildDir where builds and their source maps go (created on first build)
   * @default buildDir a fresh temporary directory
   */
  constructor(
    private readonly projectRoot: string,
    private readonly buildDir?: string,
  ) {}

  /**
   * Registers a function's bundle before any function is created, so one build covers all.
   * @param request the function's entry and constants
   */
  plan(request: BundleRequest): void {
    const key = defineKey(request.define);
    // A request after its group was built gets a build of its own (correct, merely not shared).
    let group = this.groups.find((g) => g.key === key && !g.build);
    if (!group) {
      group = { key, define: request.define, entries: new Set() };
      this.groups.push(group);
    }
    group.entries.add(request.entry);
  }

  /**
   * The Lambda code of one function: its entry's bundle plus its bundle assets, staged by CDK.
   *
   * @param request the function's entry and constants (planned now if it was not)
   * @param bundleAssets repo-relative files copied next to the bundle, flat by basename
   * @returns code for `lambda.Function`
   */
  code(request: BundleRequest, bundleAssets: readonly string[] = []): Code {
    const key = defineKey(request.define);
    const local: ILocalBundling & { readonly cacheKey: string } = {
      // Part of CDK's asset cache key: functions with the same entry, constants and assets share one asset.
      cacheKey: `${request.entry}|${key}|${bundleAssets.join('|')}`,
      tryBundle: (outputDir: string): boolean => {
        stageEntryBundle(this.bundleOf(request), outputDir, this.projectRoot, bundleAssets);
        return true;
      },
    };
    return Code.fromAsset(this.projectRoot, {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        local,
        // Never used: local bundling always succeeds, so CDK never falls back to Docker.
        image: DockerImage.fromRegistry('local-esbuild-only'),
        outputType: BundlingOutput.NOT_ARCHIVED,
      },
    });
  }

  private bundleOf(request: BundleRequest): EntryBundle {
    const key = defineKey(request.define);
    const find = () => this.groups.find((g) => g.key === key && g.entries.has(request.entry));
    let group = find();
    if (!group) {
      this.plan(request);
      group = find()!;
    }
    if (!group.build) {
      this.outdir ??= this.buildDir ?? mkdtempSync(join(tmpdir(), 'function-bundles-'));
      group.build = bundleFunctions({
        projectRoot: this.projectRoot,
        entries: [...group.entries],
        define: group.define,
        outdir: join(this.outdir, `${key.slice(0, 12)}-${this.groups.indexOf(group)}`),
      });
    }
    const bundle = group.build.entries.get(request.entry);
    if (!bundle) throw new Error(`no bundle for ${request.entry}`);
    return bundle;
  }
}

/** A stable key for a set of compile-time constants. */
function defineKey(define: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(define)
    .sort()
    .map((k) => [k, define[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/**
 * `tsbuild warmer`: fills a `--cache-dir` with base images ahead of builds (kaniko's warmer).
 * Images come from `--image` flags and from the FROM lines (and `COPY --from=<image>`) of a
 * Dockerfile, expanded with its global ARGs and the build args. Each reference is resolved
 * remotely; an image whose digest the store already holds is skipped unless `force`. One image
 * failing is a warning; the warmer fails only when no image could be warmed (kaniko's rule).
 */
import { BUILDER_FEATURES, parseDockerfile, planBuild } from '../dockerfile/index.js';
import type { Image } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { formatReference, parseReference, TsbuildError, UsageError, type Digest, type Platform, type Reference } from '../oci/index.js';
import { BaseImageStore } from './base-image-store.js';
import { DEFAULT_CACHE_TTL_MS } from './store.js';

/** What the warmer needs. */
export interface WarmOptions {
  /** The CLI's pull (mirrors, retries and credentials composed there). */
  readonly pullImage: (ref: Reference, platform: Platform) => Promise<Image>;
  readonly dir: string;
  readonly platform: Platform;
  /** Download again even when the store holds the digest (kaniko `--force`). */
  readonly force?: boolean;
  readonly ttlMs?: number;
  readonly logger: Logger;
}

/** What happened to one image. */
export interface WarmResult {
  readonly image: string;
  readonly status: 'warmed' | 'present' | 'failed';
  readonly digest?: Digest;
}

/** Options for reading the images a Dockerfile uses. */
export interface DockerfileImagesOptions {
  readonly buildArgs: ReadonlyMap<string, string>;
  /** BuildKit's automatic platform ARGs (TARGETPLATFORM …), as the build would define them. */
  readonly builtinArgs?: ReadonlyMap<string, string>;
  /** Only the stages this target needs, as the build would prune them. */
  readonly target?: string;
}

/** The images a Dockerfile pulls: FROM bases and `COPY --from=<image>`, in order, once each. */
export function dockerfileImages(text: string, file: string, opts: DockerfileImagesOptions): string[] {
  const plan = planBuild(parseDockerfile(text, file, { features: BUILDER_FEATURES }), {
    buildArgs: opts.buildArgs,
    ...(opts.builtinArgs === undefined ? {} : { builtinArgs: opts.builtinArgs }),
    ...(opts.target === undefined ? {} : { target: opts.target }),
  });
  const refs = plan.stages.flatMap((s) => [s.base, ...s.copyFrom.values()]).flatMap((b) => (b.kind === 'image' ? [b.ref] : []));
  return [...new Set(refs)];
}

async function warmOne(store: BaseImageStore, image: string, opts: WarmOptions): Promise<WarmResult> {
  const ref = parseReference(image);
  const img = await opts.pullImage(ref, opts.platform);
  const digest = await img.digest();
  if (!opts.force && (await store.byDigest(digest, opts.ttlMs ?? DEFAULT_CACHE_TTL_MS, new Date())) !== undefined) {
    // Present by digest; file the reference too (when new), so an offline build finds it by tag.
    if (!(await store.holds(ref, opts.platform, digest))) await store.put(ref, opts.platform, img);
    opts.logger.info({ image: formatReference(ref), digest }, 'already in the cache');
    return { image, status: 'present', digest };
  }
  const started = Date.now();
  await store.put(ref, opts.platform, img);
  opts.logger.info({ image: formatReference(ref), digest, ms: Date.now() - started }, 'warmed');
  return { image, status: 'warmed', digest };
}

/** Downloads `images` into the base-image store at `opts.dir`. */
export async function warmImages(images: readonly string[], opts: WarmOptions): Promise<WarmResult[]> {
  const unique = [...new Set(images)];
  if (unique.length === 0) throw new UsageError('the warmer needs at least one --image, or a --dockerfile that pulls an image');
  const store = new BaseImageStore(opts.dir);
  const results: WarmResult[] = [];
  for (const image of unique) {
    try {
      results.push(await warmOne(store, image, opts));
    } catch (err) {
      opts.logger.warn({ image, err: err instanceof Error ? err.message : String(err) }, 'could not warm image');
      results.push({ image, status: 'failed' });
    }
  }
  if (results.every((r) => r.status === 'failed')) {
    throw new TsbuildError('TSB_REGISTRY', `none of the images could be warmed: ${unique.join(', ')}`);
  }
  return results;
}

/**
 * From the cache flags to what build/ uses: the layer cache store (a registry repository through
 * the push client, which holds the push credentials, or a local OCI layout), the background
 * writer unless `--no-push-cache`, and the `--cache-dir` base-image store in front of the puller.
 */
import { resolve } from 'node:path';
import type { BuildCache, BuildDeps } from '../build/index.js';
import { BackgroundWriter, cachedBaseImage, cacheLocation, LayoutLayerCache, RegistryLayerCache, type LayerCache } from '../cache/index.js';
import type { Logger } from '../log/index.js';
import type { Digest, Platform } from '../oci/index.js';
import type { RegistryClient } from '../registry/index.js';
import type { BuildOptions } from './options.js';

/** How long the build waits for queued cache writes before it exits. */
const DRAIN_TIMEOUT_MS = 5 * 60 * 1000;

/** The build's layer cache, or undefined without `--cache`. */
export function layerCache(o: BuildOptions, push: RegistryClient, platform: Platform, cwd: string, logger: Logger): BuildCache | undefined {
  if (!o.cache) return undefined;
  const where = cacheLocation(o.cacheRepo, o.destinations);
  const store: LayerCache =
    where.kind === 'layout'
      ? new LayoutLayerCache({ dir: resolve(cwd, where.dir), platform, ttlMs: o.cacheTtl, logger })
      : new RegistryLayerCache({ client: push, repository: where, platform, ttlMs: o.cacheTtl, logger });
  logger.info({ cache: store.description }, `layer cache: ${store.description}`);
  return {
    store,
    ...(o.noPushCache ? {} : { writer: new BackgroundWriter(store, logger) }),
    runLayers: o.cacheRunLayers,
    copyLayers: o.cacheCopyLayers,
  };
}

/** Waits for the cache writes still queued; failures were warnings already. */
export async function drainCache(cache: BuildCache | undefined, logger: Logger): Promise<void> {
  if (cache?.writer === undefined) return;
  const started = Date.now();
  const result = await cache.writer.drain(DRAIN_TIMEOUT_MS);
  logger.info({ ...result, ms: Date.now() - started }, `cache writes: ${result.saved} saved, ${result.failed} failed, ${result.abandoned} abandoned`);
}

/**
 * `--cache-dir`: a base image the warmer stored is used instead of a download. A tag is resolved
 * remotely first (kaniko's rule: the store must hold what the tag names now); when the registry
 * cannot be reached, the warmer's record of the tag is used.
 */
export function withBaseImageStore(pull: BuildDeps['pullImage'], o: BuildOptions, logger: Logger): BuildDeps['pullImage'] {
  const dir = o.cacheDir;
  if (dir === undefined) return pull;
  return async (ref, platform) => {
    const resolveDigest = async (): Promise<Digest | undefined> => {
      if (ref.digest !== undefined) return undefined;
      try {
        return await (await pull(ref, platform)).digest();
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot resolve the base image tag; trying the --cache-dir record');
        return undefined;
      }
    };
    const digest = await resolveDigest();
    const cached = await cachedBaseImage(dir, ref, { platform, ttlMs: o.cacheTtl, ...(digest === undefined ? {} : { resolveDigest: async () => digest }) });
    if (cached === undefined) return pull(ref, platform);
    logger.info({ image: ref, dir }, 'base image from --cache-dir');
    return cached;
  };
}

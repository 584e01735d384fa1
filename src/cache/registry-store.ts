/**
 * The layer cache in a registry repository (`--cache-repo`), the one store every pod of a CI
 * cluster shares. Entry for key K: the image `<repo>:<hex of K>` (see entry-image). A lookup is a
 * manifest GET by tag plus the tiny config GET for its creation time; the layer is never
 * downloaded here, and it keeps the cache repository as its origin so the final push can mount
 * it across repositories instead of uploading it. A save pushes the entry image: the blob goes
 * up only when a HEAD says the repository lacks it, then the manifest, then the tag.
 */
import { pushImage, remoteImage, type Layer } from '../image/index.js';
import type { Logger } from '../log/index.js';
import type { Platform, Reference } from '../oci/index.js';
import { RegistryError, type RegistryClient } from '../registry/index.js';
import { entryImage, readEntry } from './entry-image.js';
import { keyTag, type CacheKey } from './keys.js';
import { DEFAULT_CACHE_TTL_MS, warnLookupFailed, type CachedLayer, type LayerCache, type SaveMeta } from './store.js';

/** Where and how the registry store works. */
export interface RegistryCacheOptions {
  /** Reads and writes both go through this client (the push client: it holds push credentials). */
  readonly client: RegistryClient;
  /** The cache repository (see `cacheLocation`). */
  readonly repository: { readonly registry: string; readonly repository: string };
  /** The build's platform (entries are single manifests; this is recorded in their config). */
  readonly platform: Platform;
  /** Entries older than this are misses (kaniko `--cache-ttl`, default 336 h). */
  readonly ttlMs?: number;
  readonly logger: Logger;
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
}

function isNotFound(err: unknown): boolean {
  return err instanceof RegistryError && err.status === 404;
}

/** The layer cache kept in a registry repository. */
export class RegistryLayerCache implements LayerCache {
  readonly description: string;

  constructor(private readonly opts: RegistryCacheOptions) {
    this.description = `${opts.repository.registry}/${opts.repository.repository}`;
  }

  private entryRef(key: CacheKey): Reference {
    return { ...this.opts.repository, tag: keyTag(key) };
  }

  async lookup(key: CacheKey): Promise<CachedLayer | undefined> {
    const { logger, client, platform } = this.opts;
    try {
      const entry = await readEntry(await remoteImage(client, this.entryRef(key), platform), this.ttl(), this.now());
      if (entry === 'expired') {
        logger.debug({ cache: this.description, key }, 'cache entry expired');
        return undefined;
      }
      return entry;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      return warnLookupFailed(logger, this, key, err);
    }
  }

  async save(key: CacheKey, layer: Layer | null, meta: SaveMeta): Promise<void> {
    await pushImage(this.opts.client, entryImage(layer, meta.created, this.opts.platform), this.entryRef(key));
  }

  private ttl(): number {
    return this.opts.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}

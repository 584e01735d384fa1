/**
 * The layer cache's one interface, whatever holds the entries (a registry repository shared by
 * every pod, or a local OCI layout). An entry is what one step produced: a layer, or nothing at
 * all (a RUN that changed no file, a WORKDIR that already existed), which must be cached too or
 * a warm build would run that step again.
 */
import type { Layer } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { mapBounded } from './bounded.js';
import type { CacheKey } from './keys.js';

/** A cache hit. `layer` is lazy: nothing is downloaded until it is opened. */
export interface CachedLayer {
  /** The step's layer; null when the step produced none (an `empty_layer` history entry). */
  readonly layer: Layer | null;
  /** When the entry was written (wall-clock time, whatever `--reproducible` says). */
  readonly createdAt: Date;
}

/** What `save` records besides the layer. */
export interface SaveMeta {
  /** Wall-clock time of the save: the TTL counts from it. */
  readonly created: Date;
}

/** A store of step results by key. */
export interface LayerCache {
  /** Where entries live, for log lines (`registry/repo`, `oci:/path`). */
  readonly description: string;
  /**
   * The entry for `key`, or undefined for a miss. An entry older than the store's TTL is a miss;
   * so is any failure to read (logged as a warning): the cache never fails a build.
   */
  lookup(key: CacheKey): Promise<CachedLayer | undefined>;
  /** Stores `layer` (or "no layer") under `key`. May throw; `BackgroundWriter` turns that into a warning. */
  save(key: CacheKey, layer: Layer | null, meta: SaveMeta): Promise<void>;
}

/** How long entries count as valid: kaniko's `--cache-ttl` default, two weeks. */
export const DEFAULT_CACHE_TTL_MS = 336 * 60 * 60 * 1000;

/** Lookups run this many at a time by default: small GETs, latency-bound. */
const LOOKUP_CONCURRENCY = 8;

/** Looks up every key, a bounded number at a time; results in key order. */
export function lookupAll(cache: LayerCache, keys: readonly CacheKey[], concurrency = LOOKUP_CONCURRENCY): Promise<(CachedLayer | undefined)[]> {
  return mapBounded(keys, concurrency, (key) => cache.lookup(key));
}

/** True when an entry written at `createdAt` is older than `ttlMs` at `now`. */
export function isExpired(createdAt: Date, ttlMs: number, now: Date): boolean {
  return Number.isNaN(createdAt.getTime()) || createdAt.getTime() + ttlMs < now.getTime();
}

/** Logs why a lookup counts as a miss, once per failure, at warning level. */
export function warnLookupFailed(logger: Logger, cache: LayerCache, key: CacheKey, err: unknown): undefined {
  logger.warn({ cache: cache.description, key, err: err instanceof Error ? err.message : String(err) }, 'cache lookup failed; treating it as a miss');
  return undefined;
}

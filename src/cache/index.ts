/**
 * cache/: the layer cache — chained content-addressed keys, source digests for COPY/ADD, stores
 * (a registry repository shared by every pod, a local OCI layout), background writes, and the
 * `--cache-dir` base-image store with its warmer.
 */
export { KEY_SCHEMA, keyTag, stageSourceDigest, stageStartKey, stepKey, type CacheKey, type LayerFormat, type StageBase, type StepKeyInput } from './keys.js';
export { sourceDigest, type SourceDigestOptions } from './source-digest.js';
export { DEFAULT_CACHE_TTL_MS, lookupAll, type CachedLayer, type LayerCache, type SaveMeta } from './store.js';
export { cacheLocation, type CacheLocation } from './cache-location.js';
export { RegistryLayerCache, type RegistryCacheOptions } from './registry-store.js';
export { LayoutLayerCache, type LayoutCacheOptions } from './layout-store.js';
export { BackgroundWriter, type DrainResult } from './background-writer.js';
export { BaseImageStore, cachedBaseImage, type BaseImageLookup } from './base-image-store.js';
export { dockerfileImages, warmImages, type DockerfileImagesOptions, type WarmOptions, type WarmResult } from './warmer.js';

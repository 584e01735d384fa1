/**
 * One cache entry as an image (kaniko's layout: one tiny image per cached step, filed under the
 * key): zero layers when the step produced none, else exactly its layer. The config's `created`
 * is the wall-clock time of the save, which the TTL counts from; it is never the build's
 * `--reproducible` time, or every reproducible entry would be born expired.
 */
import { appendLayers, scratchImage, withConfig, type Image, type Layer } from '../image/index.js';
import { TsbuildError, type Platform } from '../oci/index.js';
import { isExpired, type CachedLayer } from './store.js';

const CREATED_BY = 'tsbuild layer cache entry';

/** The image stored for a step that produced `layer` (or none), saved at `created`. */
export function entryImage(layer: Layer | null, created: Date, platform: Platform): Image {
  const at = created.toISOString();
  const base = scratchImage('oci', platform);
  const withLayer = layer === null ? base : appendLayers(base, [{ layer, history: { created: at, created_by: CREATED_BY } }]);
  return withConfig(withLayer, (cfg) => ({ ...cfg, created: at, config: {} }));
}

/** What an entry image says, or 'expired' when it is older than `ttlMs` at `now`. */
export async function readEntry(img: Image, ttlMs: number, now: Date): Promise<CachedLayer | 'expired'> {
  const [config, layers] = await Promise.all([img.config(), img.layers()]);
  if (layers.length > 1) {
    throw new TsbuildError('TSB_MANIFEST_INVALID', `a cache entry has ${layers.length} layers; an entry holds at most one`);
  }
  const createdAt = new Date(config.created ?? Number.NaN);
  if (isExpired(createdAt, ttlMs, now)) return 'expired';
  return { layer: layers[0] ?? null, createdAt };
}

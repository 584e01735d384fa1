/**
 * The layer cache in a local OCI image layout (`--cache-repo oci:/path`): the same entries as the
 * registry store (see entry-image), filed under the key's hex as their ref name. It needs no
 * registry at all, and `skopeo`/`umoci` can read it. Reads are verified like any layout read.
 */
import { mkdir } from 'node:fs/promises';
import type { Layer } from '../image/index.js';
import type { Logger } from '../log/index.js';
import type { Platform } from '../oci/index.js';
import { entryImage, readEntry } from './entry-image.js';
import { keyTag, type CacheKey } from './keys.js';
import { LayoutDir } from './layout-dir.js';
import { DEFAULT_CACHE_TTL_MS, warnLookupFailed, type CachedLayer, type LayerCache, type SaveMeta } from './store.js';

/** Where and how the layout store works. */
export interface LayoutCacheOptions {
  readonly dir: string;
  readonly platform: Platform;
  readonly ttlMs?: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** The layer cache kept in an OCI image layout directory. */
export class LayoutLayerCache implements LayerCache {
  readonly description: string;
  private readonly layout: LayoutDir;

  constructor(private readonly opts: LayoutCacheOptions) {
    this.description = `oci:${opts.dir}`;
    this.layout = new LayoutDir(opts.dir);
  }

  async lookup(key: CacheKey): Promise<CachedLayer | undefined> {
    try {
      const img = await this.layout.image(keyTag(key));
      if (img === undefined) return undefined;
      const entry = await readEntry(img, this.opts.ttlMs ?? DEFAULT_CACHE_TTL_MS, this.opts.now?.() ?? new Date());
      return entry === 'expired' ? undefined : entry;
    } catch (err) {
      return warnLookupFailed(this.opts.logger, this, key, err);
    }
  }

  async save(key: CacheKey, layer: Layer | null, meta: SaveMeta): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    await this.layout.write(entryImage(layer, meta.created, this.opts.platform), [keyTag(key)]);
  }
}

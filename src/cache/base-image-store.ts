/**
 * The `--cache-dir` store of base images, filled by `tsbuild warmer` and read by builds: one OCI
 * layout holding each warmed image under two names, its manifest digest and its reference with
 * the platform. kaniko's rule for using it: a reference pinned by digest is served from the store
 * with no network at all; a tag is first resolved remotely (a manifest GET, so a moved tag is
 * honoured) and the store is used when it holds that digest. Without a resolver (offline), a tag
 * is served from what the warmer recorded for it. Entries older than the TTL are not used (the
 * clock is the time the warmer wrote them, as kaniko's is the file's mtime).
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Image } from '../image/index.js';
import { formatPlatform, formatReference, type Digest, type Platform, type Reference } from '../oci/index.js';
import { LayoutDir } from './layout-dir.js';
import { DEFAULT_CACHE_TTL_MS, isExpired } from './store.js';

/**
 * The ref name for a reference and platform. References may hold `_`, which the image-spec ref
 * name grammar does not allow, and any lossy spelling could make two references collide: a hash.
 */
function referenceName(ref: Reference, platform: Platform): string {
  const hex = createHash('sha256').update(`${formatReference(ref)}\n${formatPlatform(platform)}`).digest('hex');
  return `ref-${hex}`;
}

/** Options of a store lookup. */
export interface BaseImageLookup {
  readonly platform: Platform;
  /** Entries warmed longer ago than this are not used (default 336 h, kaniko's `--cache-ttl`). */
  readonly ttlMs?: number;
  /** Resolves a tag to the platform's manifest digest remotely; absent means offline. */
  readonly resolveDigest?: (ref: Reference) => Promise<Digest>;
  readonly now?: () => Date;
}

/** Base images by digest and by reference, in a local OCI layout. */
export class BaseImageStore {
  private readonly layout: LayoutDir;

  constructor(readonly dir: string) {
    this.layout = new LayoutDir(dir);
  }

  /** Stores `img` (every blob, verified on the way) as what `ref` names for `platform`. */
  async put(ref: Reference, platform: Platform, img: Image): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.layout.write(img, [await img.digest(), referenceName(ref, platform)]);
  }

  /** True when `ref` for `platform` is filed under exactly `digest`. */
  async holds(ref: Reference, platform: Platform, digest: Digest): Promise<boolean> {
    return (await this.layout.find(referenceName(ref, platform)))?.digest === digest;
  }

  /** The image with manifest digest `digest`, when stored and fresh. */
  async byDigest(digest: Digest, ttlMs: number, now: Date): Promise<Image | undefined> {
    const entry = await this.layout.find(digest);
    // The name must agree with what it points at, whatever wrote the index.
    if (entry === undefined || entry.digest !== digest) return undefined;
    return this.fresh(entry.digest, ttlMs, now);
  }

  /** The image the warmer stored for `ref` and `platform`, when fresh. */
  async byReference(ref: Reference, platform: Platform, ttlMs: number, now: Date): Promise<Image | undefined> {
    const entry = await this.layout.find(referenceName(ref, platform));
    return entry === undefined ? undefined : this.fresh(entry.digest, ttlMs, now);
  }

  private async fresh(digest: string, ttlMs: number, now: Date): Promise<Image | undefined> {
    const entry = await this.layout.find(digest);
    if (entry === undefined || isExpired(await this.layout.writtenAt(entry), ttlMs, now)) return undefined;
    return this.layout.image(digest);
  }
}

/** The base image `ref` from the store at `dir`, following kaniko's rules (see the file header). */
export async function cachedBaseImage(dir: string, ref: Reference, opts: BaseImageLookup): Promise<Image | undefined> {
  const store = new BaseImageStore(dir);
  const ttl = opts.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  const now = opts.now?.() ?? new Date();
  if (ref.digest !== undefined) {
    // A pinned digest may be the platform's manifest or an index above it; the warmer filed both.
    return (await store.byDigest(ref.digest, ttl, now)) ?? store.byReference(ref, opts.platform, ttl, now);
  }
  if (opts.resolveDigest !== undefined) return store.byDigest(await opts.resolveDigest(ref), ttl, now);
  return store.byReference(ref, opts.platform, ttl, now);
}

/**
 * An OCI image layout directory used as a keyed store (the `oci:/path` layer cache and the
 * `--cache-dir` base-image store): images filed under ref names. Writes are queued one after
 * another, because adding to `index.json` is a read-modify-write and two concurrent writers
 * would lose an entry. The index is read once and kept until this process writes again.
 */
import { stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOciLayout, type Image } from '../image/index.js';
// The layout source is new in image/; until image/index.ts re-exports it, this file reaches it directly.
import { layoutImageAt, layoutRefs, readLayoutIndex } from '../image/index.js';
import { splitDigest, type Descriptor, type Digest } from '../oci/index.js';

/** A layout directory read and written by ref name. */
export class LayoutDir {
  private refs: Promise<Map<string, Descriptor>> | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  /** The manifest descriptor filed under `refName`, if any. */
  async find(refName: string): Promise<Descriptor | undefined> {
    this.refs ??= readLayoutIndex(this.dir).then((index) => (index === undefined ? new Map() : layoutRefs(index)));
    try {
      return (await this.refs).get(refName);
    } catch (err) {
      this.refs = undefined; // a failed read is not remembered: the next lookup tries again
      throw err;
    }
  }

  /** The image filed under `refName`, read lazily and verified. */
  async image(refName: string): Promise<Image | undefined> {
    const entry = await this.find(refName);
    return entry === undefined ? undefined : layoutImageAt(this.dir, entry);
  }

  /** When the manifest filed under `refName` was last written (its blob file's mtime). */
  async writtenAt(manifest: Descriptor): Promise<Date> {
    return (await stat(this.manifestPath(manifest.digest as Digest))).mtime;
  }

  /** Files `img` under every name in `refNames`, after the writes queued before it. */
  write(img: Image, refNames: readonly string[]): Promise<void> {
    const done = this.writes.then(async () => {
      for (const name of refNames) await writeOciLayout(img, this.dir, name);
      // Blobs already present are not rewritten; the manifest's mtime records this write (kaniko's TTL clock).
      const now = new Date();
      await utimes(this.manifestPath(await img.digest()), now, now);
      this.refs = undefined;
    });
    this.writes = done.catch(() => undefined);
    return done;
  }

  private manifestPath(digest: Digest): string {
    const { algorithm, hex } = splitDigest(digest);
    return join(this.dir, 'blobs', algorithm, hex);
  }
}

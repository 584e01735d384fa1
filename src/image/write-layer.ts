/**
 * Turns a layer tar into a stored gzip blob in one streaming pass:
 * tar → sha256 (diffID) → parallel gzip → sha256 (digest) + byte count → temp file → rename to
 * `<hex>`.
 *
 * The blob is a multi-member gzip: one member per 1 MiB of tar, compressed on worker threads
 * (`parallel-gzip`). Measured here: 2.1× the throughput of one zlib stream on two cores, as fast
 * on one core, blobs 0.1–0.3% larger. Every member has a fixed 10-byte header (no file name,
 * mtime 0, OS byte 3) and chunks are cut at fixed offsets, so the same tar at the same level
 * always gives the same blob, whatever the machine's thread count (DESIGN rule 6; deflate's
 * bytes still depend on the zlib build Node ships). A tar of at most 1 MiB gives exactly the
 * single-stream gzip.
 *
 * Default level 6, as Docker, BuildKit and kaniko use (Go's default). Measured here on an 800 MB
 * system-library tar and a 94 MB node_modules tar: level 3 was as fast as level 1 and ~65–70%
 * faster than 6, but 5–9% larger. An image is built once and pulled many times, so the default
 * keeps Docker's size; the speed is to be won back by parallel compression, and callers may
 * pass `level` (kaniko's `--compression-level`).
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Digest, InternalError, splitDigest } from '../oci/index.js';
import { hashTap } from './hash-tap.js';
import { layerFromFile } from './layer-file.js';
import { parallelGzip } from './parallel-gzip.js';
import type { Layer } from './types.js';
import { commitTempFile } from './write-atomic.js';

/** Where and how to store a new layer. `mediaType` must be a gzip layer type. */
export interface WriteLayerOptions {
  /** Directory that receives the blob as `<hex>`; must exist. */
  readonly dir: string;
  readonly mediaType: string;
  readonly signal?: AbortSignal;
  /** gzip level 0–9; default 6. */
  readonly level?: number;
}

/** The default gzip level of new layers (see the file header for why). */
export const DEFAULT_GZIP_LEVEL = 6;

/** Compresses `tar` into `dir/<digest hex>` and returns a reopenable Layer for it. */
export async function writeLayer(tar: Readable, opts: WriteLayerOptions): Promise<Layer> {
  if (!/gzip$/.test(opts.mediaType)) {
    throw new InternalError(`writeLayer writes gzip blobs but was asked for ${opts.mediaType}`);
  }
  const level = opts.level ?? DEFAULT_GZIP_LEVEL;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new InternalError(`gzip level ${level} is not an integer from 0 to 9`);
  const uncompressed = hashTap();
  const compressed = hashTap();
  const info = await commitTempFile(
    opts.dir,
    async (temp) => {
      await pipeline(
        tar,
        uncompressed.stream,
        parallelGzip({ level }),
        compressed.stream,
        createWriteStream(temp),
        opts.signal ? { signal: opts.signal } : {},
      );
      return {
        digest: compressed.digest(),
        diffId: uncompressed.digest(),
        size: compressed.size(),
        mediaType: opts.mediaType,
      };
    },
    (result) => blobPath(opts.dir, result.digest),
  );
  return layerFromFile(blobPath(opts.dir, info.digest), info);
}

function blobPath(dir: string, digest: Digest): string {
  return join(dir, splitDigest(digest).hex);
}

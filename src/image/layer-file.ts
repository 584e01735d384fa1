/**
 * A layer whose blob is a file on disk (the layer writer's output, a cache entry). It can be
 * reopened any number of times; every read is verified against the digest (DESIGN rule 2).
 */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import type { Digest } from '../oci/index.js';
import type { Layer } from './types.js';
import { verifyStream } from './verify.js';

/** What is known about a blob file without reading it. */
export interface LayerFileInfo {
  readonly digest: Digest;
  readonly diffId: Digest;
  readonly size: number;
  readonly mediaType: string;
}

/** A Layer backed by the blob at `path`; `open()` returns a fresh, verified stream each call. */
export function layerFromFile(path: string, info: LayerFileInfo): Layer {
  return {
    mediaType: info.mediaType,
    digest: () => Promise.resolve(info.digest),
    diffId: () => Promise.resolve(info.diffId),
    size: () => Promise.resolve(info.size),
    open(): Promise<Readable> {
      // The callback form returns the last stream, which the caller consumes; errors from either
      // stage (a missing file, a digest mismatch) surface on it, so the callback has nothing to do.
      const verified = pipeline(createReadStream(path), verifyStream(info.digest, path, info.size), () => {});
      return Promise.resolve(verified);
    },
  };
}

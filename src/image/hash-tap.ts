/**
 * A pass-through that hashes and counts the bytes flowing through it, so one streaming pass can
 * yield the digest and size of a stage of a pipeline (the tar for the diffID, the gzip for the
 * blob digest) without a second read.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type Digest, digestFromHash, InternalError } from '../oci/index.js';

/** A sha256-hashing pass-through; `digest()` and `size()` are valid once the stream has ended. */
export interface HashTap {
  readonly stream: Transform;
  digest(): Digest;
  size(): number;
}

export function hashTap(): HashTap {
  const hash = createHash('sha256');
  let size = 0;
  let digest: Digest | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      digest = digestFromHash(hash);
      done();
    },
  });
  return {
    stream,
    digest() {
      if (digest === undefined) throw new InternalError('hash read before its stream ended');
      return digest;
    },
    size: () => size,
  };
}

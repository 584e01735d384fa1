/**
 * Every blob read from a registry, cache or layout passes through `verifyStream`: bytes flow on
 * unchanged, and the stream errors at its end if the digest or size is not the one asked for.
 * An error, never a warning (DESIGN rule 2).
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError, type Digest, digestFromHash, splitDigest, TsbuildError } from '../oci/index.js';

/** A pass-through that checks `digest` (and `size`, when known) once all bytes have passed. */
export function verifyStream(digest: Digest, source: string, size?: number): Transform {
  const { algorithm } = splitDigest(digest);
  const hash = createHash(algorithm);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      hash.update(chunk);
      seen += chunk.length;
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (size !== undefined && seen !== size) {
        done(new TsbuildError('TSB_DIGEST_MISMATCH', `size mismatch reading ${source}: expected ${size} bytes, got ${seen}`));
        return;
      }
      const actual = algorithm === 'sha256' ? digestFromHash(hash) : (`${algorithm}:${hash.digest('hex')}` as Digest);
      done(actual === digest ? null : new DigestMismatchError(digest, actual, source));
    },
  });
}

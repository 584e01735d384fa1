import { createHash, type Hash } from 'node:crypto';
import { TsbuildError } from './errors.js';

/** A content digest `algorithm:hex`; only the parsers in this file create one. */
export type Digest = string & { readonly __brand: 'Digest' };

const DIGEST_RE = /^(sha256):([a-f0-9]{64})$|^(sha512):([a-f0-9]{128})$/;

/** Parses and validates `sha256:<64 hex>` (or sha512). */
export function parseDigest(text: string): Digest {
  if (!DIGEST_RE.test(text)) {
    throw new TsbuildError('TSB_DIGEST_INVALID', `invalid digest ${JSON.stringify(text)}`);
  }
  return text as Digest;
}

/** True when `text` is a well-formed digest. */
export function isDigest(text: string): text is Digest {
  return DIGEST_RE.test(text);
}

/** The digest of bytes already in memory (manifests and configs, never blobs). */
export function sha256Digest(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest;
}

/** Turns a finished sha256 `Hash` into a Digest. */
export function digestFromHash(hash: Hash): Digest {
  return `sha256:${hash.digest('hex')}` as Digest;
}

/** The algorithm and hex parts of a digest. */
export function splitDigest(digest: Digest): { algorithm: string; hex: string } {
  const i = digest.indexOf(':');
  return { algorithm: digest.slice(0, i), hex: digest.slice(i + 1) };
}

/**
 * `ADD --checksum=<algorithm>:<hex>`: the downloaded bytes must have that digest (BuildKit's
 * HTTP source with `llb.Checksum`), else the step fails naming the expected and the actual
 * digest. As in BuildKit, only remote sources can be verified: a checksum on a local source is
 * an error rather than a check silently skipped.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { TsbuildError } from '../oci/index.js';

const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** A parsed `--checksum` value. */
export interface Checksum {
  readonly algorithm: string;
  readonly hex: string;
}

/** Parses `sha256:<64 hex>` (also sha384, sha512), as the OCI digest grammar allows them. */
export function parseChecksum(value: string): Checksum {
  const at = value.indexOf(':');
  const algorithm = value.slice(0, at);
  const hex = value.slice(at + 1);
  const length = HEX_LENGTH[algorithm];
  if (at < 0 || length === undefined || hex.length !== length || !/^[0-9a-f]+$/.test(hex)) {
    throw new TsbuildError('TSB_COPY_SOURCE', `invalid --checksum ${JSON.stringify(value)}: want sha256:, sha384: or sha512: followed by the lowercase hex digest`);
  }
  return { algorithm, hex };
}

/** Fails unless the file at `hostPath` has the digest `expected`. */
export async function verifyChecksum(hostPath: string, expected: Checksum, url: string): Promise<void> {
  const hash = createHash(expected.algorithm);
  await pipeline(createReadStream(hostPath), hash);
  const actual = hash.digest('hex');
  if (actual !== expected.hex) {
    throw new TsbuildError(
      'TSB_DIGEST_MISMATCH',
      `ADD ${url}: checksum mismatch: expected ${expected.algorithm}:${expected.hex}, got ${expected.algorithm}:${actual}`,
    );
  }
}

/** The error for `--checksum` on a source that is not a URL. */
export function checksumOnLocalSource(source: string): TsbuildError {
  return new TsbuildError('TSB_COPY_SOURCE', `ADD --checksum can't be specified for non-HTTP(S) sources (${JSON.stringify(source)})`);
}

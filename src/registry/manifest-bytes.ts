/** Manifest bytes as a registry serves them: their digest, and which media type they are. */
import { createHash } from 'node:crypto';
import { type Digest, isIndexMediaType, isManifestMediaType, MediaType } from '../oci/index.js';

/** The digest of `bytes` with `algorithm` (sha256 unless a reference names another). */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` as Digest;
}

/** The manifest's media type: the Content-Type when it names one, else the document's own field. */
export function manifestMediaType(contentType: string | null, bytes: Uint8Array): string {
  const header = contentType?.split(';')[0]?.trim();
  if (header && (isManifestMediaType(header) || isIndexMediaType(header) || header.startsWith('application/vnd.'))) return header;
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof doc.mediaType === 'string') return doc.mediaType;
    return Array.isArray(doc.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
  } catch {
    return header ?? MediaType.ociManifest;
  }
}

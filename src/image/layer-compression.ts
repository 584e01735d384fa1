/**
 * How new layers are compressed (kaniko's `--compression` and `--compression-level`), and what
 * follows from it: the layer media type, the default level, and the identity of the blob format
 * that cache keys carry, so that layers written one way never serve a build asking another.
 */
import { InternalError, type MediaFamily, MediaType, mediaTypesFor } from '../oci/index.js';
import { GZIP_CHUNK_SIZE } from './parallel-gzip.js';
import { DEFAULT_ZSTD_LEVEL } from './zstd-compress.js';

/** The compressions tsbuild writes. */
export type CompressionFormat = 'gzip' | 'zstd';

/** How new layers are compressed; `level` absent means the format's default. */
export interface LayerCompression {
  readonly format: CompressionFormat;
  readonly level?: number;
}

/** The default gzip level of new layers (write-layer.ts says why). */
export const DEFAULT_GZIP_LEVEL = 6;

/** The level a compression actually uses. */
export function compressionLevel(c: LayerCompression): number {
  return c.level ?? (c.format === 'gzip' ? DEFAULT_GZIP_LEVEL : DEFAULT_ZSTD_LEVEL);
}

/** The compression a layer media type names, or undefined for a type tsbuild does not write. */
export function compressionOf(mediaType: string): CompressionFormat | undefined {
  if (mediaType === MediaType.ociLayerGzip || mediaType === MediaType.dockerLayerGzip) return 'gzip';
  if (mediaType === MediaType.ociLayerZstd) return 'zstd';
  return undefined;
}

/**
 * The media type of new layers in a `family` image. Docker's schema 2 has no zstd layer type, so
 * zstd needs an OCI image (oci-family.ts converts; BuildKit forces OCI media types for zstd too).
 */
export function layerMediaType(family: MediaFamily, format: CompressionFormat): string {
  if (format === 'gzip') return mediaTypesFor(family).layerGzip;
  if (family !== 'oci') throw new InternalError('zstd layers were asked for in a Docker media-type image');
  return MediaType.ociLayerZstd;
}

/**
 * Everything that decides a new blob's bytes besides the tar: the format, the level and, for
 * gzip, the member size. Cache keys include it, so a cache written with other settings never
 * serves this build. zstd's thread count is not in it: it never changes the bytes.
 */
export function compressionId(c: LayerCompression): string {
  const level = compressionLevel(c);
  return c.format === 'gzip' ? `gzip-${level}-members-${GZIP_CHUNK_SIZE}` : `zstd-${level}`;
}

/**
 * An image under OCI media types, whatever family it came in. zstd layers exist only in OCI
 * (Docker's schema 2 has no zstd layer type), so a zstd build on a Docker-media-type base makes
 * the whole image OCI, as BuildKit does ("forcibly turning on oci-mediatype mode for zstd"):
 * OCI manifest and config media types, and each base layer relabelled to its OCI equivalent,
 * the same blob, never recompressed (BuildKit's table, `convertLayerMediaType`). The config is
 * the same document; only its descriptor's media type changes.
 */
import { MediaType, TsbuildError } from '../oci/index.js';
import { computedImage, manifestLayers, relabelled, type ManifestLayer } from './computed-image.js';
import type { Image } from './types.js';

/** Docker layer media types and their OCI equivalents. */
const TO_OCI: Readonly<Record<string, string>> = {
  [MediaType.dockerLayerGzip]: MediaType.ociLayerGzip,
  [MediaType.dockerLayerTar]: MediaType.ociLayerTar,
  [MediaType.dockerForeignLayerGzip]: MediaType.ociNondistributableLayerGzip,
  [MediaType.dockerForeignLayerTar]: MediaType.ociNondistributableLayerTar,
};

/** `img` itself when it is OCI already, else the same image under OCI media types. */
export function asOciImage(img: Image): Image {
  if (img.family === 'oci') return img;
  return computedImage({
    family: 'oci',
    config: () => img.config(),
    layers: async () => (await manifestLayers(img)).map(toOci),
  });
}

function toOci({ layer, descriptor }: ManifestLayer): ManifestLayer {
  if (descriptor.mediaType.startsWith('application/vnd.oci.')) return { layer, descriptor };
  const mediaType = TO_OCI[descriptor.mediaType];
  if (mediaType === undefined) {
    throw new TsbuildError(
      'TSB_MANIFEST_INVALID',
      `layer ${descriptor.digest} has media type ${descriptor.mediaType}, which has no OCI equivalent: the image cannot be made OCI (needed for zstd layers)`,
    );
  }
  return { layer: relabelled(layer, mediaType), descriptor: { ...descriptor, mediaType } };
}

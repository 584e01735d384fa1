/**
 * An Image assembled from its parts (a config and manifest-ordered layers), the shared core of
 * `scratchImage`, `appendLayers` and `withConfig`. The manifest and config are serialized once
 * with `JSON.stringify` of objects built in a fixed key order, so the same parts always give the
 * same bytes and therefore the same digest.
 */
import {
  type Descriptor,
  type ImageConfig,
  type Manifest,
  type MediaFamily,
  MediaType,
  mediaTypesFor,
  sha256Digest,
  TsbuildError,
} from '../oci/index.js';
import { once } from './once.js';
import type { Image, Layer } from './types.js';

/** A layer with the descriptor it has in the manifest. */
export interface ManifestLayer {
  readonly layer: Layer;
  readonly descriptor: Descriptor;
}

/** What an image is made of before it is serialized. */
export interface ImageParts {
  readonly family: MediaFamily;
  config(): Promise<ImageConfig>;
  layers(): Promise<readonly ManifestLayer[]>;
}

/** An Image whose manifest and config are computed once from `parts`. */
export function computedImage(parts: ImageParts): Image {
  const types = mediaTypesFor(parts.family);
  const layers = once(parts.layers);
  const config = once(parts.config);
  const rawConfig = once(async () => new TextEncoder().encode(JSON.stringify(await config())));
  const configDescriptor = once(async (): Promise<Descriptor> => {
    const bytes = await rawConfig();
    return { mediaType: types.config, digest: sha256Digest(bytes), size: bytes.length };
  });
  const manifest = once(
    async (): Promise<Manifest> => ({
      schemaVersion: 2,
      mediaType: types.manifest,
      config: await configDescriptor(),
      layers: (await layers()).map((l) => l.descriptor),
    }),
  );
  const rawManifest = once(async () => new TextEncoder().encode(JSON.stringify(await manifest())));
  return {
    family: parts.family,
    manifest,
    rawManifest,
    digest: once(async () => sha256Digest(await rawManifest())),
    config,
    rawConfig,
    configDescriptor,
    layers: once(async () => (await layers()).map((l) => l.layer)),
  };
}

/** The layers of an existing image paired with their manifest descriptors. */
export async function manifestLayers(img: Image): Promise<readonly ManifestLayer[]> {
  const [manifest, layers] = await Promise.all([img.manifest(), img.layers()]);
  if (manifest.layers.length !== layers.length) {
    throw new TsbuildError(
      'TSB_MANIFEST_INVALID',
      `image manifest lists ${manifest.layers.length} layers but the image has ${layers.length}`,
    );
  }
  return layers.map((layer, i) => ({ layer, descriptor: manifest.layers[i]! }));
}

/**
 * The descriptor of a layer newly placed in a `family` image. A gzip layer takes the family's
 * gzip media type (Docker and OCI gzip blobs are the same bytes); any other type is kept.
 */
export async function layerDescriptor(layer: Layer, family: MediaFamily): Promise<ManifestLayer> {
  const gzip = layer.mediaType === MediaType.ociLayerGzip || layer.mediaType === MediaType.dockerLayerGzip;
  const mediaType = gzip ? mediaTypesFor(family).layerGzip : layer.mediaType;
  const [digest, size] = await Promise.all([layer.digest(), layer.size()]);
  const descriptor: Descriptor = {
    mediaType,
    digest,
    size,
    ...(layer.annotations ? { annotations: { ...layer.annotations } } : {}),
  };
  return { layer: mediaType === layer.mediaType ? layer : relabelled(layer, mediaType), descriptor };
}

/** The same blob under another media type; origin and annotations are kept. */
export function relabelled(layer: Layer, mediaType: string): Layer {
  return {
    mediaType,
    digest: () => layer.digest(),
    diffId: () => layer.diffId(),
    size: () => layer.size(),
    open: () => layer.open(),
    ...(layer.annotations ? { annotations: layer.annotations } : {}),
    ...(layer.origin ? { origin: layer.origin } : {}),
  };
}

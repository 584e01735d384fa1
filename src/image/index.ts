/** image/: the image model, its sources and sinks, and layer writing. */
export * from './types.js';
export * from './verify.js';
export * from './remote.js';
export * from './push.js';
export { layerFromFile, type LayerFileInfo } from './layer-file.js';
export { writeLayer, type WriteLayerOptions } from './write-layer.js';
export { GZIP_CHUNK_SIZE } from './parallel-gzip.js';
export { DEFAULT_ZSTD_LEVEL, MAX_ZSTD_LEVEL } from './zstd-compress.js';
export {
  DEFAULT_GZIP_LEVEL,
  compressionId,
  compressionLevel,
  compressionOf,
  layerMediaType,
  type CompressionFormat,
  type LayerCompression,
} from './layer-compression.js';
export { asOciImage } from './oci-family.js';
export { openUncompressed } from './uncompressed.js';
export { prefetchLayers, type PrefetchOptions } from './prefetch-layers.js';
export { scratchImage, DEFAULT_PATH_ENV } from './scratch.js';
export { appendLayers, withConfig, type LayerAddition } from './mutate.js';
export { writeDockerTar } from './docker-tar.js';
export { writeOciLayout } from './oci-layout.js';
export { REF_NAME_ANNOTATION } from './layout-index.js';
export { registryMirrors, mirrorReference, remoteImageWithMirrors, type RegistryMirrors, type PullOptions } from './mirrors.js';
export { checkPushPermission } from './push-permission.js';
export { writeFileAtomic } from './write-atomic.js';
export { layoutImage, layoutImageAt, layoutRefs, readLayoutIndex } from './layout-image.js';

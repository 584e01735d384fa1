/** Media types of the two families tsbuild reads and writes. */
export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  /** Deprecated by the spec, still what Docker's foreign layers become under OCI types. */
  ociNondistributableLayerTar: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociNondistributableLayerGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociNondistributableLayerZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerTar: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerTar: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export type MediaTypeName = (typeof MediaType)[keyof typeof MediaType];

/** Which family an image's manifest belongs to; new layers and configs follow it. */
export type MediaFamily = 'oci' | 'docker';

/** Manifest media types sent in `Accept` when pulling. */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
];

export function isIndexMediaType(mt: string | undefined): boolean {
  return mt === MediaType.ociIndex || mt === MediaType.dockerManifestList;
}

export function isManifestMediaType(mt: string | undefined): boolean {
  return mt === MediaType.ociManifest || mt === MediaType.dockerManifest;
}

/** The family of a manifest, index or layer media type. */
export function familyOf(mt: string): MediaFamily {
  return mt.startsWith('application/vnd.docker.') ? 'docker' : 'oci';
}

/** Media types of the manifest, config and gzip layers for a family. */
export function mediaTypesFor(family: MediaFamily): { manifest: string; config: string; layerGzip: string } {
  return family === 'docker'
    ? { manifest: MediaType.dockerManifest, config: MediaType.dockerConfig, layerGzip: MediaType.dockerLayerGzip }
    : { manifest: MediaType.ociManifest, config: MediaType.ociConfig, layerGzip: MediaType.ociLayerGzip };
}

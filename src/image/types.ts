/**
 * The image model, after go-containerregistry: small read-only interfaces whose accessors are
 * lazy and async. Sources return an Image, sinks take one, and mutations return new values.
 */
import type { Readable } from 'node:stream';
import type { Descriptor, Digest, ImageConfig, Manifest, MediaFamily } from '../oci/index.js';

/** One layer blob. `open()` returns a fresh stream of the (compressed) blob on every call. */
export interface Layer {
  readonly mediaType: string;
  digest(): Promise<Digest>;
  /** sha256 of the uncompressed tar: the entry in the config's `rootfs.diff_ids`. */
  diffId(): Promise<Digest>;
  size(): Promise<number>;
  /** The blob bytes as stored in a registry. The stream verifies the digest when it ends. */
  open(): Promise<Readable>;
  /** Extra descriptor fields carried over from the source manifest (urls, annotations). */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Where this layer can be found without downloading it (a registry repository holding the
   * blob). Sinks use it for cross-repository mounts and HEAD checks.
   */
  readonly origin?: LayerOrigin;
}

/** A registry repository known to hold a layer's blob. */
export interface LayerOrigin {
  readonly registry: string;
  readonly repository: string;
}

/** A single-platform image. */
export interface Image {
  readonly family: MediaFamily;
  manifest(): Promise<Manifest>;
  /** The exact manifest bytes (digest is computed over these). */
  rawManifest(): Promise<Uint8Array>;
  digest(): Promise<Digest>;
  config(): Promise<ImageConfig>;
  rawConfig(): Promise<Uint8Array>;
  configDescriptor(): Promise<Descriptor>;
  /** Layers in manifest order, bottom first. */
  layers(): Promise<readonly Layer[]>;
}

/**
 * Small images built in memory for tests of sources and sinks: a gzip layer from a file map and
 * an Image around such layers. Whole blobs are buffered here, which is fine for test fixtures
 * of a few bytes and never done in src/ (DESIGN rule 1).
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import {
  type Descriptor, type Digest, type ImageConfig, type Manifest, type MediaFamily, MediaType, mediaTypesFor, sha256Digest,
} from '../../src/oci/index.js';
import type { Image, Layer, LayerOrigin } from '../../src/image/types.js';

/** A layer that also exposes its bytes, so tests can compare what a registry returns. */
export interface MemoryLayer extends Layer {
  readonly blob: Buffer;
  readonly tar: Buffer;
}

async function tarOf(files: Readonly<Record<string, string | Uint8Array>>): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve, reject) => tar.on('end', resolve).on('error', reject));
  for (const name of Object.keys(files).sort()) {
    const content = Buffer.from(files[name]!);
    tar.entry({ name, size: content.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  }
  tar.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** A gzip layer holding `files` (path → content); deterministic bytes for the same input. */
export async function memoryLayer(
  files: Readonly<Record<string, string | Uint8Array>>,
  options: { mediaType?: string; origin?: LayerOrigin } = {},
): Promise<MemoryLayer> {
  const tar = await tarOf(files);
  const blob = gzipSync(tar);
  const digest = sha256Digest(blob);
  const diffId = sha256Digest(tar);
  return {
    mediaType: options.mediaType ?? MediaType.ociLayerGzip,
    digest: async () => digest,
    diffId: async () => diffId,
    size: async () => blob.length,
    open: async () => Readable.from(blob, { objectMode: false }),
    ...(options.origin ? { origin: options.origin } : {}),
    blob,
    tar,
  };
}

/** An image of `layers` with a config made from `config` plus the layers' diff IDs. */
export async function memoryImage(
  layers: readonly Layer[],
  config: Partial<ImageConfig> = {},
  family: MediaFamily = 'oci',
): Promise<Image> {
  const types = mediaTypesFor(family);
  const diffIds = await Promise.all(layers.map((l) => l.diffId()));
  const fullConfig: ImageConfig = { architecture: 'amd64', os: 'linux', ...config, rootfs: { type: 'layers', diff_ids: diffIds } };
  const rawConfig = new Uint8Array(Buffer.from(JSON.stringify(fullConfig)));
  const configDescriptor: Descriptor = { mediaType: types.config, digest: sha256Digest(rawConfig), size: rawConfig.byteLength };
  const layerDescriptors = await Promise.all(
    layers.map(async (l): Promise<Descriptor> => ({ mediaType: l.mediaType, digest: await l.digest(), size: await l.size() })),
  );
  const manifest: Manifest = { schemaVersion: 2, mediaType: types.manifest, config: configDescriptor, layers: layerDescriptors };
  const rawManifest = new Uint8Array(Buffer.from(JSON.stringify(manifest)));
  const digest: Digest = sha256Digest(rawManifest);
  return {
    family,
    manifest: async () => manifest,
    rawManifest: async () => rawManifest,
    digest: async () => digest,
    config: async () => fullConfig,
    rawConfig: async () => rawConfig,
    configDescriptor: async () => configDescriptor,
    layers: async () => layers,
  };
}

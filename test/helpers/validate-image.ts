/**
 * `validateImage(img)` ends every image source and sink test: it re-reads every blob and checks
 * digest, size and diffID with its own hashing and decompression (not the production readers),
 * and that manifest, config and layers agree with each other.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { expect } from 'vitest';
import { ImageConfigSchema, ManifestSchema, mediaTypesFor } from '../../src/oci/index.js';
import type { Image, Layer } from '../../src/image/index.js';

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Hashes a stream: digest and byte count. */
async function hashStream(stream: Readable): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** The uncompressed tar's digest, decompressing by media type (gzip in-process, zstd via the CLI). */
async function diffIdOf(layer: Layer): Promise<string> {
  const blob = await layer.open();
  if (layer.mediaType.endsWith('gzip')) {
    const out = new PassThrough();
    const [, result] = await Promise.all([pipeline(blob, createGunzip(), out), hashStream(out)]);
    return result.digest;
  }
  if (layer.mediaType.endsWith('zstd')) {
    const child = spawn('zstd', ['-dc'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const [, result] = await Promise.all([pipeline(blob, child.stdin), hashStream(child.stdout)]);
    return result.digest;
  }
  return (await hashStream(blob)).digest;
}

/** Checks every blob and every cross-reference of `img`; throws (via expect) on the first problem. */
export async function validateImage(img: Image): Promise<void> {
  const types = mediaTypesFor(img.family);
  const rawManifest = await img.rawManifest();
  const manifest = ManifestSchema.parse(JSON.parse(Buffer.from(rawManifest).toString('utf8')));
  expect(await img.digest()).toBe(sha256(rawManifest));
  expect(manifest).toEqual(await img.manifest());
  expect(manifest.mediaType).toBe(types.manifest);

  const rawConfig = await img.rawConfig();
  const config = ImageConfigSchema.parse(JSON.parse(Buffer.from(rawConfig).toString('utf8')));
  expect(config).toEqual(await img.config());
  expect(manifest.config).toEqual(await img.configDescriptor());
  expect(manifest.config).toMatchObject({ mediaType: types.config, digest: sha256(rawConfig), size: rawConfig.length });

  const layers = await img.layers();
  expect(manifest.layers).toHaveLength(layers.length);
  expect(config.rootfs.diff_ids).toHaveLength(layers.length);
  if (config.history !== undefined) {
    expect(config.history.filter((h) => h.empty_layer !== true)).toHaveLength(layers.length);
  }
  for (const [i, layer] of layers.entries()) {
    const descriptor = manifest.layers[i]!;
    expect(descriptor.mediaType).toBe(layer.mediaType);
    expect(descriptor.digest).toBe(await layer.digest());
    expect(descriptor.size).toBe(await layer.size());
    expect(await hashStream(await layer.open())).toEqual({ digest: descriptor.digest, size: descriptor.size });
    const diffId = await diffIdOf(layer);
    expect(diffId).toBe(await layer.diffId());
    expect(diffId).toBe(config.rootfs.diff_ids[i]);
  }
}

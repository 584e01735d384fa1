/**
 * The OCI image layout sink (`skopeo copy oci:DIR:NAME`, `umoci`). Blobs go first, each under a
 * temp name renamed to `blobs/sha256/<hex>`; `index.json` is written last, so a reader never
 * sees an index entry whose blobs are not all there (DESIGN rule 4). Writing into an existing
 * layout adds to it.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type Digest, mediaTypesFor, parseDigest, splitDigest } from '../oci/index.js';
import { addToIndex, checkRefName, ensureLayoutFile } from './layout-index.js';
import type { Image } from './types.js';
import { writeFileAtomic, writeStreamAtomic } from './write-atomic.js';

/** Writes `img` into the layout at `dir` (created if missing), named `refName` when given. */
export async function writeOciLayout(img: Image, dir: string, refName?: string): Promise<void> {
  if (refName !== undefined) checkRefName(refName);
  await mkdir(dir, { recursive: true });
  await ensureLayoutFile(dir);
  const [layers, configDescriptor, rawConfig, rawManifest, digest, manifest] = await Promise.all([
    img.layers(),
    img.configDescriptor(),
    img.rawConfig(),
    img.rawManifest(),
    img.digest(),
    img.manifest(),
  ]);
  for (const layer of layers) {
    await writeBlob(dir, await layer.digest(), await layer.size(), () => layer.open());
  }
  await writeBlob(dir, parseDigest(configDescriptor.digest), rawConfig.length, rawConfig);
  await writeBlob(dir, digest, rawManifest.length, rawManifest);
  const mediaType = manifest.mediaType ?? mediaTypesFor(img.family).manifest;
  await addToIndex(dir, { mediaType, digest, size: rawManifest.length }, refName);
}

/** Stores one blob unless a file of the right size is already there (blobs are content-addressed). */
async function writeBlob(
  dir: string,
  digest: Digest,
  size: number,
  content: Uint8Array | (() => Promise<Readable>),
): Promise<void> {
  const { algorithm, hex } = splitDigest(digest);
  const blobDir = join(dir, 'blobs', algorithm);
  const path = join(blobDir, hex);
  if ((await sizeOf(path)) === size) return;
  await mkdir(blobDir, { recursive: true });
  if (content instanceof Uint8Array) await writeFileAtomic(path, content);
  else await writeStreamAtomic(path, await content());
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

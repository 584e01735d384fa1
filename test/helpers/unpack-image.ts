/**
 * Unpacks an image from an OCI image layout with `umoci unpack` (an independent reader; run as
 * root so owners, special bits and `security.capability` are applied for real) and reads its
 * config straight from the layout's blobs.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The parts of an image config the tests look at (the JSON as stored, not re-parsed by us). */
export interface UnpackedConfig {
  readonly author?: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** An unpacked image: the rootfs directory and the config JSON. */
export interface UnpackedImage {
  readonly rootfs: string;
  readonly config: UnpackedConfig;
}

interface IndexJson {
  manifests: { digest: string; annotations?: Record<string, string> }[];
}

async function readBlob(layout: string, digest: string): Promise<string> {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return readFile(join(layout, 'blobs', algorithm, hex), 'utf8');
}

/** The layout's one image, unpacked into `dest/bundle/rootfs`. */
export async function unpackLayout(layout: string, dest: string): Promise<UnpackedImage> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as IndexJson;
  const [entry, ...more] = index.manifests;
  if (!entry || more.length > 0) throw new Error(`${layout}: expected exactly one manifest, found ${index.manifests.length}`);
  const tag = entry.annotations?.['org.opencontainers.image.ref.name'];
  if (!tag) throw new Error(`${layout}: the manifest has no org.opencontainers.image.ref.name`);
  const manifest = JSON.parse(await readBlob(layout, entry.digest)) as { config: { digest: string } };
  const config = JSON.parse(await readBlob(layout, manifest.config.digest)) as UnpackedConfig;
  const bundle = join(dest, 'bundle');
  await run('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle], { maxBuffer: 16 << 20 });
  return { rootfs: join(bundle, 'rootfs'), config };
}

/**
 * The `index.json` and `oci-layout` files of an OCI image layout: read what is there (a layout
 * may already hold other images), add or replace one manifest entry, write it back atomically.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Descriptor, type Index, IndexSchema, MediaType, TsbuildError } from '../oci/index.js';
import { writeFileAtomic } from './write-atomic.js';

/** The annotation naming an image within a layout (`oci:DIR:NAME`, `umoci --image DIR:NAME`). */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

const LAYOUT_VERSION = '1.0.0';
// image-spec's grammar for ref names: components of alphanumerics joined by separators.
const REF_NAME = /^[A-Za-z0-9]+(?:[-._:@+]+[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:[-._:@+]+[A-Za-z0-9]+)*)*$/;

/** Checks a ref name against the image-spec grammar before anything is written. */
export function checkRefName(refName: string): void {
  if (!REF_NAME.test(refName)) {
    throw new TsbuildError('TSB_OUTPUT', `invalid OCI layout ref name ${JSON.stringify(refName)}`);
  }
}

/** Writes `oci-layout`, or checks the version of the one already there. */
export async function ensureLayoutFile(dir: string): Promise<void> {
  const path = join(dir, 'oci-layout');
  const existing = await readIfExists(path);
  if (existing === undefined) {
    await writeFileAtomic(path, JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
    return;
  }
  const version = (parseJson(existing, path) as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (version !== LAYOUT_VERSION) {
    throw new TsbuildError('TSB_OUTPUT', `${path}: unsupported image layout version ${JSON.stringify(version)}`);
  }
}

/**
 * Adds `manifest` to the layout's index. An entry with the same ref name is replaced; without a
 * ref name, an unnamed entry for the same digest is not duplicated.
 */
export async function addToIndex(dir: string, manifest: Descriptor, refName?: string): Promise<void> {
  const path = join(dir, 'index.json');
  const existing = await readIfExists(path);
  const index: Index =
    existing === undefined ? { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] } : parseIndex(existing, path);
  const entry: Descriptor =
    refName === undefined ? manifest : { ...manifest, annotations: { [REF_NAME_ANNOTATION]: refName } };
  const kept = index.manifests.filter((d) => {
    const name = d.annotations?.[REF_NAME_ANNOTATION];
    return refName === undefined ? !(name === undefined && d.digest === manifest.digest) : name !== refName;
  });
  await writeFileAtomic(path, JSON.stringify({ ...index, manifests: [...kept, entry] }));
}

function parseIndex(text: string, path: string): Index {
  const parsed = IndexSchema.safeParse(parseJson(text, path));
  if (!parsed.success) {
    throw new TsbuildError('TSB_OUTPUT', `${path} is not a valid OCI image index: ${parsed.error.message}`);
  }
  return parsed.data;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new TsbuildError('TSB_OUTPUT', `${path} is not valid JSON`, { cause: err });
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

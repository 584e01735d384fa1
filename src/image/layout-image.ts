/**
 * The OCI image layout source (the reader to `writeOciLayout`): an image named in a layout's
 * `index.json`, read lazily. The manifest is read when the image is opened, the config on first
 * use, layer bytes only when a layer is opened. Every read is verified against its digest and
 * size (DESIGN rule 2), and blob paths come from validated digests only, so a hostile index
 * cannot name a file outside `blobs/`.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import type { z } from 'zod';
import {
  type Descriptor, type Digest, DigestMismatchError, familyOf, type ImageConfig, ImageConfigSchema, type Index, IndexSchema,
  isDigest, type Manifest, ManifestSchema, sha256Digest, splitDigest, TsbuildError,
} from '../oci/index.js';
import { REF_NAME_ANNOTATION } from './layout-index.js';
import { once } from './once.js';
import type { Image, Layer } from './types.js';
import { verifyStream } from './verify.js';

/** Manifests and configs are small JSON documents; bigger ones are refused rather than buffered. */
const DOCUMENT_CAP = 32 * 1024 * 1024;

function invalid(message: string, cause?: unknown): TsbuildError {
  return new TsbuildError('TSB_MANIFEST_INVALID', message, cause === undefined ? {} : { cause });
}

function blobPath(dir: string, digest: string): string {
  if (!isDigest(digest)) throw invalid(`${dir}: invalid blob digest ${JSON.stringify(digest)}`);
  const { algorithm, hex } = splitDigest(digest);
  return join(dir, 'blobs', algorithm, hex);
}

function parseWith<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(`${what} is not valid JSON`, err);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalid(`${what} is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** Reads a small blob whole and checks its digest and size. */
async function readDocument(dir: string, d: Descriptor): Promise<Uint8Array> {
  if (d.size > DOCUMENT_CAP) throw invalid(`${dir}: blob ${d.digest} is ${d.size} bytes; documents over ${DOCUMENT_CAP} are refused`);
  const path = blobPath(dir, d.digest);
  const bytes = new Uint8Array(await readFile(path).catch((err: unknown) => {
    throw invalid(`${dir}: blob ${d.digest} cannot be read`, err);
  }));
  const actual = sha256Digest(bytes);
  if (actual !== d.digest) throw new DigestMismatchError(d.digest, actual, path);
  if (bytes.byteLength !== d.size) throw new TsbuildError('TSB_DIGEST_MISMATCH', `size mismatch reading ${path}: expected ${d.size} bytes, got ${bytes.byteLength}`);
  return bytes;
}

/** The layout's index, or undefined when `dir` holds no `index.json`. */
export async function readLayoutIndex(dir: string): Promise<Index | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'index.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(`${dir}/index.json cannot be read`, err);
  }
  return parseWith(text, IndexSchema, `${dir}/index.json`);
}

/** The manifest descriptors of a layout's index by ref name (entries without one are left out). */
export function layoutRefs(index: Index): Map<string, Descriptor> {
  const refs = new Map<string, Descriptor>();
  for (const d of index.manifests) {
    const name = d.annotations?.[REF_NAME_ANNOTATION];
    if (name !== undefined) refs.set(name, d);
  }
  return refs;
}

function layoutLayer(dir: string, d: Descriptor, diffId: () => Promise<Digest>): Layer {
  const path = blobPath(dir, d.digest);
  const digest = d.digest as Digest;
  return {
    mediaType: d.mediaType,
    digest: async () => digest,
    diffId,
    size: async () => d.size,
    // Callback form: a missing file or a mismatch surfaces on the returned verifier stream.
    open: async (): Promise<Readable> => pipeline(createReadStream(path), verifyStream(digest, path, d.size), () => undefined),
    ...(d.annotations ? { annotations: d.annotations } : {}),
  };
}

/** The image whose manifest `manifest` (an index entry) describes, read from the layout at `dir`. */
export async function layoutImageAt(dir: string, manifest: Descriptor): Promise<Image> {
  const rawManifest = await readDocument(dir, manifest);
  const what = `manifest ${manifest.digest} in ${dir}`;
  const parsed: Manifest = parseWith(Buffer.from(rawManifest).toString('utf8'), ManifestSchema, what);
  const rawConfig = once(() => readDocument(dir, parsed.config));
  const config = once(async (): Promise<ImageConfig> => parseWith(Buffer.from(await rawConfig()).toString('utf8'), ImageConfigSchema, `config of ${what}`));
  const diffIdAt = (i: number) => async () => {
    const id = (await config()).rootfs.diff_ids[i];
    if (id === undefined || !isDigest(id)) throw invalid(`config of ${what} has no valid diff_id for layer ${i + 1}`);
    return id;
  };
  const layers = parsed.layers.map((d, i) => layoutLayer(dir, d, diffIdAt(i)));
  return {
    family: familyOf(parsed.mediaType ?? manifest.mediaType),
    manifest: async () => parsed,
    rawManifest: async () => rawManifest,
    digest: async () => manifest.digest as Digest,
    config,
    rawConfig,
    configDescriptor: async () => parsed.config,
    layers: async () => layers,
  };
}

/** The image named `refName` in the layout at `dir`; undefined when the layout has no such name. */
export async function layoutImage(dir: string, refName: string): Promise<Image | undefined> {
  const index = await readLayoutIndex(dir);
  const entry = index === undefined ? undefined : layoutRefs(index).get(refName);
  return entry === undefined ? undefined : layoutImageAt(dir, entry);
}

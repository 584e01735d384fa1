/**
 * Test images built the production way: generated layer tars → `writeLayer` → `appendLayers`
 * on `scratchImage`. Contents come from a seeded generator, so a test can rebuild the same image
 * and expect the same digest.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { DEFAULT_PLATFORM, type MediaFamily, mediaTypesFor } from '../../src/oci/index.js';
import { appendLayers, type Image, scratchImage, writeLayer } from '../../src/image/index.js';

/** One file of a generated layer. */
export interface TarFile {
  readonly name: string;
  readonly content: Buffer;
  readonly mode?: number;
}

/** Deterministic pseudo-random bytes: sha256 in counter mode over `seed`. */
export function seededBytes(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let off = 0, i = 0; off < length; i++) {
    off += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, off);
  }
  return out;
}

/** A tar stream of `files` (plus their parent directories), with fixed metadata. */
export function tarOf(files: readonly TarFile[]): Readable {
  const pack = tar.pack();
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      pack.entry({ name: `${dir}/`, type: 'directory', mode: 0o755, mtime: new Date(0) });
    }
    pack.entry({ name: f.name, mode: f.mode ?? 0o644, mtime: new Date(0), size: f.content.length }, f.content);
  }
  pack.finalize();
  return Readable.from(pack);
}

/** The files of layer `layer` of a random image built from `seed`. */
export function randomLayerFiles(seed: string, layer: number, files: number, size: number): TarFile[] {
  return Array.from({ length: files }, (_, i) => ({
    name: `layer${layer}/dir${i % 3}/file${i}.bin`,
    content: seededBytes(`${seed}/${layer}/${i}`, size),
  }));
}

export interface RandomImageOptions {
  /** Where `writeLayer` stores blobs. */
  readonly dir: string;
  readonly family?: MediaFamily;
  readonly layers?: number;
  readonly filesPerLayer?: number;
  readonly fileSize?: number;
  readonly seed?: string;
}

/** An image of `layers` generated layers on scratch, each with a history entry. */
export async function randomImage(opts: RandomImageOptions): Promise<Image> {
  const family = opts.family ?? 'oci';
  const seed = opts.seed ?? 'tsbuild';
  const adds = [];
  for (let i = 0; i < (opts.layers ?? 3); i++) {
    const files = randomLayerFiles(seed, i, opts.filesPerLayer ?? 4, opts.fileSize ?? 3000);
    const layer = await writeLayer(tarOf(files), { dir: opts.dir, mediaType: mediaTypesFor(family).layerGzip });
    adds.push({ layer, history: { created: '1970-01-01T00:00:00Z', created_by: `layer ${i}` } });
  }
  return appendLayers(scratchImage(family, DEFAULT_PLATFORM), adds);
}

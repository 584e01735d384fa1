/**
 * Downloads the layers a consumer will read next while it is still busy with the current one,
 * as Docker pulls with several downloads in flight: extracting a base image then costs about
 * max(download, apply) rather than their sum. Only layers held by a registry (`origin` set) are
 * fetched ahead; local blobs are read in place. The first layer is never spooled, since it is
 * streamed straight into its consumer. Spooled blobs live in `dir`, at most `ahead` at a time,
 * each removed once the consumer has moved past it; every spooled layer is re-verified when read.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { layerFromFile } from './layer-file.js';
import type { Layer } from './types.js';

/** How far ahead to download. */
export interface PrefetchOptions {
  /** Where spooled blobs are written (created if missing). */
  readonly dir: string;
  /** Downloads in flight besides the layer being consumed (Docker's default is 3 in all). */
  readonly ahead: number;
}

interface Spool {
  readonly path: string;
  readonly ready: Promise<Layer>;
  readonly abort: AbortController;
}

async function spool(layer: Layer, path: string, signal: AbortSignal): Promise<Layer> {
  const blob = await layer.open();
  await pipeline(blob, createWriteStream(path), { signal });
  const [digest, diffId, size] = await Promise.all([layer.digest(), layer.diffId(), layer.size()]);
  return layerFromFile(path, { digest, diffId, size, mediaType: layer.mediaType });
}

/**
 * Yields `layers` in order, each readable at once and until the next one is requested (a remote
 * layer after the first comes from a spool file filled in the background). Ending the iteration early (break, or an error in the
 * consumer) cancels the downloads in flight and removes every spool file.
 */
export async function* prefetchLayers(layers: readonly Layer[], opts: PrefetchOptions): AsyncGenerator<Layer> {
  const spools = new Map<number, Spool>();
  let next = 1;
  const fill = (current: number) => {
    for (; next < layers.length && next <= current + opts.ahead; next++) {
      const layer = layers[next]!;
      if (layer.origin === undefined) continue;
      const abort = new AbortController();
      const path = join(opts.dir, `layer-${next}`);
      const ready = spool(layer, path, abort.signal);
      // Observed here so a download that fails before its turn is not an unhandled rejection;
      // the consumer still gets the error when it reaches that layer.
      ready.catch(() => {});
      spools.set(next, { path, ready, abort });
    }
  };
  try {
    if (layers.length > 1 && opts.ahead > 0) await mkdir(opts.dir, { recursive: true });
    for (let i = 0; i < layers.length; i++) {
      if (opts.ahead > 0) fill(i);
      const spooled = spools.get(i);
      yield spooled === undefined ? layers[i]! : await spooled.ready;
      if (spooled !== undefined) {
        spools.delete(i);
        await rm(spooled.path, { force: true });
      }
    }
  } finally {
    for (const s of spools.values()) s.abort.abort();
    await Promise.allSettled([...spools.values()].map((s) => s.ready));
    await Promise.all([...spools.values()].map((s) => rm(s.path, { force: true })));
  }
}

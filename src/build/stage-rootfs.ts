/**
 * A stage's root filesystem, extracted only when an instruction first needs files (DESIGN §5:
 * a stage of FROM + metadata never downloads its base layers). Layers are streamed from their
 * source, decompressed and applied in order, one at a time, while the next ones download
 * (prefetchLayers: three downloads in flight, as Docker). Cache hits queue their layers here
 * instead of applying them: a stage whose steps all hit never downloads or extracts anything,
 * and the first step that needs files gets the base plus every queued layer, in order.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { applyLayer } from '../fs/index.js';
import { openUncompressed, prefetchLayers, type Image, type Layer } from '../image/index.js';
import type { Logger } from '../log/index.js';

export interface StageRootfsOptions {
  readonly dir: string;
  readonly logger: Logger;
  readonly canChown: boolean;
  readonly canMknod: boolean;
}

/** A rootfs that is materialised on demand. */
export interface LazyRootfs {
  /** Extracts the base and applies queued layers (first call), or applies newly queued ones; yields the path. */
  (): Promise<string>;
  /** Queues a layer to apply on top, in order, the next time the rootfs is needed. */
  queue(layer: Layer): void;
}

/** Returns a function that extracts `base` into `<dir>/rootfs` once and yields its path. */
export function lazyRootfs(base: Image, opts: StageRootfsOptions): LazyRootfs {
  const root = join(opts.dir, 'rootfs');
  const queued: Layer[] = [];
  // One chain: calls never overlap, so layers are applied exactly once and in order.
  let ready: Promise<void> | undefined;
  const get = (): Promise<string> => {
    const previous = ready ?? extract(base, root, opts);
    ready = previous.then(() => applyQueued(root, queued.splice(0), opts));
    return ready.then(() => root);
  };
  return Object.assign(get, { queue: (layer: Layer) => void queued.push(layer) });
}

async function extract(base: Image, root: string, opts: StageRootfsOptions): Promise<void> {
  await mkdir(root, { recursive: true });
  // The rootfs is the container's '/': 0755 whatever the umask, or non-root RUNs cannot exec.
  await chmod(root, 0o755);
  const layers = await base.layers();
  const started = Date.now();
  await applyLayers(root, layers, opts);
  opts.logger.info({ layers: layers.length, ms: Date.now() - started }, 'base image extracted');
}

async function applyQueued(root: string, layers: readonly Layer[], opts: StageRootfsOptions): Promise<void> {
  if (layers.length === 0) return;
  const started = Date.now();
  await applyLayers(root, layers, opts);
  opts.logger.info({ layers: layers.length, ms: Date.now() - started }, 'cached layers applied');
}

/** Layers downloaded besides the one being applied. */
const DOWNLOADS_AHEAD = 2;

async function applyLayers(root: string, layers: readonly Layer[], opts: StageRootfsOptions): Promise<void> {
  for await (const layer of prefetchLayers(layers, { dir: join(opts.dir, 'prefetch'), ahead: DOWNLOADS_AHEAD })) {
    await applyLayer(root, await openUncompressed(layer), { canChown: opts.canChown, canMknod: opts.canMknod, logger: opts.logger });
  }
}

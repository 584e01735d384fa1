/**
 * A stage's root filesystem, extracted only when an instruction first needs files (DESIGN §5:
 * a stage of FROM + metadata never downloads its base layers). Layers are streamed from their
 * source, decompressed and applied in order, one at a time.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { applyLayer } from '../fs/index.js';
import { openUncompressed, type Image } from '../image/index.js';
import type { Logger } from '../log/index.js';

export interface StageRootfsOptions {
  readonly dir: string;
  readonly logger: Logger;
  readonly canChown: boolean;
  readonly canMknod: boolean;
}

/** Returns a function that extracts `base` into `<dir>/rootfs` once and yields its path. */
export function lazyRootfs(base: Image, opts: StageRootfsOptions): () => Promise<string> {
  let extracted: Promise<string> | undefined;
  return () => (extracted ??= extract(base, opts));
}

async function extract(base: Image, opts: StageRootfsOptions): Promise<string> {
  const root = join(opts.dir, 'rootfs');
  await mkdir(root, { recursive: true });
  // The rootfs is the container's '/': 0755 whatever the umask, or non-root RUNs cannot exec.
  await chmod(root, 0o755);
  const layers = await base.layers();
  const started = Date.now();
  for (const layer of layers) {
    await applyLayer(root, await openUncompressed(layer), {
      canChown: opts.canChown,
      canMknod: opts.canMknod,
      logger: opts.logger,
    });
  }
  opts.logger.info({ layers: layers.length, ms: Date.now() - started }, 'base image extracted');
  return root;
}

/**
 * COPY/ADD `--link`, as BuildKit builds it: the files are copied into an empty tree (so nothing
 * of the previous state is read, and a symlink among the destination's existing parents is
 * never followed), and that tree is then laid over the rootfs exactly as its layer would be when
 * the image is unpacked. The parents the copy creates are real directories, 0755 and owned by
 * root (or the --chown owner), and they replace whatever stood at those paths, symlinks
 * included; the layer holds that tree and nothing else.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { applyLayer } from '../fs/index.js';
import { layerTar } from '../snapshot/index.js';
import type { StepContext } from './types.js';

/**
 * Runs `write` against the rootfs, or with `link` against an empty staging tree that is then
 * applied over the rootfs; returns the container paths written either way.
 */
export async function writeMaybeLinked(
  root: string,
  link: boolean,
  step: Pick<StepContext, 'scratchDir' | 'logger'>,
  write: (target: string) => Promise<readonly string[]>,
): Promise<string[]> {
  if (!link) return [...(await write(root))];
  const staging = await mkdtemp(join(step.scratchDir, 'link-'));
  try {
    const paths = [...(await write(staging))].sort();
    if (paths.length > 0) {
      await applyLayer(root, layerTar(staging, { changed: paths, deleted: [] }), { canChown: true, canMknod: true, logger: step.logger });
    }
    return paths;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

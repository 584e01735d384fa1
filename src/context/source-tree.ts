/**
 * A tree COPY reads sources from: the build context, or the root filesystem of a stage or image
 * (`COPY --from`). Matching, walking and symlink rules are shared; what differs is where a symlink
 * may lead. In the context a link that leaves it is an error (BuildKit's context is its own
 * root, and the classic builder refused such sources). In a rootfs a link resolves as a chroot
 * sees it (BuildKit's `fs.RootPath`): an absolute target restarts at the rootfs and `..` stops at
 * its top, so nothing outside the rootfs can be reached either way.
 */
import { realpath } from 'node:fs/promises';
import { TsbuildError } from '../oci/index.js';
import { ignoreRules, type IgnoreRules } from './ignore-rules.js';

/** Where COPY sources come from. */
export interface SourceTree {
  /** The tree's top directory, symlinks resolved. */
  readonly dir: string;
  /** Exclusion rules (`.dockerignore` for the context; none for a rootfs). */
  readonly ignore: IgnoreRules;
  /** How symlinks are contained: refused when they leave (`context`) or clamped (`rootfs`). */
  readonly links: 'context' | 'rootfs';
  /** What the tree is, for messages: "the build context", "stage build". */
  readonly description: string;
}

/** The rootfs directory of a stage or image as a COPY source tree. */
export async function rootfsTree(dir: string, description: string): Promise<SourceTree> {
  try {
    return { dir: await realpath(dir), ignore: ignoreRules([]), links: 'rootfs', description };
  } catch (err) {
    throw new TsbuildError('TSB_COPY_SOURCE', `the root filesystem of ${description} cannot be read`, { cause: err });
  }
}

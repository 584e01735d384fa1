/**
 * lchown for the rootfs. In a user namespace (a rootless build, cli/rootless.ts) an owner outside
 * the namespace's id map makes the kernel answer EINVAL, which says nothing to a user; this
 * names the file, the owner and the fix instead, as buildah does ("potentially insufficient UIDs
 * or GIDs"). Owners are never faked: the build stops.
 */
import { lchownSync } from 'node:fs';
import { TsbuildError } from '../oci/index.js';

/** Changes the owner of `path` (not following a symlink); `what` names it for people. */
export function lchownMapped(path: string, uid: number, gid: number, what: string): void {
  try {
    lchownSync(path, uid, gid);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    throw new TsbuildError(
      'TSB_ID_UNMAPPED',
      `cannot give ${what} its owner ${uid}:${gid}: that id is not mapped in the user namespace tsbuild runs in (potentially insufficient UIDs or GIDs). ` +
        'Add a range for this user to /etc/subuid and /etc/subgid (e.g. "user:100000:65536"), or run tsbuild as root',
      { cause: err },
    );
  }
}

/**
 * Creating the missing directories of a container path inside a rootfs. Existing components are
 * resolved in root first, so the only directories made are new ones below a real directory.
 */
import { lstatIfExists } from './lstat-if-exists.js';
import { chmodSync, mkdirSync } from 'node:fs';
import { lchownMapped } from './chown-mapped.js';
import { dirname, resolve } from 'node:path';
import { resolveInRootSync } from './resolve-in-root.js';

/** Owner given to directories this module creates. */
export interface DirOwner {
  readonly uid: number;
  readonly gid: number;
}

/** The resolved host directory and the host paths created for it, parents first. */
export interface EnsuredDir {
  readonly host: string;
  readonly created: readonly string[];
}

/**
 * Makes `containerDir` exist as a directory; created ones get 0755 (set explicitly, so the umask
 * does not matter) and `owner` when given.
 */
export function ensureDirInRoot(root: string, containerDir: string, owner?: DirOwner): EnsuredDir {
  const hostRoot = resolve(root);
  const host = resolveInRootSync(hostRoot, containerDir);
  const missing: string[] = [];
  for (let path = host; path !== hostRoot && !isPresent(path); path = dirname(path)) missing.push(path);
  missing.reverse();
  for (const path of missing) {
    mkdirSync(path);
    chmodSync(path, 0o755);
    if (owner !== undefined) lchownMapped(path, owner.uid, owner.gid, path);
  }
  return { host, created: missing };
}

const isPresent = (path: string): boolean => lstatIfExists(path) !== undefined;

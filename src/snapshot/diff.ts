/**
 * Comparing two scans. Content is never read: a file whose size, mtime, ctime and inode are all
 * unchanged is taken as unchanged (ctime cannot be set from user space, so `touch -d` restoring
 * an mtime, a same-size rewrite, or a chmod-and-back are still caught).
 */
import { parentOf, sortContainerPaths } from './container-path.js';
import type { ChangeSet, Scan, ScanEntry } from './types.js';

/**
 * Whether an entry present in both scans changed. Directories ignore ctime: it moves whenever an
 * entry inside is created or removed, including the sandbox's own mount points, which are gone
 * again by the time of the scan; what a layer records of a directory is its mode, owner and
 * mtime. The inode is compared for directories too: a directory removed and recreated is a new
 * entry even when its metadata was restored.
 */
export function entryChanged(before: ScanEntry, after: ScanEntry): boolean {
  if (
    before.mode !== after.mode ||
    before.uid !== after.uid ||
    before.gid !== after.gid ||
    before.mtimeNs !== after.mtimeNs ||
    before.ino !== after.ino
  ) {
    return true;
  }
  if (after.type === 'dir') return false;
  return (
    before.size !== after.size ||
    before.ctimeNs !== after.ctimeNs ||
    before.linkTarget !== after.linkTarget ||
    before.rdev !== after.rdev
  );
}

/**
 * Added and modified paths, and deleted paths collapsed: a removed path is reported only when its
 * parent is still a directory in `after`. Below a removed directory nothing more is needed (one
 * whiteout removes the tree), and below a directory that became a file or symlink nothing is
 * needed either: applying the new entry replaces the old directory with all it held (OCI
 * layer.md, "Changeset over existing files").
 */
export function diffScans(before: Scan, after: Scan): ChangeSet {
  const changed: string[] = [];
  for (const [path, entry] of after.entries) {
    const old = before.entries.get(path);
    if (old === undefined || entryChanged(old, entry)) changed.push(path);
  }
  const deleted: string[] = [];
  for (const path of before.entries.keys()) {
    if (after.entries.has(path)) continue;
    const parent = parentOf(path);
    if (parent === '/' || after.entries.get(parent)?.type === 'dir') deleted.push(path);
  }
  return { changed: sortContainerPaths(changed), deleted: sortContainerPaths(deleted) };
}

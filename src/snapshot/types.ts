/**
 * What a scan records and what a diff reports. Paths are container paths (`/etc/passwd`): the
 * rootfs directory is a value passed alongside, never part of a key.
 */

/** The file type of a scanned entry, from the `S_IFMT` bits of `st_mode`. */
export type EntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

/** One `lstat` of one path: enough to tell whether it changed without reading its content. */
export interface ScanEntry {
  readonly type: EntryType;
  /** Full `st_mode` (type bits included). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly nlink: number;
  readonly rdev: number;
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  /** The target of a symlink, `null` for every other type. */
  readonly linkTarget: string | null;
}

/** A recorded tree: every path under the root (the root itself excluded), and what was left out. */
export interface Scan {
  readonly entries: ReadonlyMap<string, ScanEntry>;
  /** Container paths not recorded, with their subtrees; `updateScan` keeps honouring them. */
  readonly exclude: ReadonlySet<string>;
}

/** What a layer must carry: container paths, sorted parents-first. */
export interface ChangeSet {
  /** Added or modified paths (a type change is a modification). */
  readonly changed: readonly string[];
  /** Removed paths, collapsed to the topmost removed directory. */
  readonly deleted: readonly string[];
}

const S_IFMT = 0o170000;

/** Maps `st_mode` to an EntryType. */
export function entryTypeOf(mode: number): EntryType {
  switch (mode & S_IFMT) {
    case 0o040000:
      return 'dir';
    case 0o120000:
      return 'symlink';
    case 0o020000:
      return 'char';
    case 0o060000:
      return 'block';
    case 0o010000:
      return 'fifo';
    case 0o140000:
      return 'socket';
    default:
      return 'file';
  }
}

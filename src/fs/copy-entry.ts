/**
 * Copying single files, directories and symlinks into a rootfs with BuildKit's (fsutil `copy`)
 * semantics: contents and mode (setuid/setgid/sticky included) and mtime are kept, ownership
 * becomes the --chown ids, else the source's (COPY --from) or 0:0 (the context), --chmod replaces the mode of files and directories, symlinks
 * are recreated (never followed), and files hardlinked to each other in the sources stay
 * hardlinked. A directory never replaces a non-directory (BuildKit: "cannot copy to
 * non-directory"), nor a file a directory.
 */
import { chmodSync, constants, copyFileSync, linkSync, lutimesSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync, utimesSync, type Stats } from 'node:fs';
import { lchownMapped } from './chown-mapped.js';
import { lstatIfExists } from './lstat-if-exists.js';
import { TsbuildError } from '../oci/index.js';
import type { CopySourceEntry } from './copy-source.js';
import { containerPathOf } from './resolve-in-root.js';

/** Ownership and mode overrides of one COPY. */
export interface CopyMetadata {
  readonly chown?: { readonly uid: number; readonly gid: number };
  readonly chmod?: number;
  /**
   * Keep each source entry's uid/gid when there is no --chown: true for COPY --from (a stage or
   * image keeps its owners, BuildKit's mapUserToChowner), false for the build context (0:0).
   */
  readonly keepOwners?: boolean;
}

/** Copies entries for one COPY instruction; remembers hardlinks and what it changed. */
export class EntryCopier {
  /** Host paths created or changed. */
  readonly changed = new Set<string>();
  /** Target → source host path of every copied inode, for copying extended attributes last. */
  readonly origins = new Map<string, string>();
  private readonly inodes = new Map<string, string>();
  /** Directories whose mode and mtime are set last; a later source's metadata wins. */
  private readonly dirs = new Map<string, Stats>();

  constructor(
    private readonly root: string,
    private readonly metadata: CopyMetadata,
  ) {}

  /** Copies one entry to `target` (a host path whose parent exists inside root). */
  copy(entry: CopySourceEntry, target: string): void {
    const { stats } = entry;
    if (stats.isDirectory()) this.copyDirectory(entry, target);
    else if (stats.isFile()) this.copyFile(entry, target);
    else if (stats.isSymbolicLink()) {
      this.clearForNonDirectory(target);
      symlinkSync(readlinkSync(entry.hostPath), target);
      this.finishNonDirectory(target, stats);
    } else {
      throw new TsbuildError('TSB_COPY_SOURCE', `cannot copy ${entry.hostPath}: only files, directories and symlinks can be copied`);
    }
    this.changed.add(target);
    // A second name of a hardlinked file shares the first one's inode and attributes.
    const first = this.inodes.get(`${stats.dev}:${stats.ino}`);
    if (first === undefined || first === target) this.origins.set(target, entry.hostPath);
  }

  /** Sets directory modes and mtimes, deepest first, after all their children were written. */
  finish(): void {
    const deepestFirst = [...this.dirs].sort(([a], [b]) => b.split('/').length - a.split('/').length);
    for (const [host, stats] of deepestFirst) {
      chmodSync(host, this.metadata.chmod ?? stats.mode & 0o7777);
      utimesSync(host, stats.atime, stats.mtime);
    }
  }

  private copyDirectory(entry: CopySourceEntry, target: string): void {
    const existing = lstatIfExists(target);
    if (existing === undefined) mkdirSync(target, 0o700);
    else if (!existing.isDirectory()) {
      throw new TsbuildError('TSB_COPY_SOURCE', `cannot copy to non-directory: ${containerPathOf(this.root, target)}`);
    }
    this.chown(target, entry.stats);
    this.dirs.delete(target);
    this.dirs.set(target, entry.stats);
  }

  private copyFile(entry: CopySourceEntry, target: string): void {
    this.clearForNonDirectory(target);
    const { stats } = entry;
    const key = `${stats.dev}:${stats.ino}`;
    const linked = stats.nlink > 1 ? this.inodes.get(key) : undefined;
    if (linked !== undefined) {
      linkSync(linked, target); // same inode: its data and metadata are already in place
      return;
    }
    copyFileSync(entry.hostPath, target, constants.COPYFILE_EXCL);
    if (stats.nlink > 1) this.inodes.set(key, target);
    this.finishNonDirectory(target, stats);
  }

  private clearForNonDirectory(target: string): void {
    const existing = lstatIfExists(target);
    if (existing === undefined) return;
    if (existing.isDirectory()) {
      throw new TsbuildError('TSB_COPY_SOURCE', `cannot replace directory ${containerPathOf(this.root, target)} with a file`);
    }
    unlinkSync(target);
  }

  /** chown before chmod: chown clears setuid/setgid. */
  private finishNonDirectory(target: string, stats: Stats): void {
    this.chown(target, stats);
    if (!stats.isSymbolicLink()) chmodSync(target, this.metadata.chmod ?? stats.mode & 0o7777);
    lutimesSync(target, stats.atime, stats.mtime);
  }

  private chown(target: string, source: Stats): void {
    const owner = this.metadata.chown ?? (this.metadata.keepOwners ? source : { uid: 0, gid: 0 });
    lchownMapped(target, owner.uid, owner.gid, target);
  }
}


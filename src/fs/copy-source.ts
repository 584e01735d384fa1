/**
 * One source of a COPY/ADD, as context/ (or a stage's rootfs) hands it to copyIntoRoot: its whole
 * tree, lstat'ed and already filtered by ignore rules, parents before children.
 */
import type { Stats } from 'node:fs';

/** One file, directory or symlink of a source tree. */
export interface CopySourceEntry {
  /** POSIX path relative to the source; '' for the source itself. */
  readonly rel: string;
  readonly hostPath: string;
  /** lstat of hostPath: a symlink is copied as a symlink, never followed. */
  readonly stats: Stats;
}

/** A matched COPY source. */
export interface CopySource {
  /** The source as matched, relative to its root (its basename names a copied file). */
  readonly name: string;
  readonly hostPath: string;
  readonly isDir: boolean;
  /** The source's tree in walk order; the first entry has rel ''. */
  readonly entries: readonly CopySourceEntry[];
}

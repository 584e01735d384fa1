/**
 * What applying one layer remembers while it streams: which host paths the layer wrote (so its
 * own whiteouts spare them), directory metadata to set once their children exist, and what had
 * to be skipped or only warned about.
 */
import { dirname } from 'node:path';
import { ensureDirInRoot } from './ensure-dir.js';
import type { RawXattrs } from './raw-pax.js';

/** Mode and mtime (seconds) a directory gets in the final pass. */
export interface DirMetadata {
  readonly mode: number;
  readonly mtime: number;
}

/** Per-layer bookkeeping; one instance per applyLayer call, never shared. */
export class LayerState {
  readonly dirs = new Map<string, DirMetadata>();
  readonly skippedDevices: string[] = [];
  readonly unsupportedXattrs: string[] = [];
  /** Raw xattr values of this layer's entries (see raw-pax.ts); set by the extracting loop. */
  rawXattrs: RawXattrs = new WeakMap();
  entries = 0;
  bytes = 0;
  whiteouts = 0;
  private readonly written = new Set<string>();
  private lastParent: { readonly container: string; readonly host: string } | undefined;
  private readonly ancestors = new Set<string>();

  constructor(
    readonly root: string,
    readonly canChown: boolean,
    readonly canMknod: boolean,
    /** Ownership for every entry instead of the tar's (ADD --chown of an archive). */
    readonly owner?: { readonly uid: number; readonly gid: number },
  ) {}

  /** Host paths this layer wrote, in the order written. */
  writtenPaths(): string[] {
    return [...this.written];
  }

  /** Records that this layer wrote `hostPath` (and so everything above it must stay). */
  markWritten(hostPath: string): void {
    this.written.add(hostPath);
    for (let dir = dirname(hostPath); dir.length > this.root.length; dir = dirname(dir)) {
      if (this.ancestors.has(dir)) break;
      this.ancestors.add(dir);
    }
  }

  /**
   * The existing host directory for an entry's parent. Tars group entries by directory, and an
   * entry can only change its own path, never its parent's, so the previous entry's parent is
   * reused while it stays the same; any other parent (or a whiteout) resolves afresh.
   */
  parentDir(containerDir: string): string {
    if (this.lastParent?.container === containerDir) return this.lastParent.host;
    const host = ensureDirInRoot(this.root, containerDir).host;
    this.lastParent = { container: containerDir, host };
    return host;
  }

  /** Drops the reused parent: a whiteout may remove directories anywhere below its own. */
  forgetParent(): void {
    this.lastParent = undefined;
  }

  /** True when this layer wrote `hostPath` or something beneath it. */
  readonly isKept = (hostPath: string): boolean => this.written.has(hostPath) || this.ancestors.has(hostPath);
}

/**
 * Applying an uncompressed layer tar to a rootfs directory as a stream (OCI image-spec
 * "Applying Changesets"): whiteouts and opaque directories remove lower-layer entries, everything
 * else is written by apply-entry. Every entry's parent is resolved inside the root, so a layer
 * that plants `a -> /etc` and then writes `a/passwd` writes `<root>/etc/passwd`, never the host's.
 */
import { lstatSync, chmodSync, utimesSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';
import { xattrAwareExtract } from './raw-pax.js';
import { applyEntry, type TarEntry } from './apply-entry.js';
import { entryContainerPath } from './entry-path.js';
import { LayerState } from './layer-state.js';
import { resolveInRootSync } from './resolve-in-root.js';
import { classifyWhiteout, clearLowerChildren, removeLower, type Whiteout } from './whiteout.js';

/** What the caller's process may do to the files it extracts. */
export interface ApplyLayerOptions {
  /** lchown entries to their tar uid/gid (needs root or CAP_CHOWN). */
  readonly canChown: boolean;
  /** Create device nodes (needs CAP_MKNOD); otherwise they are skipped with one warning. */
  readonly canMknod: boolean;
  readonly logger: Logger;
}

/** A summary of one applied layer. */
export interface ApplyStats {
  readonly entries: number;
  /** Regular-file bytes written. */
  readonly bytes: number;
  /** Whiteout and opaque markers processed. */
  readonly whiteouts: number;
  /** Tar names of device nodes not created because mknod is not permitted. */
  readonly skippedDevices: readonly string[];
}

/** Streams `tarStream` (an uncompressed layer) into the rootfs at `root`. */
export async function applyLayer(root: string, tarStream: Readable, options: ApplyLayerOptions): Promise<ApplyStats> {
  const state = new LayerState(resolve(root), options.canChown, options.canMknod);
  const { extract, rawXattrs } = xattrAwareExtract();
  state.rawXattrs = rawXattrs;
  const feeding = pipeline(tarStream, extract);
  // The iterator below reports the same failure; this keeps the rejection from going unhandled.
  feeding.catch(() => undefined);
  try {
    for await (const entry of extract) {
      await applyOne(state, entry);
    }
    await feeding;
  } catch (error) {
    // Upstream TsbuildErrors (a digest mismatch from the verifier) pass through untouched.
    if (error instanceof TsbuildError) throw error;
    throw new TsbuildError('TSB_LAYER_INVALID', `reading layer tar: ${(error as Error).message}`, { cause: error });
  }
  finishDirectories(state);
  report(state, options.logger);
  return { entries: state.entries, bytes: state.bytes, whiteouts: state.whiteouts, skippedDevices: state.skippedDevices };
}

async function applyOne(state: LayerState, entry: TarEntry): Promise<void> {
  const { name, type } = entry.header;
  state.entries += 1;
  const path = entryContainerPath(name, state.root);
  const parent = posix.dirname(path);
  const base = posix.basename(path);
  const whiteout = classifyWhiteout(base);
  const hasData = (type === 'file' || type === 'contiguous-file') && whiteout === undefined && path !== '/';
  // Only a regular file's data is read (by apply-entry); anything else is drained straight away.
  if (!hasData) entry.resume();
  // The root itself: moby skips a "." directory entry; the rootfs directory is ours, not the layer's.
  if (path === '/') return;
  try {
    if (whiteout !== undefined) {
      applyWhiteout(state, parent, whiteout);
      return;
    }
    await applyEntry(state, join(state.parentDir(parent), base), entry, name);
  } catch (error) {
    if (error instanceof TsbuildError) throw error;
    throw new TsbuildError('TSB_LAYER_INVALID', `applying layer entry ${JSON.stringify(name)}: ${(error as Error).message}`, { cause: error });
  }
}

function applyWhiteout(state: LayerState, parent: string, whiteout: Whiteout): void {
  state.whiteouts += 1;
  state.forgetParent();
  if (whiteout.kind === 'meta') return;
  const hostParent = resolveInRootSync(state.root, parent);
  if (whiteout.kind === 'opaque') {
    clearLowerChildren(hostParent, state.isKept);
    return;
  }
  // `.wh.`, `.wh..` and `.wh...` would name the directory itself or its parent (even the root's).
  if (whiteout.name === '' || whiteout.name === '.' || whiteout.name === '..') {
    throw new TsbuildError('TSB_LAYER_INVALID', `layer has a whiteout for ${JSON.stringify(whiteout.name)} in ${parent}, which names no entry`);
  }
  removeLower(join(hostParent, whiteout.name), state.isKept);
}

/** Directory modes and mtimes, deepest first, so writing a child no longer disturbs them. */
export function finishDirectories(state: LayerState): void {
  const dirs = [...state.dirs.entries()].sort(([a], [b]) => depth(b) - depth(a));
  for (const [path, { mode, mtime }] of dirs) {
    let stats;
    try {
      stats = lstatSync(path);
    } catch {
      continue; // removed later in the same layer
    }
    if (!stats.isDirectory()) continue;
    chmodSync(path, mode);
    utimesSync(path, mtime, mtime);
  }
}

function depth(path: string): number {
  let count = 0;
  for (const char of path) if (char === '/') count += 1;
  return count;
}

function report(state: LayerState, logger: Logger): void {
  if (state.skippedDevices.length > 0) {
    logger.warn(
      { devices: state.skippedDevices },
      `skipped ${state.skippedDevices.length} device node(s): creating devices is not permitted here (no CAP_MKNOD, or a user namespace)`,
    );
  }
  if (state.unsupportedXattrs.length > 0) {
    logger.warn(
      { xattrs: state.unsupportedXattrs },
      `${state.unsupportedXattrs.length} extended attribute(s) could not be set: not supported or not permitted here`,
    );
  }
}

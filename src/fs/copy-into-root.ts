/**
 * COPY/ADD destination rules, as BuildKit's Dockerfile frontend and fsutil `copy` apply them:
 * - a relative dest is relative to WORKDIR; dest `.`, `` or ending in `/` names a directory;
 * - several sources need a directory dest ending in `/` (the classic builder's error; BuildKit
 *   would copy them one over the other, which is never what the user meant);
 * - the dest's parent (or the dest itself when it names a directory) is created with 0755 and
 *   the --chown owner (fsutil `MkdirAll(ensureDstPath, 0755, chown)`);
 * - the dest is resolved following symlinks, inside root (BuildKit's `fs.RootPath`), so an
 *   existing directory reached through a link is used;
 * - a directory source copies its contents; a dest the copy creates (no trailing `/`) takes the
 *   source directory's mode and times (fsutil `copyDirectoryOnly`), an existing one keeps its own;
 * - a file source into an existing directory becomes `dest/<basename>`, else it is the dest.
 */
import { dirname, join, posix, resolve } from 'node:path';
import { lstatIfExists } from './lstat-if-exists.js';
import { InternalError, TsbuildError } from '../oci/index.js';
import { EntryCopier, type CopyMetadata } from './copy-entry.js';
import { copyXattrs } from './copy-xattrs.js';
import type { CopySource } from './copy-source.js';
import { ensureDirInRoot } from './ensure-dir.js';
import { containerPathOf, resolveInRootSync } from './resolve-in-root.js';

/** Where relative destinations start, and the --chown / --chmod of the instruction. */
export interface CopyIntoRootOptions extends CopyMetadata {
  /** The stage's WORKDIR (absolute container path). */
  readonly workdir: string;
}

/** Copies `sources` to `dest` in the rootfs; returns the container paths written, sorted. */
export async function copyIntoRoot(
  root: string,
  sources: readonly CopySource[],
  dest: string,
  options: CopyIntoRootOptions,
): Promise<string[]> {
  const hostRoot = resolve(root);
  if (sources.length === 0) throw new TsbuildError('TSB_COPY_SOURCE', 'no source files were specified');
  const destIsDir = dest === '' || dest === '.' || dest.endsWith('/');
  if (sources.length > 1 && !destIsDir) {
    throw new TsbuildError(
      'TSB_COPY_SOURCE',
      `when using COPY with more than one source file, the destination must be a directory and end with a / (got ${JSON.stringify(dest)})`,
    );
  }
  if (!options.workdir.startsWith('/')) throw new InternalError(`workdir ${JSON.stringify(options.workdir)} is not absolute`);
  const destPath = posix.resolve(options.workdir, dest);
  const copier = new EntryCopier(hostRoot, options);
  try {
    const parent = ensureDirInRoot(hostRoot, destIsDir ? destPath : posix.dirname(destPath), options.chown);
    for (const created of parent.created) copier.changed.add(created);
    const destHost = resolveInRootSync(hostRoot, destPath);
    if (destIsDir && lstatIfExists(destHost)?.isDirectory() === false) {
      throw new TsbuildError('TSB_COPY_SOURCE', `cannot copy to non-directory: ${containerPathOf(hostRoot, destHost)}`);
    }
    for (const source of sources) copySource(hostRoot, copier, source, destHost, options);
    copier.finish();
    await copyXattrs(copier.origins);
  } catch (error) {
    if (error instanceof TsbuildError) throw error;
    throw new TsbuildError('TSB_COPY_SOURCE', `copying to ${dest}: ${(error as Error).message}`, { cause: error });
  }
  return [...copier.changed].map((host) => containerPathOf(hostRoot, host)).sort();
}

function copySource(root: string, copier: EntryCopier, source: CopySource, destHost: string, options: CopyIntoRootOptions): void {
  const [top, ...rest] = source.entries;
  if (top === undefined || top.rel !== '') {
    throw new InternalError(`copy source ${JSON.stringify(source.name)} does not start with its own entry`);
  }
  const destStats = lstatIfExists(destHost);
  if (!source.isDir) {
    const base = posix.basename(source.name);
    if (!isPlainRelative(base)) throw new InternalError(`copy source name ${JSON.stringify(source.name)} has no file name`);
    const target = destStats?.isDirectory() === true ? join(destHost, base) : destHost;
    copier.copy(top, target);
    return;
  }
  if (destStats === undefined) {
    // fsutil's copyDirectoryOnly: a destination the copy creates takes the source directory's
    // mode and times (its parents are MkdirAll'd 0755); an existing one keeps its own.
    const parent = containerPathOf(root, dirname(destHost));
    for (const created of ensureDirInRoot(root, parent, options.chown).created) copier.changed.add(created);
    copier.copy(top, destHost);
  } else if (!destStats.isDirectory()) {
    throw new TsbuildError('TSB_COPY_SOURCE', `cannot copy to non-directory: ${containerPathOf(root, destHost)}`);
  }
  // Directories this copy created or checked, by container path: children reuse them unresolved.
  const known = new Map<string, string>([['', destHost]]);
  for (const entry of rest) {
    // A '..' here would step out of the destination (and, at `/`, out of the root).
    if (!isPlainRelative(entry.rel)) throw new InternalError(`copy source entry ${JSON.stringify(entry.rel)} is not a plain relative path`);
    const parentRel = posix.dirname(entry.rel) === '.' ? '' : posix.dirname(entry.rel);
    const parentHost = known.get(parentRel) ?? ensureDirInRoot(root, posix.join(containerPathOf(root, destHost), parentRel), options.chown).host;
    const target = join(parentHost, posix.basename(entry.rel));
    copier.copy(entry, target);
    if (entry.stats.isDirectory()) known.set(entry.rel, target);
  }
}

function isPlainRelative(rel: string): boolean {
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}


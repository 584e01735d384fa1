/**
 * Resolving a tree-relative path the way COPY reads it: symlinks on the way (and the final one,
 * for a source) are followed, but only within the tree. In the context a link whose target leaves
 * it — absolute, or climbing above the root — is an error, never followed out; in a rootfs it is
 * resolved as a chroot would (see source-tree.ts). A link that
 * .dockerignore excludes does not exist for COPY, exactly like an excluded file.
 */
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { lstatIfExists } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';
import type { SourceTree } from './source-tree.js';

/** A path of the context after symlink resolution. */
export interface ContextPath {
  /** POSIX path relative to the context root; '' for the root itself. */
  readonly rel: string;
  readonly hostPath: string;
  /** lstat of the resolved path (a symlink only when the final link was not followed). */
  readonly stats: Stats;
}

const MAX_LINKS = 40; // Linux's own limit (ELOOP)

/** Resolves `rel` (clean, relative); undefined when it does not exist or a link on it is ignored. */
export function resolveInContext(ctx: SourceTree, rel: string, followFinal: boolean): ContextPath | undefined {
  const pending = rel === '' ? [] : rel.split('/');
  const resolved: string[] = [];
  let links = 0;
  let lastLink: { link: string; target: string } | undefined;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      // A rootfs clamps `..` at its top, as a chroot does; the context refuses to climb out.
      if (resolved.length === 0 && ctx.links === 'context') throw escapeError(ctx, rel, lastLink);
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, part];
    const stats = lstatIfExists(join(ctx.dir, ...candidate));
    if (stats === undefined) return undefined;
    const last = pending.length === 0;
    if (stats.isSymbolicLink() && (followFinal || !last)) {
      if (ctx.ignore.ignores(candidate.join('/'))) return undefined;
      if (++links > MAX_LINKS) throw new TsbuildError('TSB_CONTEXT', `too many levels of symbolic links resolving ${JSON.stringify(rel)}`);
      const target = readlinkSync(join(ctx.dir, ...candidate));
      lastLink = { link: candidate.join('/'), target };
      if (target.startsWith('/')) {
        if (ctx.links === 'context') throw escapeError(ctx, rel, lastLink);
        resolved.length = 0; // an absolute target restarts at the rootfs's top
      }
      pending.unshift(...target.split('/'));
      continue;
    }
    if (!last && !stats.isDirectory()) return undefined; // ENOTDIR: the path does not exist
    resolved.push(part);
  }
  const hostPath = join(ctx.dir, ...resolved);
  return { rel: resolved.join('/'), hostPath, stats: lstatSync(hostPath) };
}

function escapeError(ctx: SourceTree, rel: string, via?: { link: string; target: string }): TsbuildError {
  const how = via === undefined ? '' : ` (symlink ${JSON.stringify(via.link)} points to ${JSON.stringify(via.target)})`;
  return new TsbuildError('TSB_CONTEXT', `COPY source ${JSON.stringify(rel)} resolves outside ${ctx.description}${how}`);
}


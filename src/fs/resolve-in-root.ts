/**
 * Resolving a container path to a host path inside a rootfs, the way a chroot would see it:
 * every symlink component is expanded, absolute link targets restart at the root, and `..`
 * clamps at the root. This is the filepath-securejoin algorithm; the result never leaves root.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { InternalError, TsbuildError } from '../oci/index.js';

/** Linux gives up after 40 hops; securejoin allows 255. We follow securejoin. */
const MAX_LINK_HOPS = 255;

/** How the last path component is treated. */
export interface ResolveOptions {
  /** Follow a symlink in the final component (default true). False for lstat-like uses. */
  readonly followFinal?: boolean;
}

/**
 * The host path of `containerPath` (absolute) inside `root`. Synchronous because it is called
 * once per tar entry and per copied file; sync lstat is several times faster than promises
 * (MEASURED.md).
 */
export function resolveInRootSync(root: string, containerPath: string, options: ResolveOptions = {}): string {
  if (!containerPath.startsWith('/')) {
    throw new InternalError(`container path ${JSON.stringify(containerPath)} is not absolute`);
  }
  const hostRoot = resolve(root);
  const followFinal = options.followFinal ?? true;
  // A stack of components still to walk; the next one is at the end.
  const pending = containerPath.split('/').reverse();
  let current = ''; // the resolved container path so far, symlink-free; '' is the root
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = current.slice(0, current.lastIndexOf('/'));
      continue;
    }
    const next = `${current}/${part}`;
    if (!followFinal && isLastComponent(pending)) {
      current = next;
      continue;
    }
    const target = readLinkIfSymlink(hostRoot + next);
    if (target === undefined) {
      current = next;
      continue;
    }
    hops += 1;
    if (hops > MAX_LINK_HOPS) {
      throw new TsbuildError(
        'TSB_PATH_ESCAPE',
        `too many levels of symbolic links resolving ${JSON.stringify(containerPath)} in ${hostRoot}`,
      );
    }
    for (const component of target.split('/').reverse()) pending.push(component);
    if (target.startsWith('/')) current = '';
  }
  return hostRoot + current;
}

/** Promise form of {@link resolveInRootSync}, for callers that are async anyway. */
export async function resolveInRoot(root: string, containerPath: string, options: ResolveOptions = {}): Promise<string> {
  return resolveInRootSync(root, containerPath, options);
}

/** The container path (`/a/b`) of a host path that lies inside root. */
export function containerPathOf(root: string, hostPath: string): string {
  const rel = relative(resolve(root), hostPath);
  if (rel === '..' || rel.startsWith('../') || rel.startsWith('/')) {
    throw new InternalError(`host path ${hostPath} is not inside ${root}`);
  }
  return rel === '' ? '/' : `/${rel}`;
}

function isLastComponent(pending: readonly string[]): boolean {
  for (let i = pending.length - 1; i >= 0; i -= 1) {
    const part = pending[i];
    if (part !== '' && part !== '.') return false;
  }
  return true;
}

/** The link target when `hostPath` is a symlink; undefined when it is anything else or absent. */
function readLinkIfSymlink(hostPath: string): string | undefined {
  try {
    const stats = lstatSync(hostPath);
    return stats.isSymbolicLink() ? readlinkSync(hostPath) : undefined;
  } catch (error) {
    // A missing component (or a file used as a directory) is resolved lexically, as securejoin does.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

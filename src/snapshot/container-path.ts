/**
 * Container paths are absolute, `/`-separated, without `.`/`..` or trailing slashes. Ordering is
 * by component (a directory's whole subtree sorts before a sibling named `dir-x` or `dir.x`),
 * as a per-directory walk gives, and as Docker and BuildKit order their layer entries.
 */
import { join } from 'node:path';

const WHITEOUT_PREFIX = '.wh.';

/**
 * A string whose plain `<` order is the component order: `/` becomes U+0000 (below every
 * character a file name can hold), and each component gets a rank character so whiteouts sort
 * before their siblings (OCI layer.md: "whiteout files appear before sibling directory entries").
 */
function sortKey(path: string): string {
  let key = '';
  for (const component of path.split('/')) {
    if (component === '') continue;
    key += (component.startsWith(WHITEOUT_PREFIX) ? '\u0000\u0001' : '\u0000\u0002') + component;
  }
  return key;
}

/** Sorts container paths parents-first, by component; returns a new array. */
export function sortContainerPaths(paths: Iterable<string>): string[] {
  const keyed = [...paths].map((path) => ({ path, key: sortKey(path) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.path);
}

/** The parent of a container path (`/` for a top-level entry). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The last component of a container path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` is `ancestor` or lies below it. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '/' || path === ancestor || path.startsWith(`${ancestor}/`);
}

/** Every ancestor of a path, nearest first, `/` excluded. */
export function ancestorsOf(path: string): string[] {
  const result: string[] = [];
  for (let p = parentOf(path); p !== '/'; p = parentOf(p)) result.push(p);
  return result;
}

/** The host path of a container path under `root`; the path must already be normalised. */
export function hostPath(root: string, path: string): string {
  return join(root, path);
}

/** Normalises a caller-given container path (`a/b/`, `/a//b`) or rejects `..` and `.`. */
export function normaliseContainerPath(path: string): string | null {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) return null;
  return `/${parts.join('/')}`;
}

/** Whether a base name would be read as a whiteout marker by every layer applier. */
export function isWhiteoutName(name: string): boolean {
  return name.startsWith(WHITEOUT_PREFIX);
}

/** The whiteout entry that removes `path` from lower layers. */
export function whiteoutPathFor(path: string): string {
  const parent = parentOf(path);
  return `${parent === '/' ? '' : parent}/${WHITEOUT_PREFIX}${baseName(path)}`;
}

/**
 * OCI whiteouts (image-spec layer.md, "Whiteouts"): `.wh.<name>` hides `<name>` from lower
 * layers and `.wh..wh..opq` hides every lower-layer entry of its directory. Entries this layer
 * writes are never hidden by its own whiteouts ("whiteout files MUST only apply to resources in
 * lower/parent layers"), so removal spares whatever the layer has written — before or after the
 * marker in the tar — and the result is the same for either order.
 */
import { lstatIfExists } from './lstat-if-exists.js';
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
/** aufs metadata (`.wh..wh.plnk`, `.wh..wh.aufs`): not part of the OCI format; moby skips them. */
const META_PREFIX = '.wh..wh.';

/** What a tar entry's base name means as a whiteout. */
export type Whiteout =
  | { readonly kind: 'opaque' }
  | { readonly kind: 'remove'; readonly name: string }
  | { readonly kind: 'meta' };

/** Classifies a base name; undefined when it is an ordinary entry. */
export function classifyWhiteout(base: string): Whiteout | undefined {
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (base === OPAQUE_MARKER) return { kind: 'opaque' };
  if (base.startsWith(META_PREFIX)) return { kind: 'meta' };
  return { kind: 'remove', name: base.slice(WHITEOUT_PREFIX.length) };
}

/** Tells whether a host path must survive because this layer wrote it or something below it. */
export type KeepPredicate = (hostPath: string) => boolean;

/**
 * Removes `hostPath` as a lower-layer entry: entirely when this layer wrote nothing at or under
 * it; otherwise only the children the layer did not write, recursively. Returns paths removed.
 */
export function removeLower(hostPath: string, keep: KeepPredicate): number {
  if (!keep(hostPath)) {
    if (!isPresent(hostPath)) return 0;
    rmSync(hostPath, { recursive: true, force: true });
    return 1;
  }
  return clearLowerChildren(hostPath, keep);
}

/** Opaque directory: removes every child of `hostDir` this layer did not write. */
export function clearLowerChildren(hostDir: string, keep: KeepPredicate): number {
  let stats;
  try {
    stats = lstatSync(hostDir);
  } catch {
    return 0;
  }
  // A kept symlink or file has no lower children to hide; never descend through a link.
  if (!stats.isDirectory()) return 0;
  let removed = 0;
  for (const child of readdirSync(hostDir)) removed += removeLower(join(hostDir, child), keep);
  return removed;
}

const isPresent = (path: string): boolean => lstatIfExists(path) !== undefined;

/**
 * The container path a tar entry name (or hardlink target) denotes. containerd cleans the name
 * and joins it to the root: an absolute name is rooted (`/etc/x` is `<root>/etc/x`, and `/../x`
 * clamps to `/x`), while a relative name that climbs above the root is a breakout and an error.
 */
import { posix } from 'node:path';
import { PathEscapeError } from '../oci/index.js';

/** `/`-rooted, normalised container path of a tar name; throws PathEscapeError on `../` escapes. */
export function entryContainerPath(name: string, root: string): string {
  if (name.startsWith('/')) return trimSlash(posix.normalize(name));
  const cleaned = posix.normalize(name);
  if (cleaned === '..' || cleaned.startsWith('../')) {
    throw new PathEscapeError(name, root, 'climbs out of the layer root');
  }
  return trimSlash(posix.normalize(`/${cleaned}`));
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * Which entries a layer holds, in order: every changed path, the directories above it (so the
 * layer applies on its own, with their current metadata), and one whiteout per deleted path in
 * its parent (whose entry is included too). Whiteouts are never opaque: OCI layer.md says to
 * prefer explicit ones, and a directory whose old children all went gets one whiteout each.
 */
import { TsbuildError } from '../oci/index.js';
import {
  ancestorsOf,
  baseName,
  isWhiteoutName,
  normaliseContainerPath,
  sortContainerPaths,
  whiteoutPathFor,
} from './container-path.js';
import type { ChangeSet } from './types.js';

/** The ordered entries of a layer; `whiteouts` says which of `paths` are whiteout markers. */
export interface LayerPlan {
  readonly paths: readonly string[];
  readonly whiteouts: ReadonlySet<string>;
}

function checked(path: string): string {
  const normal = normaliseContainerPath(path);
  if (normal === null || normal === '/') {
    throw new TsbuildError('TSB_LAYER_INVALID', `cannot put ${JSON.stringify(path)} in a layer: not a path below the root`);
  }
  return normal;
}

/** Orders a change set into layer entries. A changed path named `.wh.*` cannot be represented. */
export function planLayer(changes: ChangeSet): LayerPlan {
  const entries = new Set<string>();
  for (const raw of changes.changed) {
    const path = checked(raw);
    if (isWhiteoutName(baseName(path))) {
      throw new TsbuildError(
        'TSB_LAYER_INVALID',
        `${path} cannot be stored in a layer: names starting with ".wh." mark deletions in OCI layers`,
      );
    }
    entries.add(path);
    for (const dir of ancestorsOf(path)) entries.add(dir);
  }
  const whiteouts = new Set<string>();
  for (const raw of changes.deleted) {
    const path = checked(raw);
    const marker = whiteoutPathFor(path);
    whiteouts.add(marker);
    entries.add(marker);
    for (const dir of ancestorsOf(path)) entries.add(dir);
  }
  return { paths: sortContainerPaths(entries), whiteouts };
}

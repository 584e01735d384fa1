/**
 * Scans: one lstat per path, recorded so a later scan can be compared without reading content.
 * `updateScan` refreshes only the paths an instruction reports (COPY, ADD, WORKDIR), so the next
 * RUN diffs against what is really on disk.
 */
import { resolve } from 'node:path';
import { InternalError } from '../oci/index.js';
import { ancestorsOf, isWithin, normaliseContainerPath } from './container-path.js';
import { walkInWorker } from './scan-worker.js';
import { entryTypeOf, type Scan, type ScanEntry } from './types.js';
import { NUMBER_FIELDS, type WalkColumns } from './walk.js';

/** Options of `scanTree`. */
export interface ScanOptions {
  /** Container paths not recorded, with their subtrees. */
  readonly exclude?: ReadonlySet<string>;
}

function normalised(paths: Iterable<string>): string[] {
  return [...paths].map((p) => {
    const n = normaliseContainerPath(p);
    if (n === null) throw new InternalError(`container path ${JSON.stringify(p)} is not normalised`);
    return n;
  });
}

function addColumns(entries: Map<string, ScanEntry>, columns: WalkColumns): void {
  const { paths, linkTargets, numbers, inodes, times } = columns;
  for (let i = 0; i < paths.length; i++) {
    const n = i * NUMBER_FIELDS;
    const mode = numbers[n]!;
    entries.set(paths[i]!, {
      type: entryTypeOf(mode),
      mode,
      uid: numbers[n + 1]!,
      gid: numbers[n + 2]!,
      size: numbers[n + 3]!,
      nlink: numbers[n + 4]!,
      rdev: numbers[n + 5]!,
      ino: inodes[i]!,
      mtimeNs: times[2 * i]!,
      ctimeNs: times[2 * i + 1]!,
      linkTarget: linkTargets[i]!,
    });
  }
}

/** Records every path under `root` (a sync lstat walk on a worker thread). */
export async function scanTree(root: string, opts: ScanOptions = {}): Promise<Scan> {
  const exclude = new Set(normalised(opts.exclude ?? []));
  const entries = new Map<string, ScanEntry>();
  addColumns(entries, await walkInWorker(resolve(root), { starts: ['/'], single: [], exclude: [...exclude] }));
  return { entries, exclude };
}

/**
 * A new scan with `containerPaths` and their subtrees re-read from disk (paths that no longer
 * exist are dropped). Their ancestors are re-read too, without their subtrees: creating an entry
 * moves its parent's mtime, and the next diff must not report that as a change of the parent.
 */
export async function updateScan(scan: Scan, root: string, containerPaths: Iterable<string>): Promise<Scan> {
  const excluded = [...scan.exclude];
  const isExcluded = (p: string) => excluded.some((x) => isWithin(p, x));
  const requested = new Set(normalised(containerPaths).filter((p) => !isExcluded(p)));
  if (requested.has('/')) return scanTree(root, { exclude: scan.exclude });
  // A path below another requested path is walked with it; an instruction may list both.
  const starts = [...requested].filter((p) => !ancestorsOf(p).some((a) => requested.has(a)));
  const single = [...new Set(starts.flatMap(ancestorsOf))].filter((a) => !requested.has(a) && !isExcluded(a));
  const startSet = new Set(starts);
  const singles = new Set(single);
  const entries = new Map(scan.entries);
  for (const path of entries.keys()) {
    if (singles.has(path) || startSet.has(path) || ancestorsOf(path).some((a) => startSet.has(a))) entries.delete(path);
  }
  addColumns(entries, await walkInWorker(resolve(root), { starts, single, exclude: excluded }));
  return { entries, exclude: scan.exclude };
}

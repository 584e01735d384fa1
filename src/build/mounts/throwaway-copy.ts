/**
 * A copy of a file or tree in the RUN's scratch directory: what a `rw` bind mounts (BuildKit
 * discards its writes) and what a context bind mounts when `.dockerignore` hides part of it.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { IgnoreRules } from '../../context/index.js';

/** Copies `source` (under `treeDir`) into a new directory of `scratch`, skipping ignored paths. */
export async function throwawayCopy(source: string, treeDir: string, ignore: IgnoreRules, scratch: string): Promise<string> {
  const dest = join(await mkdtemp(join(scratch, 'bind-')), basename(source) || 'root');
  const rel = (p: string) => relative(treeDir, p).split(sep).join('/');
  await cp(source, dest, {
    recursive: true,
    verbatimSymlinks: true,
    preserveTimestamps: true,
    filter: (from) => ignore.patterns.length === 0 || !ignore.ignores(rel(from)),
  });
  return dest;
}

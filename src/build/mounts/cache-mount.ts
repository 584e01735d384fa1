/**
 * `--mount=type=cache`: a host directory under the cache root, one per id, that outlives the
 * build, so the next build's RUN sees what this one left there. It is bound into the sandbox and
 * is never part of the rootfs, so no layer can hold it. Created with the spec's mode and owner,
 * seeded from `from`/`source` when given. `locked` waits for other users; `private` takes a
 * fresh empty directory when the shared one is in use (BuildKit's reading of both).
 */
import { chmod, chown, cp, mkdir, mkdtemp, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { resolveInRoot } from '../../fs/index.js';
import type { CacheMountSpec } from '../../dockerfile/index.js';
import type { RunMount } from '../../sandbox/index.js';
import type { StepContext } from '../types.js';
import { takeCacheLock } from './cache-lock.js';

/** A mount and what to do once the RUN ended. */
export interface HeldMount {
  readonly mount: RunMount;
  readonly release: () => Promise<void>;
}

/**
 * The name of id `id` under the cache root: percent-encoded (an id is often a path such as
 * `/root/.cache`), and a leading dot too: no id can then name the root, its parent, or the
 * dot-names kept for tsbuild's own use (`.locks`, `.new-*`).
 */
export function cacheNameOf(id: string): string {
  return encodeURIComponent(id).replace(/^\./, '%2E');
}

async function create(dir: string, root: string, spec: CacheMountSpec, step: StepContext): Promise<void> {
  // Built aside (on the same filesystem) and renamed, so no build sees a half-seeded directory.
  const fresh = await mkdtemp(join(root, '.new-'));
  if (spec.from !== undefined) {
    const tree = await step.copyFromTree(spec.from);
    const source = await resolveInRoot(tree.dir, posix.resolve('/', spec.source ?? '/'));
    await cp(source, fresh, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
  await chown(fresh, spec.uid, spec.gid);
  await chmod(fresh, spec.mode);
  await rename(fresh, dir).catch((err: NodeJS.ErrnoException) => {
    // Another build created it first: theirs is as good as ours.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  });
}

/** Mounts the cache of `spec` at `target`, creating it under `root` the first time. */
export async function cacheMount(spec: CacheMountSpec, target: string, root: string, step: StepContext, scratch: string): Promise<HeldMount> {
  // Locks live apart, so that no id's directory can be another id's lock.
  await mkdir(join(root, '.locks'), { recursive: true });
  const dir = join(root, cacheNameOf(spec.id));
  const waiting = (file: string, holder: string) =>
    step.logger.warn({ lock: file, holder }, `waiting for cache mount ${spec.id} (sharing=locked); a lock left by a build killed on another host must be removed by hand`);
  const release = spec.sharing === 'shared' ? async () => {} : await takeCacheLock(join(root, '.locks', cacheNameOf(spec.id)), spec.sharing === 'locked', waiting);
  if (release === undefined) {
    const own = await mkdtemp(join(scratch, 'cache-private-'));
    await chown(own, spec.uid, spec.gid);
    await chmod(own, spec.mode);
    return { mount: { kind: 'bind', source: own, target, readonly: spec.readonly }, release: async () => {} };
  }
  try {
    if (!existsSync(dir)) await create(dir, root, spec, step);
  } catch (err) {
    await release();
    throw err;
  }
  return { mount: { kind: 'bind', source: dir, target, readonly: spec.readonly }, release };
}

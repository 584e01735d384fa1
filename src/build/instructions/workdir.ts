import { posix } from 'node:path';
import { containerPathOf, ensureDirInRoot, lookupUser } from '../../fs/index.js';
import type { WorkdirInstruction } from '../../dockerfile/index.js';
import type { ContainerConfig } from '../../oci/index.js';
import type { Handler, StepContext } from '../types.js';

/** WORKDIR's config part: a relative path is resolved against the previous working directory. */
export function workdirConfig(ins: WorkdirInstruction, step: StepContext): ContainerConfig {
  const previous = step.config.WorkingDir || '/';
  return { ...step.config, WorkingDir: posix.resolve(previous, step.expand(ins.path)) };
}

/**
 * WORKDIR: the directory is created when missing, owned by the current USER as BuildKit does,
 * and only what was created goes in a layer.
 */
export const workdir: Handler<'WORKDIR'> = async (ins, step) => {
  const config = workdirConfig(ins, step);
  const dir = config.WorkingDir ?? '/';
  const root = await step.rootfs();
  const owner = step.config.User ? await lookupUser(root, step.config.User) : { uid: 0, gid: 0 };
  const created = dir === '/' ? [] : ensureDirInRoot(root, dir, owner).created;
  return { kind: 'files', config, paths: created.map((p) => containerPathOf(root, p)) };
};

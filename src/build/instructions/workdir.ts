import { posix } from 'node:path';
import { containerPathOf, ensureDirInRoot, lookupUser } from '../../fs/index.js';
import type { Handler } from '../types.js';

/**
 * WORKDIR: a relative path is resolved against the previous one; the directory is created when
 * missing, owned by the current USER as BuildKit does, and only what was created goes in a layer.
 */
export const workdir: Handler<'WORKDIR'> = async (ins, step) => {
  const previous = step.config.WorkingDir || '/';
  const dir = posix.resolve(previous, step.expand(ins.path));
  const root = await step.rootfs();
  const owner = step.config.User ? await lookupUser(root, step.config.User) : { uid: 0, gid: 0 };
  const created = dir === '/' ? [] : ensureDirInRoot(root, dir, owner).created;
  return { kind: 'files', config: { ...step.config, WorkingDir: dir }, paths: created.map((p) => containerPathOf(root, p)) };
};

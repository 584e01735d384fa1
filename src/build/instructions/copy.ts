import { copyIntoRoot, resolveChown } from '../../fs/index.js';
import { resolveCopySources } from '../../context/index.js';
import type { Handler } from '../types.js';
import { parseChmod } from './chmod-flag.js';

/**
 * COPY from the build context, or with `--from` from a stage's or an image's rootfs: sources
 * expanded and matched with Docker's rules (.dockerignore applies to the context only), owned by
 * --chown, else 0:0 from the context and the source's owners from a stage or image, with modes kept unless --chmod; the layer holds exactly the written paths.
 */
export const copy: Handler<'COPY'> = async (ins, step) => {
  const root = await step.rootfs();
  const tree = ins.flags.from === undefined ? step.context : await step.copyFromTree(ins.flags.from);
  const sources = await resolveCopySources(tree, ins.sources.map((s) => step.expand(s)));
  const chown = ins.flags.chown === undefined ? undefined : await resolveChown(root, step.expand(ins.flags.chown));
  const chmod = ins.flags.chmod === undefined ? undefined : parseChmod(step.expand(ins.flags.chmod), ins.loc);
  const paths = await copyIntoRoot(root, sources, step.expand(ins.dest), {
    workdir: step.config.WorkingDir || '/',
    ...(chown ? { chown } : {}),
    keepOwners: ins.flags.from !== undefined,
    ...(chmod === undefined ? {} : { chmod }),
  });
  return { kind: 'files', config: step.config, paths };
};
